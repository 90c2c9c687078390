"""What platform adapters share around the core: for async ones the bridge to the synchronous
core (`core_runner`) and the completion ledger that keeps a stream's cursor behind unfinished
items (`progress`); for any, the cached moderator lists of places (`moderators`)."""
