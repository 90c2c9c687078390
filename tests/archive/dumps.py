"""Archives in the shapes communities really have, written by tests and the benchmark.

- Reddit dumps as the Pushshift / Arctic Shift archives publish them: one JSON object a
  line (the fields of Reddit's API `t1` comments and `t3` submissions, `created_utc` in
  epoch seconds, `permalink` a path), compressed with zstd at `--long=31`, so the frame
  announces a 2 GiB window and readers must raise their limit (the archives' README and
  scripts pass `max_window_size=2**31`).
- DiscordChatExporter's JSON export (Tyrrrz/DiscordChatExporter, JsonMessageWriter): one
  channel a file, pretty-printed with two-space indents, `guild`, `channel`, `dateRange`,
  `exportedAt`, `messages[]` (`id`, `type`, `timestamp` with its offset, `content`,
  `author` with `isBot`), `messageCount`.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import zstandard

_EPOCH_2023 = 1672531200


def write_zst(path: Path, items: Iterable[dict[str, Any]]) -> Path:
    """NDJSON compressed as the dumps are: streamed (no content size), window log 31."""
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31)
    buffer = io.BytesIO()
    with zstandard.ZstdCompressor(compression_params=params).stream_writer(
        buffer, closefd=False
    ) as writer:
        for item in items:
            writer.write(json.dumps(item, separators=(",", ":")).encode() + b"\n")
    path.write_bytes(buffer.getvalue())
    return path


def comment(
    ident: str, body: str, *, subreddit: str = "cfs", author: str = "member", at: int = 0
) -> dict[str, Any]:
    """A comment as an RC_ dump line holds it (a realistic subset of its ~60 fields)."""
    return {
        "all_awardings": [],
        "archived": False,
        "author": author,
        "author_flair_text": None,
        "author_fullname": f"t2_{author}",
        "body": body,
        "controversiality": 0,
        "created_utc": at or _EPOCH_2023,
        "distinguished": None,
        "edited": False,
        "gilded": 0,
        "id": ident,
        "is_submitter": False,
        "link_id": "t3_10abcde",
        "locked": False,
        "name": f"t1_{ident}",
        "parent_id": "t3_10abcde",
        "permalink": f"/r/{subreddit}/comments/10abcde/a_thread/{ident}/",
        "retrieved_on": (at or _EPOCH_2023) + 86400,
        "score": 3,
        "send_replies": True,
        "stickied": False,
        "subreddit": subreddit,
        "subreddit_id": "t5_2qhz4",
        "subreddit_type": "public",
        "total_awards_received": 0,
    }


def submission(
    ident: str,
    title: str,
    *,
    selftext: str = "",
    url: str = "",
    subreddit: str = "cfs",
    author: str = "member",
    at: int = 0,
) -> dict[str, Any]:
    """A submission as an RS_ dump line holds it: a self post, or a link post (`url`)."""
    permalink = f"/r/{subreddit}/comments/{ident}/a_title/"
    return {
        "author": author,
        "created_utc": at or _EPOCH_2023,
        "domain": "self." + subreddit if not url else url.split("/")[2],
        "id": ident,
        "is_self": not url,
        "name": f"t3_{ident}",
        "num_comments": 4,
        "over_18": False,
        "permalink": permalink,
        "retrieved_on": (at or _EPOCH_2023) + 86400,
        "score": 12,
        "selftext": selftext,
        "subreddit": subreddit,
        "subreddit_id": "t5_2qhz4",
        "title": title,
        "url": url or "https://www.reddit.com" + permalink,
    }


def discord_export(
    messages: list[tuple[str, str, str, bool]],
    *,
    guild: str = "ME Research Hub",
    channel: str = "papers",
) -> str:
    """A DiscordChatExporter channel export of (id, timestamp, content, author is a bot)."""
    document = {
        "guild": {"id": "880000000000000001", "name": guild, "iconUrl": "https://cdn/x.png"},
        "channel": {
            "id": "880000000000000002",
            "type": "GuildTextChat",
            "categoryId": "880000000000000003",
            "category": "Science",
            "name": channel,
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-05-01T12:00:00.0000000+00:00",
        "messages": [
            {
                "id": ident,
                "type": "Default",
                "timestamp": timestamp,
                "timestampEdited": None,
                "callEndedTimestamp": None,
                "isPinned": False,
                "content": content,
                "author": {
                    "id": "77000000000000000" + ident[-1],
                    "name": "evidence-bot" if bot else f"member{ident[-1]}",
                    "discriminator": "0000",
                    "nickname": None,
                    "color": None,
                    "isBot": bot,
                    "roles": [],
                    "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
                },
                "attachments": [],
                "embeds": [],
                "stickers": [],
                "reactions": [],
                "mentions": [],
                "inlineEmojis": [],
            }
            for ident, timestamp, content, bot in messages
        ],
        "messageCount": len(messages),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


# What members write, citing or not: identifiers, links, titles, names, and plain talk.
_CITING = (
    "The NIH one: https://doi.org/10.1038/s41467-024-45107-3",
    "PMID: 30934066 is worth reading",
    "See PMC3065633 for the details",
    "Has anyone read doi:10.3389/fneur.2018.01033?",
    "Smith et al. 2021 found the same thing",
    "https://pubmed.ncbi.nlm.nih.gov/31234567/ says otherwise",
)
_TALK = (
    "Crashed again after the dentist, three days in bed.",
    "Pacing with a heart-rate monitor has helped me more than anything.",
    "Does anyone else get worse with heat? Summer is brutal.",
    "My GP finally believes me after two years. Small wins.",
    "Low-dose naltrexone gave me vivid dreams for a week, then nothing.",
    "Sending gentle hugs, this illness is so isolating.",
)


def realistic_comments(count: int, *, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` comments, about one in six citing a study, the rest everyday talk."""
    rng = random.Random(seed)
    for n in range(count):
        body = rng.choice(_CITING) if rng.random() < 0.17 else rng.choice(_TALK)
        filler = " ".join(rng.choice(_TALK) for _ in range(rng.randint(0, 4)))
        yield comment(
            f"c{n:06x}",
            f"{body} {filler}".strip(),
            subreddit=rng.choice(("cfs", "mecfs", "covidlonghaulers")),
            author=f"member{rng.randint(1, 800)}",
            at=_EPOCH_2023 + n * 900,
        )
