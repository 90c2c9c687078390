"""robots.txt rules for one site, read as RFC 9309 says (https://www.rfc-editor.org/rfc/rfc9309).

Parsed with protego: the longest matching rule wins, `Allow` wins a tie, and `*` and `$`
work as wildcards (the standard library's parser takes the first matching rule and reads
wildcards literally, so it would fetch pages a wildcard rule forbids). Unavailability
follows section 2.3.1: a 4xx answer means no rules (crawl everything); a 5xx answer or an
unreachable server means the crawler must assume everything is disallowed, so sync stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

from bot.errors import RobotsUnavailable as RobotsUnavailable  # noqa: PLC0414 - tests import it here


def product_token(user_agent: str) -> str:
    """`evidence-bot` from `evidence-bot/0.1 (+mailto:...)`: what robots.txt groups name."""
    return user_agent.split("/", 1)[0].split(maxsplit=1)[0] if user_agent.strip() else "*"


@dataclass
class RobotsRules:
    """What robots.txt allows our user agent, the delay it asks for, the sitemaps it names."""

    parser: Protego
    user_agent: str
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def from_response(cls, status: int, text: str, user_agent: str, url: str) -> RobotsRules:
        """Rules from a robots.txt answer; raises RobotsUnavailable for a server error."""
        if status >= 500:
            raise RobotsUnavailable(f"{url} answered HTTP {status}; not crawling")
        # 4xx: no rules, everything allowed.
        parser = Protego.parse("" if 400 <= status < 500 else text)
        return cls(parser=parser, user_agent=user_agent, sitemaps=list(parser.sitemaps))

    def allows(self, url: str) -> bool:
        """True when our user agent may fetch `url`."""
        return bool(self.parser.can_fetch(url, product_token(self.user_agent)))

    @property
    def crawl_delay(self) -> float | None:
        """The Crawl-delay (or Request-rate) asked of our user agent, in seconds."""
        token = product_token(self.user_agent)
        delay = self.parser.crawl_delay(token)
        if delay is not None:
            return float(delay)
        rate = self.parser.request_rate(token)
        if rate is not None and rate.requests > 0:
            return float(rate.seconds) / rate.requests
        return None
