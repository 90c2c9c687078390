"""The bot layer's start-up errors: settings or credentials a process cannot start with.

The tree (indentation is inheritance; each platform's error keeps the built-in base it
always had, so code catching `ValueError` or `RuntimeError` still catches it):

    Exception
    └── ConfigError                  a process cannot start with these settings; the message
        │                            names every setting to change (never a secret's value)
        ├── DiscordStartupError      (also RuntimeError) settings, token or intents refused
        ├── RedditConfigError        (also ValueError) a missing credential or user agent
        │   └── RedditLoginError     Reddit refused the configured credentials
        ├── XenForoConfigError       (also ValueError) missing settings, or a refused API key
        ├── DiscourseConfigError     (also ValueError) missing settings, or a refused API key
        └── FeedsConfigError         (also ValueError) no feeds, or a digest that cannot work

The records layer's errors are in `records/errors.py`; settings files and variables that
cannot be read raise `config.settings.SettingsSourceError`.
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


class FeedsConfigError(ConfigError, ValueError):
    """The feed settings cannot work."""
