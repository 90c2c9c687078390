"""robots.txt rules for one site, read with the standard library's parser.

Unavailability follows RFC 9309 section 2.3.1 (https://www.rfc-editor.org/rfc/rfc9309):
a 4xx answer means no rules (crawl everything); a 5xx answer or an unreachable server
means the crawler must assume everything is disallowed, so sync stops.
"""

from __future__ import annotations

import urllib.robotparser
from dataclasses import dataclass


class RobotsUnavailable(RuntimeError):
    """robots.txt could not be read (server error or unreachable): crawling is not allowed."""


@dataclass
class RobotsRules:
    """What robots.txt allows our user agent, and the delay it asks for."""

    parser: urllib.robotparser.RobotFileParser
    user_agent: str

    @classmethod
    def from_response(cls, status: int, text: str, user_agent: str, url: str) -> RobotsRules:
        """Rules from a robots.txt answer; raises RobotsUnavailable for a server error."""
        parser = urllib.robotparser.RobotFileParser(url)
        if status >= 500:
            raise RobotsUnavailable(f"{url} answered HTTP {status}; not crawling")
        if 400 <= status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(text.splitlines())
        return cls(parser=parser, user_agent=user_agent)

    def allows(self, url: str) -> bool:
        """True when our user agent may fetch `url`."""
        return self.parser.can_fetch(self.user_agent, url)

    @property
    def crawl_delay(self) -> float | None:
        """The Crawl-delay (or Request-rate) asked of our user agent, in seconds."""
        delay = self.parser.crawl_delay(self.user_agent)
        if delay is not None:
            return float(delay)
        rate = self.parser.request_rate(self.user_agent)
        if rate is not None and rate.requests > 0:
            return rate.seconds / rate.requests
        return None
