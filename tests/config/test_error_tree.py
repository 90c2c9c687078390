"""The bot layer's start-up errors share one base, keep their old bases, and are drawn."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import bot.errors
import records.errors
from bot.discord_bot.app import DiscordStartupError
from bot.discourse_bot.app import DiscourseConfigError
from bot.errors import ConfigError
from bot.feeds.app import FeedsConfigError
from bot.lemmy_bot.app import LemmyConfigError
from bot.reddit_bot.client import RedditConfigError, RedditLoginError
from bot.xenforo_bot.app import XenForoConfigError


@pytest.mark.parametrize(
    ("error", "old_base"),
    [
        (DiscordStartupError, RuntimeError),
        (RedditConfigError, ValueError),
        (RedditLoginError, RedditConfigError),
        (XenForoConfigError, ValueError),
        (DiscourseConfigError, ValueError),
        (FeedsConfigError, ValueError),
        (LemmyConfigError, ValueError),
    ],
)
def test_each_platforms_config_error_is_a_config_error_and_keeps_its_old_base(
    error: type[Exception], old_base: type[Exception]
) -> None:
    assert issubclass(error, ConfigError)
    assert issubclass(error, old_base)
    assert getattr(bot.errors, error.__name__) is error


@pytest.mark.parametrize("module", [bot.errors, records.errors], ids=lambda m: m.__name__)
def test_the_docstring_draws_every_exception_class_of_the_module(module: ModuleType) -> None:
    classes = {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Exception)
        and value.__module__ == module.__name__
    }  # fmt: skip
    doc = module.__doc__ or ""
    assert len(classes) >= 5
    assert {name for name in classes if f"── {name} " in doc} == classes
