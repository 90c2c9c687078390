"""What one post may cost: the index reads at most `linker.max_post_chars` of it (issue 17)."""

from __future__ import annotations

from config.settings import LinkerSettings
from linker import AtlasIndex
from tests.linker.sample_atlas import sample_entries


def test_nothing_past_max_post_chars_is_read() -> None:
    index = AtlasIndex.build(sample_entries(), settings=LinkerSettings(max_post_chars=1_000))
    text = "PMID: 12345678 " + "x " * 1_000 + "PMID: 12345679 and 10.7326/M18-1451"
    assert [m.pmid for m in index.match(text)] == ["12345678"]
    assert index.unmatched_citations("y " * 1_000 + "Smith et al. 2021 found") == []


def test_a_post_within_max_post_chars_is_read_whole() -> None:
    index = AtlasIndex.build(sample_entries(), settings=LinkerSettings(max_post_chars=1_000))
    text = "PMID: 12345678 " + "x " * 400 + "PMID: 12345679"
    assert [m.pmid for m in index.match(text)] == ["12345678", "12345679"]
