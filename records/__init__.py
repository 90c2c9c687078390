"""The shared data model and the SQLite records database."""
