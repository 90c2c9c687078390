"""The `evidence-bot` command line."""
