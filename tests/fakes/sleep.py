"""A `sleep` that records the waits asked of it instead of waiting."""

from __future__ import annotations


class FakeSleep:
    """Records requested waits instead of waiting (pass it where code takes a `sleep`)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
