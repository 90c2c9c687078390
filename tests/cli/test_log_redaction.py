"""Every secret setting is scrubbed from the log, whatever logs it (issue 29)."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from bot.cli.context import secret_values
from bot.http.redaction import RedactingFilter, install_redaction
from config.settings import Settings


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
        names = ("httpx", "httpcore", "bot.http.transport", "bot.enrich.worker", "bot.sync")
        targets = [*(logging.getLogger(n) for n in names), *logging.getLogger().handlers]
        for target in targets:
            for old in [f for f in target.filters if isinstance(f, RedactingFilter)]:
                target.removeFilter(old)
    assert caplog.messages == ["sent *** and ***"]
