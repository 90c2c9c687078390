"""Fakes and harnesses that tests and benchmarks share, importable without pytest's conftest."""
