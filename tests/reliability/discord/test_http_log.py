"""The 5xx log line never shows interaction or webhook tokens."""

from __future__ import annotations

import pytest

from bot.discord_bot.http_log import masked_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v10/channels/1577174939549564939/messages", None),
        (
            "/api/v10/interactions/1577174939549564939/aW50ZXJhY3Rpb246MTIzNDU2Nzg5OmFiY2RlZg/callback",
            "/api/v10/interactions/1577174939549564939/…/callback",
        ),
        (
            "/api/v10/webhooks/1577174939549564933/aW50ZXJhY3Rpb246MTIzNDU2Nzg5OmFiY2RlZg",
            "/api/v10/webhooks/1577174939549564933/…",
        ),
    ],
)
def test_masked_path_hides_tokens_and_keeps_ids(path: str, expected: str | None) -> None:
    assert masked_path(path) == (expected or path)
