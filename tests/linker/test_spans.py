"""SpanSet: overlap questions against many spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linker.spans import SpanSet


@pytest.mark.parametrize(
    ("spans", "query", "overlaps"),
    [
        pytest.param([(0, 5)], (5, 9), False, id="touching-after"),
        pytest.param([(5, 9)], (0, 5), False, id="touching-before"),
        pytest.param([(0, 5)], (4, 6), True, id="sharing-one-character"),
        pytest.param([(0, 2), (8, 10)], (3, 7), False, id="in-a-gap"),
        pytest.param([(0, 2), (8, 10)], (1, 9), True, id="spanning-a-gap"),
        pytest.param([(0, 10), (2, 3)], (5, 6), True, id="inside-a-merged-span"),
        pytest.param([], (0, 1), False, id="empty"),
        pytest.param([(3, 3)], (0, 9), False, id="empty-span-ignored"),
    ],
)
def test_overlaps(spans: list[tuple[int, int]], query: tuple[int, int], overlaps: bool) -> None:
    assert SpanSet(spans).overlaps(*query) is overlaps


span = st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted).map(tuple)


@given(st.lists(span, max_size=12), span)
def test_agrees_with_checking_every_span(
    spans: list[tuple[int, int]], query: tuple[int, int]
) -> None:
    start, end = query
    expected = any(s < end and start < e and s < e for s, e in spans) and start < end
    added = SpanSet()
    for s, e in spans:
        added.add(s, e)
    assert SpanSet(spans).overlaps(start, end) is expected
    assert added.overlaps(start, end) is expected
