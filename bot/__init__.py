"""evidence-bot: the platform-neutral core, the platform adapters and the command line."""
