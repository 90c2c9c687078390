"""The atlas's confidence badge is read as such, never as the study type (issue 18)."""

from __future__ import annotations

import pytest

from records.atlas_page.fields import classify_badges, is_badge_text


@pytest.mark.parametrize(
    ("badges", "confidence", "study_type"),
    [
        (["E0 Consensus", "Preliminary", "PEM ?", "Systematic-Review", "Machine draft"], "Preliminary", "Systematic-Review"),
        (["E3 Preliminary", "Moderate confidence", "PEM ?", "Mechanistic"], "Moderate confidence", "Mechanistic"),
        (["E1 Replicated", "High confidence", "RCT"], "High confidence", "RCT"),
        (["E2 Moderate", "RCT"], None, "RCT"),
    ],
)  # fmt: skip
def test_confidence_words_are_a_badge_of_their_own(
    badges: list[str], confidence: str | None, study_type: str
) -> None:
    read = classify_badges(badges)
    assert (read.confidence, read.study_type, read.unknown) == (confidence, study_type, [])


def test_a_text_rendering_knows_the_confidence_badge() -> None:
    assert is_badge_text("Moderate confidence")
