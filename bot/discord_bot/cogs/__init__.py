"""The bot's cogs: watching messages, and the `evidence` commands."""
