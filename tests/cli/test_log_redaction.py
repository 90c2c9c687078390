"""Every secret setting is scrubbed from the log, whatever logs it (issue 29)."""

from __future__ import annotations

import logging

import httpx
import pytest
from pydantic import SecretStr

from bot.cli.context import secret_values
from bot.feeds.fetch import feeds_http
from bot.http.redaction import RedactingFilter, install_redaction
from config.settings import Settings


def _remove_redaction() -> None:
    names = ("httpx", "httpcore", "bot.http.transport", "bot.enrich.worker", "bot.sync")
    for target in [*(logging.getLogger(n) for n in names), *logging.getLogger().handlers]:
        for old in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            target.removeFilter(old)


def test_secret_values_names_every_set_secret_but_not_a_published_default() -> None:
    settings = Settings()
    settings.discord.token = SecretStr("discord-token-1")
    settings.feeds.discord_webhook_url = SecretStr("https://discord.test/api/webhooks/1/t")
    assert sorted(secret_values(settings)) == [
        "discord-token-1",
        "https://discord.test/api/webhooks/1/t",
    ]


def test_installing_again_keeps_the_secrets_installed_before(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("httpx")
    try:
        install_redaction(["first-secret"])
        install_redaction(["second-secret"])
        with caplog.at_level(logging.INFO, logger="httpx"):
            logger.info("sent first-secret and second-secret")
    finally:
        _remove_redaction()
    assert caplog.messages == ["sent *** and ***"]


def test_a_client_of_the_polite_stack_logs_no_webhook_token_without_the_cli(
    caplog: pytest.LogCaptureFixture,
) -> None:
    webhook = "https://discord.test/api/webhooks/1180/t0ken-of-the-webhook"
    answer = httpx.MockTransport(lambda request: httpx.Response(204))
    try:
        with (
            caplog.at_level(logging.INFO, logger="httpx"),
            feeds_http(user_agent="t", timeout=1, delay_seconds=0, inner=answer) as http,
        ):
            http.post(webhook, json={"content": "digest"})
    finally:
        _remove_redaction()
    assert "/api/webhooks/1180/***" in caplog.text
    assert "t0ken-of-the-webhook" not in caplog.text
