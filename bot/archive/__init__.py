"""Reading the archives communities keep (Reddit dumps, Discord exports) as posts for `scan`."""
