"""Folding words so that Unicode, ASCII and abbreviated spellings of a title compare equal."""

from __future__ import annotations

import pytest

from linker.textnorm import count_words, fold_word, normalize_title, tokens, tokens_with_spans


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        pytest.param("VO₂peak", "vo2peak", id="subscript"),
        pytest.param("¹¹C", "11c", id="superscript"),
        pytest.param("β2", "beta2", id="greek-beta"),
        pytest.param("ß2", "beta2", id="sharp-s-as-beta"),
        pytest.param("Øystein", "oystein", id="o-slash"),
        pytest.param("Müller", "muller", id="umlaut"),
        pytest.param("IFNγ", "ifngamma", id="greek-gamma"),
        pytest.param("µg", "mug", id="micro-sign"),
        pytest.param("PLAIN", "plain", id="ascii"),
    ],
)
def test_fold_word(word: str, folded: str) -> None:
    assert fold_word(word) == folded


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        pytest.param(
            "B‐Lymphocyte Depletion—A Trial", "b lymphocyte depletion a trial", id="dashes"
        ),
        pytest.param("“Quoted” ‘title’", "quoted title", id="curly-quotes"),
        pytest.param("ME/CFS patients", "mecfs patients", id="slash"),
        pytest.param(
            "Myalgic encephalomyelitis/chronic fatigue syndrome (ME/CFS) cohort",
            "mecfs cohort",
            id="spelled-out-then-abbreviated",
        ),
        pytest.param(
            "chronic fatigue syndrome/myalgic encephalomyelitis", "mecfs", id="cfs-me-order"
        ),
        pytest.param("CFS/ME", "mecfs", id="cfs-me-abbreviation"),
        pytest.param("post-exertional malaise (PEM)", "pem", id="pem"),
        pytest.param("chronic fatigue syndrome", "cfs", id="cfs"),
        pytest.param("it helped me a lot", "it helped me a lot", id="pronoun-me-untouched"),
        pytest.param("chronic fatigue syndrme", "cfs", id="typo-in-a-later-word"),
        pytest.param("chronic fatigeu syndrome", "cfs", id="swapped-letters"),
        pytest.param("Myalgia Encephalomyelitis/CFS", "mecfs", id="misspelt-first-word"),
        pytest.param("my fatigue is bad", "my fatigue is bad", id="second-word-alone"),
        pytest.param("myalgic encephalomyelitis", "me", id="me-alone"),
        pytest.param(
            "chronic pain or chronic fatigue syndromes", "chronic pain or cfs", id="plural"
        ),
        pytest.param("post on the forum", "post on the forum", id="post-as-a-word"),
    ],
)
def test_normalize_title(written: str, plain: str) -> None:
    assert normalize_title(written) == plain


@pytest.mark.parametrize(
    "text",
    [
        "Myalgic Encephalomyelitis/Chronic Fatigue Syndrome (ME/CFS): a β₂ study",
        "plain ascii words only",
        "Øystein’s post-exertional malaise, ¹¹C-(R)-PK11195",
    ],
)
def test_tokens_with_spans_agree_with_tokens_and_point_into_the_text(text: str) -> None:
    words, starts, ends = tokens_with_spans(text)
    assert words == tokens(text)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))


def test_count_words_counts_as_written() -> None:
    assert count_words("Metabolic features of chronic fatigue syndrome") == 6


@pytest.mark.parametrize(
    "title",
    [
        "The role of mitochondrial dysfunctions in the chronic fatigue syndromes",
        "Myalgic encephalomyelitis/chronic fatigue syndrome (ME/CFS) and PEM",
    ],
)
def test_a_title_folds_the_same_alone_and_inside_a_post(title: str) -> None:
    post = f"My ME/CFS friend sent me {title} yesterday, post-exertional malaise and all"
    assert " ".join(tokens(title)) in " ".join(tokens(post))
