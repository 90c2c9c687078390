"""Subjects written in another language (issue 22): a word that is plainly an English word
of the entry's, spelled the other language's way, is one word; a subject of rare words none
of which is the entry's is another paper."""

from __future__ import annotations

import pytest

from linker.author_topic import Verdict, Vocabulary, topic_of
from linker.cognates import cognate, content_words, fold
from records.models import AtlasEntry

COGNATES = [
    ("spanish c/qu and -inas", "citoquinas", "cytokine", True),
    ("german z and k", "zytokine", "cytokines", True),
    ("norwegian ks for x", "rituksimab", "rituximab", True),
    ("german k for c", "mikrobiom", "microbiome", True),
    ("french -ique for -ic", "metabolique", "metabolic", True),
    ("a compound holding the word", "darmmikrobiom", "microbiome", True),
    ("a shared long root", "autoantistoffer", "autoantibodies", True),
    ("unrelated words", "tomates", "exercise", False),
    ("unrelated words of one length", "incendios", "platelets", False),
    ("short words are never compared", "hart", "heart", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("word", "other", "expected"), [pytest.param(w, o, e, id=n) for n, w, o, e in COGNATES]
)
def test_cognates(word: str, other: str, expected: bool) -> None:
    assert cognate(word, other) is expected


def test_folding_undoes_the_spelling_shifts() -> None:
    assert fold("citoquinas") == fold("cytokine") == "kitok"


def test_only_long_rare_words_outside_the_field_are_content_words() -> None:
    words = ["riego", "tomates", "invernaderos", "sobre", "para", "la", "dna", "utmattelse"]
    words += ["belastungsintoleranz"]
    assert content_words(words) == {"riego", "tomates", "invernaderos"}


ENTRY = AtlasEntry(
    id="ruiz-2020-gut-microbiome",
    title="Gut microbiome composition and butyrate-producing bacteria in ME/CFS",
    authors=["Ruiz, Elena"],
    year=2020,
    journal="Microbiome",
    summary="Fewer butyrate producers such as Faecalibacterium in stool samples of patients.",
)

VERDICTS = [
    ("dutch: olive oil and vascular disease", "over olijfolie en hart- en vaatziekten",
     Verdict.CONTRADICTS),
    ("spanish: tomato irrigation", "sobre riego de tomates en invernaderos", Verdict.CONTRADICTS),
    ("french: dementia carers", "sur les aidants atteintes de démence", Verdict.CONTRADICTS),
    ("german: the gut microbiome", "über das Darmmikrobiom und Butyrat", Verdict.AGREES),
    ("spanish: bacteria, one rare word", "sobre bacterias intestinales", Verdict.AGREES),
    ("one rare word may be a translation", "over darmflora", Verdict.SILENT),
    ("a finding is said in other words", "fant autoantistoffer og undergrupper",
     Verdict.SILENT),
    ("english words still contradict", "on wrist fractures", Verdict.CONTRADICTS),
]  # fmt: skip


@pytest.mark.parametrize(("after", "expected"), [pytest.param(a, e, id=n) for n, a, e in VERDICTS])
def test_subjects_in_other_languages(after: str, expected: Verdict) -> None:
    topic = topic_of(f"Ruiz 2020 {after}", len("Ruiz 2020"))
    verdict = Verdict.SILENT if topic is None else Vocabulary(ENTRY, str).verdict(topic)[0]
    assert verdict is expected
