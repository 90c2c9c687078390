"""A log line for every server error Discord answers, including the ones discord.py retries
by itself (500, 502, 504), which it would otherwise only mention at debug level.

Paths are logged with long segments (interaction and webhook tokens) masked.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace

import aiohttp

log = logging.getLogger(__name__)

# Snowflakes have at most 20 digits; interaction and webhook tokens are far longer.
_SECRET_SEGMENT = re.compile(r"/[^/]{25,}")


def discord_http_trace() -> aiohttp.TraceConfig:
    """An aiohttp trace that logs each 5xx answer from the Discord API."""
    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(_log_server_error)
    return trace


def masked_path(path: str) -> str:
    """`path` with every segment of 25 characters or more replaced by `…`."""
    return _SECRET_SEGMENT.sub("/…", path)


async def _log_server_error(
    _: aiohttp.ClientSession, __: SimpleNamespace, params: aiohttp.TraceRequestEndParams
) -> None:
    status = params.response.status
    if status >= 500:
        log.warning(
            "Discord answered %s %s with HTTP %d (discord.py retries 500, 502 and 504)",
            params.method,
            masked_path(params.url.path),
            status,
        )
