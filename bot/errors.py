"""Exception classes of the bot layer, in one tree.

Indentation is inheritance; a class keeps the built-in base it always had, so code catching
`ValueError`, `RuntimeError` or `LookupError` still catches it:

    Exception
    ├── ConfigError                  a process cannot start with these settings; the message
    │   │                            names every setting to change (never a secret's value)
    │   ├── DiscordStartupError      (also RuntimeError) settings, token or intents refused
    │   ├── RedditConfigError        (also ValueError) a missing credential or user agent
    │   │   └── RedditLoginError     Reddit refused the configured credentials
    │   ├── XenForoConfigError       (also ValueError) missing settings, or a refused API key
    │   ├── DiscourseConfigError     (also ValueError) missing settings, or a refused API key
    │   ├── LemmyConfigError         (also ValueError) missing settings, or a refused login
    │   └── FeedsConfigError         (also ValueError) no feeds, or a digest that cannot work
    ├── SendFailed                   a platform did not take a reply (maybe_sent, final, defer)
    ├── LookupFailed                 an outlet cannot tell whether an earlier reply exists
    ├── MetadataServiceError         a metadata service cannot answer now: try again later
    ├── RuntimeError
    │   ├── RobotsUnavailable        robots.txt unreadable: the crawler may not crawl
    │   │   └── CrawlDelayTooLong    robots.txt asks for a longer Crawl-delay than we keep
    │   ├── FetchFailed              a request still failing after its retries
    │   └── SyncStopped              the atlas crawl cannot go on; its state is kept
    └── ValueError
        └── SitemapError             a sitemap that cannot be read

Each class is re-exported by the module that used to define it. Not here yet: the HTTP
stack's httpx errors (bot/http), the forum API's `ApiError` and the adapters' own
(`BadAnswer`, `StopRequested`, `TransientItemError`), and the CLI's. The records layer's
errors are drawn in `records/errors.py`; unreadable settings files and variables raise
`config.settings.SettingsSourceError`.
"""

from __future__ import annotations


class ConfigError(Exception):
    """A process cannot start with these settings; the message says what to change."""


class DiscordStartupError(ConfigError, RuntimeError):
    """The Discord bot cannot start; the message says what to change."""


class RedditConfigError(ConfigError, ValueError):
    """The Reddit settings cannot work: a missing credential or user agent."""


class RedditLoginError(RedditConfigError):
    """Reddit refused the configured credentials."""


class XenForoConfigError(ConfigError, ValueError):
    """The XenForo settings cannot work (say which one is missing)."""


class DiscourseConfigError(ConfigError, ValueError):
    """The Discourse settings cannot work (say which one is missing)."""


class LemmyConfigError(ConfigError, ValueError):
    """The Lemmy settings cannot work (say which one is missing, or what the instance said)."""


class FeedsConfigError(ConfigError, ValueError):
    """The feed settings cannot work."""


class SendFailed(Exception):
    """The platform did not take the reply.

    `maybe_sent` is True when the request may have been carried out although no answer
    came back (a timeout, a dropped connection, a 5xx after the body was sent). `final` is
    True when trying again cannot help (the thread is locked, the post deleted, the bot
    banned): the message is given up rather than retried. `defer` is True when the place
    refuses replies for now but may take them later: the adapter keeps the item for then.
    """

    def __init__(
        self, reason: str, *, maybe_sent: bool = False, final: bool = False, defer: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.maybe_sent = maybe_sent
        self.final = final
        self.defer = defer


class LookupFailed(Exception):
    """The outlet could not tell whether an earlier reply of ours exists."""


class RobotsUnavailable(RuntimeError):
    """robots.txt could not be read (server error or unreachable): crawling is not allowed."""


class FetchFailed(RuntimeError):
    """A request that still failed after its retries (the message says how)."""


class CrawlDelayTooLong(RobotsUnavailable):
    """robots.txt asks for a Crawl-delay above MAX_CRAWL_DELAY."""


class SyncStopped(RuntimeError):
    """The crawl cannot go on (robots.txt unreadable, a listing page failing); state is kept."""


class SitemapError(ValueError):
    """A sitemap that cannot be read (bad gzip data, or larger than allowed unpacked)."""


class MetadataServiceError(Exception):
    """A service could not answer now (network, timeout, 5xx, 429, malformed reply).

    The look-up should be tried again in a later pass; "not found" is not an error.
    """

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
