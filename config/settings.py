"""The one settings model: environment (`EVBOT_<SECTION>__<FIELD>`), a TOML file, defaults.

Precedence, highest first: values passed in code, environment variables, the `.env` file,
the TOML file (`--config FILE` or `EVBOT_CONFIG`), then the defaults below.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from config.errors import ConfigError, UnknownVariableError
from config.errors import ConfigFileError as ConfigFileError  # noqa: PLC0414 - tests import it here
from config.errors import SettingsSourceError as SettingsSourceError  # noqa: PLC0414 - tests import it here

ReplyMode = Literal["auto", "summon-only", "off"]
# How a study named only by description is answered: its card, one line naming it, or not.
DescriptionMode = Literal["card", "suggest", "off"]
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _split_commas(value: Any) -> Any:
    """Accept `a, b,c` from the environment as well as a real list from TOML."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode]

# Reddit asks for a unique, descriptive user agent naming platform, app, version and account
# (https://github.com/reddit-archive/reddit/wiki/API#rules).
MIN_REDDIT_USER_AGENT_CHARS = 10
REDDIT_USER_AGENT_EXAMPLE = "linux:evidence-bot:0.1 (by u/your_bot_account)"
# Subreddit names: letters, digits, underscores, 3 to 21 characters for new ones (older ones
# have 2, e.g. r/de); see https://www.reddit.com/dev/api#POST_api_site_admin (`name`).
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")


def _blank(value: SecretStr | str | None) -> bool:
    """True for an unset value or one of spaces only (a pasted line's leftovers)."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    return not (text or "").strip()


class _Section(BaseModel):
    """A settings section: a misspelt key is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _secret_on_one_line(cls, value: Any) -> Any:
        """A token or password never holds a line break or another control character.

        Such a value was pasted with its newline; sent in an HTTP header it would fail
        deep inside a client library instead of here, with the setting's name.
        """
        if isinstance(value, SecretStr) and _CONTROL_CHARACTER.search(value.get_secret_value()):
            raise ValueError("contains a line break or another control character")
        return value

    def required(self) -> tuple[tuple[str, bool], ...]:
        """(the setting's variable and what it is, whether it is unset) for each setting the
        section's process cannot start without; none by default."""
        return ()

    def invalid(self) -> list[str]:
        """What else the section's process cannot start with, one sentence each saying what
        to change (never a secret's value); nothing by default."""
        return []

    def missing(self) -> str | None:
        """`set A (what it is), B (...)` naming every required setting left unset, or None."""
        unset = [what for what, is_unset in self.required() if is_unset]
        return "set " + ", ".join(unset) if unset else None

    def check(self, error: type[ConfigError] = ConfigError) -> None:
        """Raise `error` naming every problem of the section at once: the unset required
        settings first, then the invalid ones.

        Called when the section's process starts, not when settings load: other commands
        run without it.
        """
        problems = [self.missing() or "", *self.invalid()]
        if any(problems):
            raise error("; ".join(problem for problem in problems if problem))


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class DatabaseSettings(_Section):
    """Where the records live (a PostgreSQL server, else the shared SQLite file) and how
    patiently a writer waits for a lock."""

    # postgresql://user:password@host/name (or the DATABASE_URL variable hosting platforms
    # set): every process and machine shares this server. Unset: the SQLite file at `path`.
    url: SecretStr | None = None
    path: Path = Path("data/evidence.db")
    busy_timeout_ms: int = Field(default=5000, ge=0)
    # Unset: each database generates its own random salt on first use (records/salt.py).
    author_hash_salt: SecretStr | None = None

    @field_validator("url")
    @classmethod
    def _postgresql_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(POSTGRES_SCHEMES):
            raise ValueError("must be a postgresql:// address (the value is not shown)")
        return value

    def location(self) -> str | Path:
        """What records.db.open_db opens: the server's address, else the SQLite path."""
        return self.url.get_secret_value() if self.url is not None else self.path

    def where(self) -> str:
        """The store named for people: the SQLite path, or the server without its password."""
        if self.url is None:
            return str(self.path)
        parts = urlsplit(self.url.get_secret_value())
        host = parts.hostname or dict(parse_qsl(parts.query)).get("host", "local socket")
        return f"PostgreSQL database {parts.path.lstrip('/') or '(default)'} on {host}"


class AtlasSettings(_Section):
    """The ME/CFS Atlas site: used for links on cards and for `atlas sync`."""

    base_url: HttpUrl = HttpUrl("https://www.mecfsatlas.com")
    sync_delay_seconds: float = Field(default=1.0, ge=0)
    user_agent: str = "evidence-bot/0.1 (+https://github.com/evidence-bot)"


class LinkerSettings(_Section):
    """Knobs for reference finding; the defaults are tuned for precision first."""

    max_text_chars: int = Field(default=100_000, gt=0)
    # What one post may cost: nothing past this many characters is read at all (a platform's
    # largest message is 40,000; a 10 MB line once took 1.5 GB).
    max_post_chars: int = Field(default=200_000, gt=0)
    title_min_words: int = Field(default=5, ge=2)
    title_min_score: float = Field(default=90.0, ge=0, le=100)
    author_year: bool = True
    # Studies named by description ("the RIVERA trial", "a Lund team", journal and year).
    descriptions: bool = True


class ReplySettings(_Section):
    """How and how often the bot answers."""

    default_mode: ReplyMode = "auto"
    description_matches: DescriptionMode = "suggest"
    cooldown_hours: float = Field(default=24.0, ge=0)
    max_cards: int = Field(default=3, ge=1, le=10)
    rate_cap_per_hour: int = Field(default=30, ge=1)
    # A claim still unconfirmed after this long was left by a killed process: the next
    # delivery checks whether the reply exists, then confirms it or answers once.
    claim_lease_seconds: float = Field(default=120.0, ge=0)
    # After a restart or reconnect the bot reads what it missed, back to at most this many
    # hours (0: never), and at most this many messages per channel (the newest).
    catch_up_hours: float = Field(default=24.0, ge=0)
    catch_up_max_messages: int = Field(default=500, ge=1, le=10_000)
    # A channel whose catch-up failed is read again after this many seconds, doubling at
    # each further failure (up to 30 minutes) while the bot stays connected.
    catch_up_retry_seconds: float = Field(default=30.0, gt=0)
    # Running bots bring posted cards up to date (bot.core.refresh) this often (0: never).
    refresh_seconds: float = Field(default=600.0, ge=0)


class DiscordSettings(_Section):
    """The Discord bot; the API and gateway URLs can point at a Discord-compatible server."""

    token: SecretStr | None = None
    prefix: str = Field(default="!", min_length=1, max_length=5)
    api_base_url: HttpUrl = HttpUrl("https://discord.com/api/v10")
    gateway_url: str | None = None
    mod_roles: CommaList = []
    mod_log_channel_id: int | None = None
    # Sharding across processes or machines: every process names the same total and the
    # shards it runs (one each, or several; unset: all of them in this process).
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[list[int], NoDecode] = []

    _split = field_validator("mod_roles", "shard_ids", mode="before")(_split_commas)

    @field_validator("shard_ids", mode="after")
    @classmethod
    def _shards_consistent(cls, shard_ids: list[int], info: ValidationInfo) -> list[int]:
        """shard_ids, given with shard_count (`invalid` names ids without it), each in
        0..shard_count-1, none named twice (two sessions of one shard both receive its servers'
        events); Discord closes a session whose shard
        is out of range with code 4010 (https://discord.com/developers/docs/events/gateway#sharding).

        A field's check, so that an error names `discord.shard_ids` and shows only its value.
        """
        count = info.data.get("shard_count")
        if not shard_ids or count is None:  # no ids, a bad count said so, or no count (below)
            return shard_ids
        twice = sorted({s for s in shard_ids if shard_ids.count(s) > 1})
        if twice:
            raise ValueError(f"names {twice} more than once")
        outside = [s for s in shard_ids if not 0 <= s < count]
        if outside:
            raise ValueError(
                f"{outside} are outside 0..{count - 1} (discord.shard_count is {count})"
            )
        return shard_ids

    def required(self) -> tuple[tuple[str, bool], ...]:
        return (("EVBOT_DISCORD__TOKEN (or discord.token in the config)", _blank(self.token)),)

    def invalid(self) -> list[str]:
        # Checked when `run discord` starts, not when settings load, so that it is named with
        # a missing token at once and other commands run with the half-set sharding.
        if self.shard_ids and self.shard_count is None:
            return ["discord.shard_ids needs discord.shard_count (every process names the total)"]
        return []


class RedditSettings(_Section):
    """The Reddit bot (a praw script app)."""

    client_id: SecretStr | None = None
    client_secret: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    user_agent: str | None = None
    subreddits: CommaList = []
    oauth_url: HttpUrl = HttpUrl("https://oauth.reddit.com")
    reddit_url: HttpUrl = HttpUrl("https://www.reddit.com")
    poll_seconds: float = Field(default=30.0, gt=0)
    # How often the last hour is read again (late approvals, edits; hourly the last day).
    sweep_seconds: float = Field(default=600.0, gt=0)

    _split = field_validator("subreddits", mode="before")(_split_commas)

    def required(self) -> tuple[tuple[str, bool], ...]:
        app = "from https://www.reddit.com/prefs/apps"
        return (
            (f"EVBOT_REDDIT__CLIENT_ID (the 'script' app's id {app})", _blank(self.client_id)),
            (f"EVBOT_REDDIT__CLIENT_SECRET (its secret {app})", _blank(self.client_secret)),
            ("EVBOT_REDDIT__USERNAME (the bot account)", _blank(self.username)),
            ("EVBOT_REDDIT__PASSWORD (its password)", _blank(self.password)),
            ("EVBOT_REDDIT__SUBREDDITS (the subreddits to watch)", not self.subreddits),
        )

    def invalid(self) -> list[str]:
        problems = []
        agent = (self.user_agent or "").strip()
        if not agent:
            problems.append(
                "EVBOT_REDDIT__USER_AGENT is required: Reddit asks for a unique, descriptive "
                f"user agent such as {REDDIT_USER_AGENT_EXAMPLE!r}"
            )
        elif len(agent) < MIN_REDDIT_USER_AGENT_CHARS:
            problems.append(
                f"EVBOT_REDDIT__USER_AGENT {agent!r} is not descriptive: name the platform, the "
                f"app, its version and the bot's Reddit account, e.g. {REDDIT_USER_AGENT_EXAMPLE!r}"
            )
        bad = [name for name in self.subreddits if not _SUBREDDIT.match(subreddit_name(name))]
        if bad:
            problems.append(
                f"EVBOT_REDDIT__SUBREDDITS: not subreddit names: {', '.join(map(repr, bad))} "
                "(2 to 21 letters, digits or underscores, with or without r/)"
            )
        return problems


def subreddit_name(configured: str) -> str:
    """`cfs` from `cfs`, `r/cfs`, `/r/cfs/` or a pasted `https://www.reddit.com/r/cfs`."""
    name = configured.strip().rstrip("/")
    return name.rsplit("/r/", 1)[-1].removeprefix("r/")


class XenForoSettings(_Section):
    """The XenForo bot: the forum's REST API with a key an admin issued to the bot's user."""

    base_url: HttpUrl | None = None
    api_key: SecretStr | None = None
    api_user: int | None = Field(default=None, ge=1)
    node_ids: Annotated[list[int], NoDecode] = []
    mod_group_ids: Annotated[list[int], NoDecode] = []
    poll_seconds: float = Field(default=60.0, gt=0)
    edit_window_seconds: float = Field(default=3600.0, ge=0)
    timeout_seconds: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=4, ge=0)

    _split = field_validator("node_ids", "mod_group_ids", mode="before")(_split_commas)

    def required(self) -> tuple[tuple[str, bool], ...]:
        return (
            ("EVBOT_XENFORO__BASE_URL (the forum's /api address)", self.base_url is None),
            ("EVBOT_XENFORO__API_KEY (an API key for the bot's user)", self.api_key is None),
            ("EVBOT_XENFORO__NODE_IDS (the forums to watch)", not self.node_ids),
        )


class DiscourseSettings(_Section):
    """The Discourse bot: the forum's API with a key for the bot's user."""

    base_url: HttpUrl | None = None
    api_key: SecretStr | None = None
    api_username: str | None = None
    category_ids: Annotated[list[int], NoDecode] = []
    mod_groups: CommaList = []
    poll_seconds: float = Field(default=60.0, gt=0)
    timeout_seconds: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=4, ge=0)

    _split = field_validator("category_ids", "mod_groups", mode="before")(_split_commas)

    def required(self) -> tuple[tuple[str, bool], ...]:
        return (
            ("EVBOT_DISCOURSE__BASE_URL (the forum's address)", self.base_url is None),
            ("EVBOT_DISCOURSE__API_KEY (an API key for the bot)", self.api_key is None),
            ("EVBOT_DISCOURSE__API_USERNAME (the bot's user name)", not self.api_username),
        )


class LemmySettings(_Section):
    """The Lemmy bot: an instance's API as the bot's account, watching some communities."""

    base_url: HttpUrl | None = None
    username: str = ""
    password: SecretStr | None = None
    communities: CommaList = []
    poll_seconds: float = Field(default=60.0, gt=0)
    timeout_seconds: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=4, ge=0)

    _split = field_validator("communities", mode="before")(_split_commas)

    def required(self) -> tuple[tuple[str, bool], ...]:
        return (
            ("EVBOT_LEMMY__BASE_URL (the instance's address)", self.base_url is None),
            ("EVBOT_LEMMY__USERNAME (the bot's account)", not self.username),
            ("EVBOT_LEMMY__PASSWORD (its password)", self.password is None),
            ("EVBOT_LEMMY__COMMUNITIES (the communities to watch)", not self.communities),
        )


class FeedsSettings(_Section):
    """The read-only feed watcher: forums' RSS/Atom feeds, a sighting log and a digest."""

    urls: CommaList = []
    poll_seconds: float = Field(default=900.0, ge=60)
    delay_seconds: float = Field(default=2.0, ge=0)
    timeout_seconds: float = Field(default=20.0, gt=0)
    digest_dir: Path = Path("data/digests")
    digest_hours: float = Field(default=24.0, gt=0)
    discord_webhook_url: SecretStr | None = None

    _split = field_validator("urls", mode="before")(_split_commas)

    def required(self) -> tuple[tuple[str, bool], ...]:
        return (("EVBOT_FEEDS__URLS (the RSS/Atom feeds to read)", not self.urls),)


class EnrichSettings(_Section):
    """Public metadata services used to explain unmatched papers to curators."""

    mailto: str | None = None
    crossref_url: HttpUrl = HttpUrl("https://api.crossref.org")
    ncbi_eutils_url: HttpUrl = HttpUrl("https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
    ncbi_idconv_url: HttpUrl = HttpUrl("https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/")
    europepmc_url: HttpUrl = HttpUrl("https://www.ebi.ac.uk/europepmc/webservices/rest")
    ncbi_api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=3, ge=0)
    interval_seconds: float = Field(default=300.0, gt=0)


class Settings(BaseSettings):
    """Every setting of evidence-bot, grouped by section."""

    model_config = SettingsConfigDict(
        env_prefix="EVBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        validate_default=True,
        env_ignore_empty=True,
    )

    database: DatabaseSettings = DatabaseSettings()
    atlas: AtlasSettings = AtlasSettings()
    linker: LinkerSettings = LinkerSettings()
    reply: ReplySettings = ReplySettings()
    discord: DiscordSettings = DiscordSettings()
    reddit: RedditSettings = RedditSettings()
    enrich: EnrichSettings = EnrichSettings()
    xenforo: XenForoSettings = XenForoSettings()
    discourse: DiscourseSettings = DiscourseSettings()
    lemmy: LemmySettings = LemmySettings()
    feeds: FeedsSettings = FeedsSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML source reads `toml_file` from model_config; it is None unless
        # load_settings made a subclass naming the file.
        toml = TomlConfigSettingsSource(settings_cls)
        return (init_settings, env_settings, dotenv_settings, toml)


ENV_PREFIX = "EVBOT_"
CONFIG_VARIABLE = "EVBOT_CONFIG"
# Read by the test suite (`make test-postgres`), not by the bot.
TEST_VARIABLES = frozenset({"EVBOT_TEST_DATABASE_URL"})
# The variable Heroku, Render, Dokku and the like set to the PostgreSQL server they attach.
PLATFORM_DATABASE_VARIABLE = "DATABASE_URL"


def setting_names() -> list[str]:
    """Every environment variable a setting is read from, e.g. `EVBOT_DATABASE__PATH`."""
    names = [CONFIG_VARIABLE]
    for section, field in Settings.model_fields.items():
        names.append(f"{ENV_PREFIX}{section}".upper())  # a whole section as JSON
        model = field.annotation
        assert isinstance(model, type)
        assert issubclass(model, BaseModel)
        names.extend(f"{ENV_PREFIX}{section}__{name}".upper() for name in model.model_fields)
    return names


def nearest_setting(name: str) -> str | None:
    """The valid variable closest to `name`, or None when none is close."""
    close = difflib.get_close_matches(name.upper(), setting_names(), n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown_because(name: str) -> str:
    nearest = nearest_setting(name)
    return f"no such setting; did you mean {nearest}?" if nearest else "no such setting"


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """The `EVBOT_` variables in `environ` that no setting reads (names compare ignoring case,
    as pydantic-settings does)."""
    known = set(setting_names())
    return sorted(
        name
        for name in environ
        if name.upper().startswith(ENV_PREFIX)
        and name.upper() not in known
        and name.upper() not in TEST_VARIABLES
    )


def settings_read(config_file: Path | str | None = None) -> list[str]:
    """Where load_settings(config_file) reads from, one line each, naming variables but
    never their values."""
    path_text = config_file if config_file is not None else os.environ.get(CONFIG_VARIABLE)
    via = "--config" if config_file is not None else CONFIG_VARIABLE
    lines = [
        f"config file: {path_text} ({via})"
        if path_text
        else f"config file: none (--config FILE or {CONFIG_VARIABLE} names one)"
    ]
    dotenv = Path(".env")
    lines.append(f".env file: {dotenv.resolve()}" if dotenv.is_file() else ".env file: none here")
    variables = sorted(name for name in os.environ if name.upper().startswith(ENV_PREFIX))
    lines.append(
        "environment variables: " + (", ".join(variables) if variables else f"no {ENV_PREFIX}*")
    )
    return lines


def load_settings(config_file: Path | str | None = None, **overrides: Any) -> Settings:
    """Build the settings from `config_file` (or `EVBOT_CONFIG`), the environment and overrides.

    Raises `UnknownVariableError` for `EVBOT_` variables that match no setting,
    `ConfigFileError` for an unreadable or malformed file and pydantic's
    `ValidationError` (naming each bad field) for invalid values.
    """
    unknown = unknown_variables(os.environ)
    if unknown:
        raise UnknownVariableError([f"{name}: {_unknown_because(name)}" for name in unknown])
    path_text = config_file if config_file is not None else os.environ.get(CONFIG_VARIABLE)
    path = Path(path_text) if path_text else None
    if path is not None:
        _check_toml(path)
        settings = _settings_from_file(path)(**overrides)
    else:
        settings = Settings(**overrides)
    platform_url = os.environ.get(PLATFORM_DATABASE_VARIABLE)
    if settings.database.url is None and platform_url:
        # The platform's variable counts only when no setting names a server.
        if not platform_url.startswith(POSTGRES_SCHEMES):
            raise SettingsSourceError(
                f"{PLATFORM_DATABASE_VARIABLE} is not a postgresql:// address (value not shown)"
            )
        settings.database.url = SecretStr(platform_url)
    return settings


def _settings_from_file(path: Path) -> type[Settings]:
    """A Settings subclass whose TOML source is `path`."""

    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    return FileSettings


def _check_toml(path: Path) -> None:
    """Fail early with a readable message, since pydantic-settings would say little."""
    if not path.is_file():
        raise ConfigFileError(f"config file not found: {path}")
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"config file {path} is not valid TOML: {exc}") from exc
