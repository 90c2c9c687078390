"""Links and identifiers that hide the DOI: encodings, `_` for `/`, line breaks, publisher paths.

Each row is a post as a member writes it and the identifiers the linker must read from it
(nothing, for the traps).
"""

from __future__ import annotations

import pytest

from linker import AtlasIndex, find_references
from linker.publisher_ids import PII_DOI_ISSNS, formatted_pii, landing_page_url
from records.identifiers import normalize_publisher_id
from records.models import AtlasEntry, RefKind

DOI = RefKind.DOI
PUB = RefKind.PUBLISHER_ID
LEE = "10.1016/j.autrev.2023.103484"
PACE = "10.1016/s0140-6736(11)60096-2"

HIDDEN_DOIS = [
    # percent-encoded once, twice, three times, with an encoded label
    ("encoded slash in a doi.org link", f"https://doi.org/{LEE.replace('/', '%2F')}", [(DOI, LEE)]),
    (
        "double-encoded doi.org link",
        "https://doi.org/10.1016%252Fj.autrev.2023.103484",
        [(DOI, LEE)],
    ),
    (
        "double-encoded publisher path",
        "https://onlinelibrary.wiley.com/doi/full/10.1111%252Fjoim.13456",
        [(DOI, "10.1111/joim.13456")],
    ),
    (
        "double-encoded inside a redirect wrapper",
        "https://www.google.com/url?q=https%3A%2F%2Fdoi.org%2F10.1016%252Fj.autrev.2023.103484&sa=D",
        [(DOI, LEE)],
    ),
    (
        "double-encoded query of a search link",
        "https://scholar.google.com/scholar_lookup?doi=10.1016%252Fj.autrev.2023.103484&hl=en",
        [(DOI, LEE)],
    ),
    ("encoded bare DOI", "copied from the app: 10.1016%2Fj.autrev.2023.103484", [(DOI, LEE)]),
    (
        "double-encoded bare DOI with label",
        "doi%253A10.1016%252Fj.autrev.2023.103484",
        [(DOI, LEE)],
    ),
    ("triple-encoded slash", "https://doi.org/10.1016%25252Fj.autrev.2023.103484", [(DOI, LEE)]),
    # `_` for `/`
    (
        "RePEc handle",
        "https://ideas.repec.org/a/spr/jbecon/v91y2021i5d10.1007_s11573-020-01017-9.html",
        [(DOI, "10.1007/s11573-020-01017-9")],
    ),
    (
        "saved PDF named after its DOI",
        "https://files.example.org/papers/10.1038_s41467-024-45107-3.pdf",
        [(DOI, "10.1038/s41467-024-45107-3")],
    ),
    (
        "underscore DOI keeps later underscores",
        "https://econpapers.repec.org/x/10.1002_hec_4567.htm",
        [(DOI, "10.1002/hec_4567")],
    ),
    # a DOI cut by a line break right after a full stop, where the shape is unambiguous
    (
        "PLOS cut after journal.",
        "see 10.1371/journal.\npone.0123456 for more",
        [(DOI, "10.1371/journal.pone.0123456")],
    ),
    ("Elsevier cut after j.", "DOI: 10.1016/j.\nautrev.2023.103484", [(DOI, LEE)]),
    (
        "Elsevier cut after j. with CRLF",
        "10.1016/j.\r\n  bbi.2020.01.001",
        [(DOI, "10.1016/j.bbi.2020.01.001")],
    ),
    # Nature's article ids
    (
        "Nature older id",
        "https://www.nature.com/articles/mp.2016.45",
        [(DOI, "10.1038/mp.2016.45")],
    ),
    ("Nature older id pdf", "nature.com/articles/tp.2017.189.pdf", [(DOI, "10.1038/tp.2017.189")]),
    (
        "Nature Neuroscience old id",
        "https://www.nature.com/articles/nn.3434",
        [(DOI, "10.1038/nn.3434")],
    ),
    (
        "Nature pre-2016 journal path",
        "https://www.nature.com/mp/journal/v21/n11/full/mp201626a.html",
        [(DOI, "10.1038/mp.2016.26")],
    ),
    (
        "Nature pre-2016 path of Nature itself",
        "http://www.nature.com/nature/journal/v441/n7097/full/nature04828.html",
        [(DOI, "10.1038/nature04828")],
    ),
    # Oxford Academic
    (
        "OUP electronic article id is the DOI suffix",
        "https://academic.oup.com/ve/article/5/1/vey041/5304643",
        [(DOI, "10.1093/ve/vey041")],
    ),
    (
        "OUP advance article: the DOI without the article id after it",
        "https://academic.oup.com/brain/advance-article/doi/10.1093/brain/awab123/6123456",
        [(DOI, "10.1093/brain/awab123")],
    ),
    (
        "OUP page number: a publisher id",
        "https://academic.oup.com/brain/article/144/2/401/6045323?login=false",
        [(PUB, "oup:brain/144/2/401/6045323")],
    ),
    (
        "OUP e-locator is not a DOI suffix",
        "[IDSA guideline](https://academic.oup.com/cid/article/59/2/e10/2895845)",
        [(PUB, "oup:cid/59/2/e10/2895845")],
    ),
    # Elsevier PIIs
    (
        "Lancet PII on ScienceDirect",
        "https://www.sciencedirect.com/science/article/pii/S0140673611600962",
        [(DOI, PACE)],
    ),
    (
        "Lancet PII on linkinghub",
        "https://linkinghub.elsevier.com/retrieve/pii/S0140673611600962",
        [(DOI, PACE)],
    ),
    (
        "Lancet Psychiatry PII on thelancet.com",
        "https://www.thelancet.com/journals/lanpsy/article/PIIS2215-0366(21)00084-5/fulltext",
        [(DOI, "10.1016/s2215-0366(21)00084-5")],
    ),
    (
        "eClinicalMedicine PII is not its DOI",
        "https://www.thelancet.com/journals/eclinm/article/PIIS2589-5370(20)30123-4/fulltext",
        [(PUB, "pii:S2589537020301234")],
    ),
    (
        "ScienceDirect abstract of another journal",
        "https://www.sciencedirect.com/science/article/abs/pii/S0889159120301234",
        [(PUB, "pii:S0889159120301234")],
    ),
    (
        "cell.com formatted PII",
        "https://www.cell.com/cell/fulltext/S0092-8674(21)00123-4",
        [(PUB, "pii:S0092867421001234")],
    ),
    # MDPI
    (
        "MDPI article page",
        "https://www.mdpi.com/1422-0067/22/3/1234/htm",
        [(PUB, "mdpi:1422-0067/22/3/1234")],
    ),
    (
        "MDPI pdf",
        "mdpi.com/2077-0383/10/20/4786/pdf?version=1",
        [(PUB, "mdpi:2077-0383/10/20/4786")],
    ),
]

TRAPS = [
    (
        "line break after a full stop ending a sentence",
        "doi 10.1000/abc.\nNext sentence here",
        [(DOI, "10.1000/abc")],
    ),
    (
        "PLOS cut, next line is prose",
        "10.1371/journal.\nPone is a journal",
        [(DOI, "10.1371/journal")],
    ),
    ("Elsevier cut, next line is prose", "10.1016/j.\nautoimmunity is fun", [(DOI, "10.1016/j")]),
    ("MDPI journal home", "https://www.mdpi.com/journal/ijms", []),
    ("MDPI special issue", "https://www.mdpi.com/journal/jcm/special_issues/long_covid", []),
    ("OUP journal home", "https://academic.oup.com/brain", []),
    ("OUP search page", "https://academic.oup.com/search-results?q=ME%2FCFS", []),
    ("ScienceDirect search", "https://www.sciencedirect.com/search?qs=chronic%20fatigue", []),
    (
        "ScienceDirect journal home",
        "https://www.sciencedirect.com/journal/brain-behavior-and-immunity",
        [],
    ),
    ("Nature subject page", "https://www.nature.com/subjects/chronic-fatigue-syndrome", []),
    ("Nature journal home", "https://www.nature.com/ncomms/", []),
    ("Lancet journal home", "https://www.thelancet.com/journals/lancet/home", []),
    ("underscore version string in a path", "https://github.com/x/releases/tag/v10.1_2", []),
    ("underscore number only", "https://example.org/files/10.1234_56.pdf", []),
    ("encoded percent without a DOI", "50%25 of people https://example.org/a%2520b", []),
    ("a PII-like number in prose", "my phone is S0140 6736 1160 0962", []),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in HIDDEN_DOIS + TRAPS],
)
def test_identifiers_hidden_in_links_and_text_are_read(
    text: str, expected: list[tuple[RefKind, str]]
) -> None:
    assert [(r.kind, r.value) for r in find_references(text)] == expected


@pytest.mark.parametrize(
    ("pii", "formatted"),
    [
        ("S0140673611600962", "S0140-6736(11)60096-2"),
        ("S0140-6736(11)60096-2", "S0140-6736(11)60096-2"),
        ("s2214109x20301234", "S2214-109X(20)30123-4"),
        ("S014067361160096", None),
    ],
)
def test_formatted_pii_puts_back_the_punctuation(pii: str, formatted: str | None) -> None:
    assert formatted_pii(pii) == formatted


def test_the_pii_rule_table_holds_only_issns() -> None:
    assert all(len(issn) == 9 and issn[4] == "-" for issn in PII_DOI_ISSNS)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("pii:S0140-6736(11)60096-2", "pii:S0140673611600962"),
        ("PII:s0092867421001234", "pii:S0092867421001234"),
        ("mdpi:1660-460x/18/4/1234", "mdpi:1660-460X/18/4/1234"),
        ("oup:Brain/144/2/401/6045323", "oup:brain/144/2/401/6045323"),
        ("pii:12345", None),
        ("isbn:9780123456789", None),
        ("mdpi:1422-0067/22/3", None),
        ("no scheme", None),
    ],
)
def test_publisher_ids_have_one_written_form(raw: str, normal: str | None) -> None:
    assert normalize_publisher_id(raw) == normal


@pytest.mark.parametrize(
    ("publisher_id", "url"),
    [
        ("mdpi:1422-0067/22/3/1234", "https://www.mdpi.com/1422-0067/22/3/1234"),
        ("oup:brain/144/2/401/6045323", "https://academic.oup.com/brain/article/144/2/401/6045323"),
        ("pii:S0092867421001234", "https://linkinghub.elsevier.com/retrieve/pii/S0092867421001234"),
        ("isbn:1", None),
    ],
)
def test_a_publisher_id_leads_to_its_landing_page(publisher_id: str, url: str | None) -> None:
    assert landing_page_url(publisher_id) == url


# -- matching against the atlas --------------------------------------------------------------

PLOS = AtlasEntry(id="ruiz-2021-plos-cohort", title="A cohort", doi="10.1371/journal.pone.0250000")
HIDDEN = AtlasEntry(id="holm-2020-cut-doi", title="Cut", doi="10.1000/cfs.2020.77")
WORDY = AtlasEntry(id="berg-2019-wordy-doi", title="Wordy", doi="10.1000/cfs.abc77")
OUP_ENTRY = AtlasEntry(id="berg-2021-brain-study", title="Brain", doi="10.1093/brain/awab123")
CELL = AtlasEntry(id="okafor-2021-cell-paper", title="Cell", doi="10.1016/j.cell.2021.01.001")
MDPI = AtlasEntry(id="nunez-2021-ijms-paper", title="IJMS", doi="10.3390/ijms22031234")
ALIASES = [
    ("publisher_id", "pii:S0092-8674(21)00001-1", CELL.id),
    ("publisher_id", "mdpi:1422-0067/22/3/1234", MDPI.id),
]


def _index() -> AtlasIndex:
    return AtlasIndex.build([PLOS, HIDDEN, WORDY, OUP_ENTRY, CELL, MDPI], ALIASES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1371/journal.\npone.0250000 is the cohort", [PLOS.id]),
        ("the doi was 10.1000/cfs.\n2020.77 I think", [HIDDEN.id]),
        ("the doi was 10.1000/cfs.2020.\n77", [HIDDEN.id]),
        # a word after the dot: only the atlas can say it continues the DOI
        ("doi 10.1000/cfs.\nabc77 (the wordy one)", [WORDY.id]),
        ("doi 10.1000/cfs.\nabc78 is not it", ["doi:10.1000/cfs"]),
        ("https://files.example.org/10.1093_brain_awab123.pdf", [OUP_ENTRY.id]),
        ("https://www.cell.com/cell/fulltext/S0092-8674(21)00001-1", [CELL.id]),
        ("https://www.sciencedirect.com/science/article/pii/S0092867421000011", [CELL.id]),
        ("[the IJMS one](https://www.mdpi.com/1422-0067/22/3/1234)", [MDPI.id]),
        ("https://www.mdpi.com/1422-0067/22/3/1235", ["publisher_id:mdpi:1422-0067/22/3/1235"]),
    ],
)
def test_hidden_identifiers_match_atlas_entries(text: str, expected: list[str]) -> None:
    assert [m.atlas_id or m.reference.key for m in _index().match(text)] == expected


def test_a_doi_joined_across_a_line_break_spans_both_lines() -> None:
    text = "paper: 10.1000/cfs.\n2020.77 (open access)"
    (match,) = _index().match(text)
    assert match.reference.text == "10.1000/cfs.\n2020.77"
    assert match.doi == HIDDEN.doi


@pytest.mark.parametrize(
    "raw",
    ["pii:S0140-6736(11)60096-2", "mdpi:1660-460x/18/4/1234", "oup:Brain/144/2/401/6045323"],
)
def test_normalising_a_publisher_id_twice_changes_nothing(raw: str) -> None:
    once = normalize_publisher_id(raw)
    assert once is not None
    assert normalize_publisher_id(once) == once
