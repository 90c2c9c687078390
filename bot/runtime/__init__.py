"""What platform adapters share around the core: for async ones the bridge to the synchronous
core (`core_runner`), the completion ledger that keeps a stream's cursor behind unfinished
items (`progress`), the stream cursors (`cursors`) and the catch-up after downtime
(`catch_up`); for any, the cached moderator lists of places (`moderators`)."""
