"""A citation's parts belong together (issue 22): a subject, design, cohort size, journal,
initials or link that disagrees with an atlas entry keeps its card away."""

from __future__ import annotations

from functools import cache

import pytest

from linker import AtlasIndex
from linker.author_topic import Verdict, Vocabulary, design_verdict, designs_in, sizes_in, topic_of
from records.models import AtlasEntry


def _entry(
    slug: str, author: str, year: int, journal: str, title: str, *, summary: str
) -> AtlasEntry:
    return AtlasEntry(
        id=slug, title=title, authors=[author], year=year, journal=journal, summary=summary
    )


@cache
def index() -> AtlasIndex:
    """Authors with one entry a year, and one author with three entries in one year."""
    return AtlasIndex.build(
        [
            _entry("jason-2022-pem", "Jason, Leonard A", 2022, "Neurology International",
                   "ME/CFS and post-exertional malaise among patients with long COVID",
                   summary="Many long COVID patients met ME/CFS criteria."),
            _entry("holm-2017-perfusion", "Holm, Kari", 2017, "Journal of Internal Medicine",
                   "Reduced cerebral blood flow measured by arterial spin labelling",
                   summary="Lower cortical perfusion at rest in patients."),
            _entry("moreau-2021-ldn", "Moreau, Sophie", 2021, "Nature Medicine",
                   "Low-dose naltrexone for fatigue and pain: a placebo-controlled trial",
                   summary="No benefit over placebo after 12 weeks."),
            _entry("berg-2023-ia-open", "Berg, Lars", 2023, "Journal of Clinical Medicine",
                   "Immunoadsorption in post-COVID syndrome: an open-label pilot study",
                   summary="Twenty patients improved after immunoadsorption."),
            _entry("berg-2023-ia-rct", "Berg, Lars", 2023, "BMJ Open",
                   "Immunoadsorption in post-COVID syndrome: a placebo-controlled trial",
                   summary="A sham-controlled trial in 64 patients."),
            _entry("berg-2023-ia-followup", "Berg, Lars", 2023, "Frontiers in Immunology",
                   "Immunoadsorption in post-COVID syndrome: two-year follow-up",
                   summary="Patients of the pilot study seen again after two years."),
            _entry("fluge-2019-rituximab", "Fluge, Øystein", 2019, "Annals of Internal Medicine",
                   "B-lymphocyte depletion in ME/CFS: a placebo-controlled trial",
                   summary="Rituximab was no better than placebo in 151 patients."),
        ]
    )  # fmt: skip


def found(text: str) -> list[str | None]:
    return [match.atlas_id for match in index().match(text)]


# A post that says its paper is about something else than the entry by that author and year.
SUBJECT_CONTRADICTS = [
    ("another questionnaire", "Jason et al 2022 on the DePaul questionnaire is worth a read"),
    ("wrist fractures", "Holm 2017 study on wrist fractures in older women"),
    ("looked at", "Moreau (2021) looked at sleep quality in night-shift nurses"),
    ("about, after a comma", "Fluge et al. 2019, a paper about hip replacement outcomes"),
    ("a finding of another field", "Holm 2017 found that vitamin D supplements reduce falls"),
    ("described before the noun", "the Moreau 2021 microbiome paper was interesting"),
    ("investigating", "Jason 2022 investigating teacher burnout in rural schools"),
    ("one shared word among many", "Holm 2017 found that cycling reduces blood pressure in bus drivers"),
    ("wrong name, another language", "Tanaka e.a. 2019 over tandimplantaten, verkeerde Tanaka"),
    ("says it is unrelated", "Fluge u. a. 2019 über Hüftprothesen, hat nichts mit ME zu tun"),
    ("another one of that name", "saw Moreau 2021 trending, a different Moreau though"),
    ("subject in brackets", "Fluge et al. 2019 (hip fractures in older women) is often cited"),
    ("subject after a colon", "Fluge et al. 2019: dental caries in school children"),
]  # fmt: skip
# The same shapes when the subject is the entry's, or says nothing.
SUBJECT_AGREES_OR_SILENT = [
    ("agreeing subject", "Jason et al 2022 on post-exertional malaise in long covid", ["jason-2022-pem"]),
    ("abbreviation spelled out", "Moreau 2021 on LDN, sadly negative", ["moreau-2021-ldn"]),
    ("compound word", "Holm 2017 on perfusion imaging", ["holm-2017-perfusion"]),
    ("another language agrees", "Fluge u. a. 2019 über Rituximab", ["fluge-2019-rituximab"]),
    ("another language cannot contradict", "Holm 2017 sobre el flujo sanguíneo cerebral", ["holm-2017-perfusion"]),
    ("where it was posted", "Jason et al 2022 on Twitter got a lot of attention", ["jason-2022-pem"]),
    ("idiom", "Fluge 2019, on the other hand, was a proper trial", ["fluge-2019-rituximab"]),
    ("the writer's own words after", "Moreau 2021 is out, I read it on the train", ["moreau-2021-ldn"]),
    ("a finding in other words", "Fluge et al. 2019 found nothing", ["fluge-2019-rituximab"]),
    ("pointing back", "Jason et al 2022 on this, see above", ["jason-2022-pem"]),
    ("another language, no shared word", "Jason et al 2022 om utmattelse etter anstrengelse", ["jason-2022-pem"]),
    ("a remark in brackets", "Fluge et al. 2019 (paywalled) is worth it", ["fluge-2019-rituximab"]),
    ("the writer after a colon", "Fluge et al. 2019: I loved it", ["fluge-2019-rituximab"]),
    ("another language in brackets", "Fluge u. a. 2019 (Hüftprothesen bei älteren Patienten)", ["fluge-2019-rituximab"]),
    ("the journal in brackets", "Holm et al. 2017 (J Intern Med)", ["holm-2017-perfusion"]),
    ("ruling out a sibling entry", "Berg et al. 2023, the open-label one, not the placebo-controlled one", ["berg-2023-ia-open"]),
]  # fmt: skip


@pytest.mark.parametrize("text", [pytest.param(t, id=name) for name, t in SUBJECT_CONTRADICTS])
def test_a_subject_the_entry_does_not_have_vetoes_the_card(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in SUBJECT_AGREES_OR_SILENT]
)
def test_an_agreeing_or_absent_subject_keeps_the_card(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_an_agreeing_subject_is_logged_as_a_signal() -> None:
    (match,) = index().match("Jason et al 2022 on post-exertional malaise in long covid")
    assert any(signal.startswith("subject:") for signal in match.signals)


# Design words, cohort size and journal single out one of Berg's three 2023 entries.
DESIGN_SIZE_JOURNAL = [
    ("open-label", "Berg 2023, the open-label immunoadsorption study", ["berg-2023-ia-open"]),
    ("placebo-controlled", "Berg et al. 2023 placebo-controlled trial", ["berg-2023-ia-rct"]),
    ("follow-up", "Berg et al 2023 follow-up of the IA patients", ["berg-2023-ia-followup"]),
    ("cohort size", "Berg et al. 2023 with 64 patients", ["berg-2023-ia-rct"]),
    ("journal", "Berg et al. 2023 in BMJ Open", ["berg-2023-ia-rct"]),
    ("nothing tells them apart", "Berg et al. 2023 on immunoadsorption", []),
    ("a design the entry is not", "Moreau 2021, an open-label study", []),
    ("a cohort size the entry is not", "Fluge et al. 2019 in 12 patients", []),
    ("another atlas journal", "Holm 2017 in BMJ Open", []),
    ("the journal shortened", "Moreau 2021 in Nature", ["moreau-2021-ldn"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in DESIGN_SIZE_JOURNAL]
)
def test_design_size_and_journal_pick_one_entry_or_none(text: str, expected: list[str]) -> None:
    assert found(text) == expected


INITIALS = [
    ("initials disagree", "Holm PD 2017", []),
    ("initials and year disagree", "Holm KA 2003", []),
    ("dotted initials disagree", "Moreau J. et al. 2021", []),
    ("initials agree", "Holm K et al. 2017", ["holm-2017-perfusion"]),
    ("initials of the given names", "Jason LA et al. 2022", ["jason-2022-pem"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in INITIALS])
def test_initials_that_disagree_name_another_paper(text: str, expected: list[str]) -> None:
    assert found(text) == expected


OTHER_DOI = "10.1000/other.2023.1"
ONE_CITATION = [
    ("names before a link", f"Berg & Holm on the new guideline: https://doi.org/{OTHER_DOI}"),
    ("colleagues before a PubMed link", "Moreau and colleagues 2021, see pubmed.ncbi.nlm.nih.gov/30123456"),
    ("wiki template", f"{{{{cite journal |author=Holm K |year=2017 |title=Other |doi={OTHER_DOI}}}}}"),
    ("link on the next line after a colon", f"Holm et al. 2017 on the guideline:\nhttps://doi.org/{OTHER_DOI}"),
]  # fmt: skip


@pytest.mark.parametrize("text", [pytest.param(t, id=n) for n, t in ONE_CITATION])
def test_names_beside_a_link_describe_the_linked_paper(text: str) -> None:
    assert [m.atlas_id for m in index().match(text)] == [None]


def test_a_name_in_another_sentence_than_the_link_is_its_own_citation() -> None:
    text = f"Holm et al. 2017 showed it first. Unrelated: https://doi.org/{OTHER_DOI}"
    assert found(text) == ["holm-2017-perfusion", None]


VERDICTS = [
    ("wrist fractures", "on wrist fractures", Verdict.CONTRADICTS),
    ("cerebral blood flow", "on cerebral blood flow", Verdict.AGREES),
    ("everyday words only", "on the new stuff", Verdict.SILENT),
    ("an acronym nobody spelled out", "on the DSQ", Verdict.SILENT),
]  # fmt: skip


@pytest.mark.parametrize(("after", "expected"), [pytest.param(a, e, id=n) for n, a, e in VERDICTS])
def test_subject_verdicts(after: str, expected: Verdict) -> None:
    entry = index().get("holm-2017-perfusion")
    assert entry is not None
    topic = topic_of(f"Holm 2017 {after}", len("Holm 2017"))
    verdict = Verdict.SILENT if topic is None else Vocabulary(entry, str).verdict(topic)[0]
    assert verdict is expected


def test_designs_that_exclude_each_other_contradict() -> None:
    assert (
        design_verdict(designs_in("an open-label study"), designs_in("placebo-controlled"))[0]
        is Verdict.CONTRADICTS
    )
    assert design_verdict(designs_in("a phase 2 trial"), designs_in("Phase II")) == (
        Verdict.AGREES,
        ("phase-2",),
    )


def test_years_are_no_cohort_sizes() -> None:
    assert sizes_in("in 2019 patients were recruited; n = 1,500; 64 Patienten") == {1500, 64}
