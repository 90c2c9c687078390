"""Benchmarks: each `bench_*.py` module has `run() -> list[Figure]`; `make bench` runs them all."""
