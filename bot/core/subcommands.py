"""The `evidence` subcommands as a platform declares them: name, what it does, its argument.

A platform with commands of its own (Discord's slash and prefix commands) registers one
command per entry instead of writing one function each; whatever the member types still
goes to the core's parser (`bot.core.commands`) as `!evidence <name> <argument>`. Entries are
in the order a command list shows them. `wrong`, `help` and the aliases are left out: typed
after the bare command, they reach the parser as a lookup's words would.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands import Name


@dataclass(frozen=True)
class Argument:
    """A subcommand's one argument: the rest of the line (`rest`) or a single word."""

    name: str
    help: str
    required: bool = True
    rest: bool = False


@dataclass(frozen=True)
class Subcommand:
    """One subcommand: its name, a line saying what it does, and its argument if any."""

    name: Name
    help: str
    argument: Argument | None = None


STUDY = "A DOI, PMID, PMCID, atlas or PubMed link, slug or title words"
LOOKUP = Subcommand(
    Name.LOOKUP,
    "Show a study's atlas card; bare (in reply to a message), card what it cites.",
    Argument("query", STUDY, required=False, rest=True),
)
SUBCOMMANDS = (
    Subcommand(Name.OPTOUT, "Stop automatic replies to your posts."),
    Subcommand(Name.OPTIN, "Resume automatic replies to your posts."),
    Subcommand(
        Name.POST,
        "Moderators: post a study's card in reply to a message.",
        Argument("query", "The study, then the link or id of the message to answer", rest=True),
    ),
    Subcommand(Name.ON, "Moderators: answer posts citing studies in this channel or thread."),
    Subcommand(Name.OFF, "Moderators: stay quiet in this channel or thread."),
    Subcommand(
        Name.SUMMON_ONLY, "Moderators: answer here only when someone asks with the command."
    ),
    Subcommand(
        Name.COOLDOWN,
        "Moderators: set how often a study may be carded per thread here.",
        Argument("hours", "Hours before the same study is carded again in a thread"),
    ),
    Subcommand(
        Name.DESCRIPTIONS,
        "Moderators: how to answer a study a post only describes (card, suggest, off).",
        Argument("how", "card, suggest or off"),
    ),
    Subcommand(
        Name.REFRESH,
        "Moderators: edit posted cards here when their study changes (on) or not (off).",
        Argument("state", "on or off"),
    ),
    Subcommand(
        Name.REMOVE,
        "Moderators: delete one of the bot's replies.",
        Argument(
            "message",
            "The link or id of my reply (or reply to it with the command)",
            required=False,
        ),
    ),
    Subcommand(
        Name.UNMATCHED,
        "Moderators: the most-mentioned papers seen here that the atlas lacks.",
        Argument("count", "How many papers to list (1-25)", required=False),
    ),
    Subcommand(Name.STATS, "Moderators: this place's mode, cooldown and reply counts."),
)
