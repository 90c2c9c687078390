"""Studies named by description: trial names, groups, institutions, journal and year, locators.

One entry must clearly fit, else nothing; a year the entry does not have vetoes it.
"""

from __future__ import annotations

import pytest

from config.settings import LinkerSettings
from linker import AtlasIndex
from linker.descriptions import has_cue
from records.models import AtlasEntry, RefKind

PACE = AtlasEntry(
    id="white-2011-comparison-adaptive",
    title="Comparison of adaptive pacing therapy, cognitive behaviour therapy, graded exercise "
    "therapy, and specialist medical care for chronic fatigue syndrome (PACE): a randomised trial",
    authors=["White, P D", "Goldsmith, K A"],
    year=2011,
    journal="Lancet (London, England)",
    volume="377",
    article_number="823-836",
)
GUT = AtlasEntry(
    id="giloteaux-2016-reduced-diversity",
    title="Reduced diversity and altered composition of the gut microbiome in individuals with "
    "myalgic encephalomyelitis/chronic fatigue syndrome",
    authors=["Giloteaux, Ludovic", "Hanson, Maureen R"],
    year=2016,
    journal="Microbiome",
    volume="4",
    article_number="30",
    affiliations=[
        "Department of Molecular Biology and Genetics, Cornell University, Ithaca, NY, USA"
    ],
    keywords=["gut microbiome", "bacteria"],
)
T_CELLS = AtlasEntry(
    id="mandarano-2020-myalgic-encephalomyelitis",
    title="Myalgic encephalomyelitis/chronic fatigue syndrome patients exhibit altered T cell "
    "metabolism and cytokine associations",
    authors=["Mandarano, Alexandra H", "Hanson, Maureen R"],
    year=2020,
    journal="The Journal of clinical investigation",
    affiliations=[
        "Department of Molecular Biology and Genetics, Cornell University, Ithaca, NY, USA"
    ],
)
RITUXIMAB = AtlasEntry(
    id="fluge-2019-lymphocyte-depletion",
    title="B-Lymphocyte Depletion in Patients With Myalgic Encephalomyelitis/Chronic Fatigue "
    "Syndrome: A Randomized, Double-Blind, Placebo-Controlled Trial.",
    authors=["Fluge, Øystein", "Mella, Olav"],
    year=2019,
    journal="Annals of internal medicine",
    aliases=("RituxME trial",),
    affiliations=["Department of Oncology, Haukeland University Hospital, Bergen, Norway"],
    summary="Rituximab did not improve fatigue more than placebo.",
)
IOM = AtlasEntry(
    id="iom-2015-diagnostic-criteria",
    title="Beyond Myalgic Encephalomyelitis/Chronic Fatigue Syndrome: Redefining an Illness",
    authors=["Institute of Medicine"],
    year=2015,
    journal="National Academies Press",
)
INDEX = AtlasIndex.build([PACE, GUT, T_CELLS, RITUXIMAB, IOM])


@pytest.mark.parametrize(
    ("text", "expected", "signal"),
    [
        # trial names: a title's own acronym, a curator's alias, in other languages too
        ("The PACE trial was a disaster for us", PACE.id, "name:pace"),
        ("the rituxme trial was negative, sadly", RITUXIMAB.id, "name:rituxme trial"),
        ("Die RituxME-Studie aus Bergen war negativ.", RITUXIMAB.id, "name:rituxme"),
        ("El ensayo RituxME no mostró beneficio", RITUXIMAB.id, "name:rituxme"),
        # group authors by name and initials
        ("The IOM report from 2015 proposed a new name", IOM.id, "group:iom"),
        ("het rapport van het Institute of Medicine", IOM.id, "group:institute of medicine"),
        # institution and place, with a word of the topic
        ("Cornell researchers found less diverse gut bacteria", GUT.id, "institution:cornell"),
        ("that cornell study on the gut microbiome from 2016", GUT.id, "institution:cornell"),
        ("Forskere ved Haukeland testet rituximab i 2019", RITUXIMAB.id, "institution:haukeland"),
        # … the topic word spelled the other language's way (linker.cognates)
        ("Forskere ved Haukeland ga pasientene rituksimab", RITUXIMAB.id, "topic:rituksimab"),
        ("Investigadores de Haukeland y el rituksimab", RITUXIMAB.id, "topic:rituksimab"),
        # journal, year and finding
        ("the Lancet paper in 2011 about graded exercise", PACE.id, "journal:lancet"),
        ("un article publié dans Microbiome en 2016 sur le microbiome", GUT.id, "year"),
        # journal locators
        ("Microbiome volume 4, Article number: 30 (2016)", GUT.id, "locator:4:30"),
        ("Lancet 2011; 377: 823-36", PACE.id, "locator:377:823"),
        ("Microbiome 4, 30 (2016)", GUT.id, "locator:4:30"),  # no study word: the locator is one
        # journal with its year and an institution of the same entry: no topic word needed
        (
            "Artikeln i Microbiome 2016 från Cornell visade mindre mångfald",
            GUT.id,
            "journal:microbiome",
        ),
        (
            "Artikkelen i Annals of Internal Medicine fra 2019 fra Haukeland",
            RITUXIMAB.id,
            "institution:haukeland",
        ),
    ],
)
def test_a_description_names_the_one_study_that_fits(text: str, expected: str, signal: str) -> None:
    matches = INDEX.match(text)
    assert [m.atlas_id for m in matches] == [expected]
    assert matches[0].reference.kind is RefKind.DESCRIPTION
    assert signal in matches[0].signals
    assert any(s.startswith("score:") for s in matches[0].signals)


@pytest.mark.parametrize(
    "text",
    [
        "I went for a walk in the park today",  # no study cue
        "our study group meets on friday",  # a cue, and nothing it names
        "Cornell researchers are recruiting",  # an institution with two studies, no topic
        "The PACE trial follow-up in 2015 was no better",  # another year: another paper
        "a pace of life study",  # an acronym written as a word
        "the gut study in Microbiome from 2019",  # the journal, but not that year
        "Lancet 2011; 12: 45-50",  # the journal and year, another volume and page
        "I read it in a cell biology paper",  # a journal's name used as a word
        "In Cornell, the researchers in our support group said hi",  # place, no topic
        "In 2016 Microbiome published a study on soil bacteria in farms",  # another subject
        "Cornell researchers wrote in the Lancet in 2011",  # journal and place of two entries
        # journal, year and place of one entry, and a subject that is not its own
        "A 2016 paper in Microbiome from Cornell about soil bacteria on dairy farms",
    ],
)
def test_a_description_that_fits_no_single_study_gives_no_match(text: str) -> None:
    assert INDEX.match(text) == []


def test_a_formal_citation_is_not_read_again_as_a_description() -> None:
    text = "The PACE trial authors replied (doi:10.1186/s40168-016-0171-4)"
    assert [m.reference.kind for m in INDEX.match(text)] == [RefKind.DOI]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("the study", True),
        ("eine Studie", True),
        ("un estudio", True),
        ("une étude", True),
        ("studien viste", True),
        ("een onderzoek", True),
        ("het tijdschrift", True),
        ("nothing here at all", False),
        ("student life", False),
    ],
)
def test_only_posts_with_a_study_cue_are_read(text: str, cue: bool) -> None:
    assert has_cue(text) is cue


def test_descriptions_can_be_switched_off() -> None:
    index = AtlasIndex.build([PACE], settings=LinkerSettings(descriptions=False))
    assert index.match("The PACE trial was a disaster for us") == []
