"""Settings for evidence-bot: one pydantic-settings model plus the bundled default files."""

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
