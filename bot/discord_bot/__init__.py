"""The Discord adapter: the only package that imports discord.py.

It converts Discord messages into `records.models.Post`, asks the platform-neutral core what
to do, turns the core's embed dicts into `discord.Embed`s and sends them. `app.build_bot` is
the one place where the bot and its dependencies are put together.
"""
