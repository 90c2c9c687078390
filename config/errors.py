"""Exception classes of the settings layer, and the root of every configuration error.

Indentation is inheritance:

    Exception
    └── ConfigError                  a process cannot start with these settings; the message
        │                            names every setting to change (never a secret's value)
        └── SettingsSourceError      (also ValueError) a place settings are read from is unusable
            ├── ConfigFileError      the TOML settings file is missing or not valid TOML
            └── UnknownVariableError `EVBOT_` variables that match no setting

`ConfigError` lives here, in the lowest layer, so the settings' own errors and each
platform's start-up errors (drawn in `bot/errors.py`) share it.
"""

from __future__ import annotations


class ConfigError(Exception):
    """A process cannot start with these settings; the message says what to change."""


class SettingsSourceError(ConfigError, ValueError):
    """A place settings are read from is unusable or names something that is no setting."""


class ConfigFileError(SettingsSourceError):
    """The TOML settings file is missing or not valid TOML."""


class UnknownVariableError(SettingsSourceError):
    """`EVBOT_` environment variables that match no setting (a misspelling is ignored
    silently by pydantic-settings, so `EVBOT_DATABASE_PATH` would leave the default path).

    `explained` holds one line per variable: its name and why it is unknown (values are
    never shown).
    """

    def __init__(self, explained: list[str]) -> None:
        lines = [f"  {line}" for line in explained]
        super().__init__(
            "environment variables that match no setting (values not shown):\n" + "\n".join(lines)
        )
