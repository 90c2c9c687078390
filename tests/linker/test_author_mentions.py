"""Author mentions in natural phrasing: one table per family, one per trap (issue 12)."""

from __future__ import annotations

from functools import cache

import pytest

from linker import AtlasIndex
from records.models import AtlasEntry


def _entry(
    slug: str, authors: list[str], year: int, journal: str, title: str, **extra: str
) -> AtlasEntry:
    return AtlasEntry(id=slug, title=title, authors=authors, year=year, journal=journal, **extra)


@cache
def index() -> AtlasIndex:
    """A small atlas with several entries per author, word surnames, particles, groups."""
    return AtlasIndex.build(
        [
            _entry("okafor-2021-pem", ["Okafor, Chidinma", "Ruiz, Elena"], 2021,
                   "Fatigue: Biomedicine, Health & Behavior",
                   "Post-exertional malaise: a narrative review of how it is measured",
                   summary="Questionnaires, repeated exercise tests and wearable data."),
            _entry("okafor-2023-tilt", ["Okafor, Chidinma", "Moreau, Sophie"], 2023,
                   "Clinical Autonomic Research",
                   "Orthostatic cerebral hypoperfusion in long COVID: a tilt-table Doppler study"),
            _entry("okafor-2023-nk", ["Okafor, Chidinma", "Lindqvist-Berg, Anna"], 2023,
                   "Frontiers in Immunology",
                   "Natural killer cell cytotoxicity before and after exertion"),
            _entry("lindqvist-berg-2020-cytokines", ["Lindqvist-Berg, Anna", "Holm, Kari"], 2020,
                   "Brain, Behavior, and Immunity",
                   "Cytokine signatures across illness duration in myalgic encephalomyelitis"),
            _entry("lindqvist-berg-2022-proteomics", ["Lindqvist-Berg, Anna"], 2022,
                   "JCI Insight", "Plasma proteomics of post-exertional malaise"),
            _entry("moreau-2021-ldn", ["Moreau, Sophie", "Tanaka, Hiroshi"], 2021,
                   "Nature Medicine",
                   "Low-dose naltrexone for fatigue: a randomised placebo-controlled trial"),
            _entry("tanaka-2022-imaging", ["Tanaka, Hiroshi"], 2022, "NeuroImage: Clinical",
                   "Methodological limitations of neuroimaging studies: a critical appraisal"),
            _entry("berg-2017-beta2", ["Berg, Lars", "Holm, Kari"], 2017,
                   "Brain, Behavior, and Immunity",
                   "Autoantibodies against beta2-adrenergic receptors and orthostatic symptoms"),
            _entry("holm-2017-perfusion", ["Holm, Kari", "Berg, Lars"], 2017,
                   "Journal of Internal Medicine",
                   "Reduced cerebral perfusion measured by arterial spin labelling"),
            _entry("mueller-2022-endothelium", ["Müller, Katrin"], 2022,
                   "Journal of Translational Medicine",
                   "Endothelial dysfunction measured by flow-mediated dilation"),
            _entry("nunez-2021-fibres", ["Núñez, Javier"], 2021, "Pain",
                   "Small fibre neuropathy in fibromyalgia: a skin biopsy study"),
            _entry("van-der-berg-2018-output", ["van der Berg, Pieter"], 2018,
                   "Frontiers in Pediatrics",
                   "Cardiac output during orthostatic stress in adolescents"),
            _entry("giloteaux-2016-microbiome", ["Giloteaux, Ludovic"], 2016, "Microbiome",
                   "Reduced diversity and altered composition of the gut microbiome"),
            _entry("corem-2024-gwas", ["CORE-ME Study Investigators"], 2024, "Nature Genetics",
                   "Genome-wide association study of ME/CFS in 15,000 participants"),
            _entry("young-2020-pacing", ["Young, Rebecca"], 2020, "Fatigue",
                   "Heart rate monitor pacing and symptom flares"),
            _entry("brown-2019-standing", ["Brown, Abigail"], 2019,
                   "Clinical Neurophysiology Practice",
                   "Orthostatic intolerance and cognitive slowing"),
            _entry("cochrane-2020-exercise", ["Cochrane, Anne"], 2020, "BMJ Open",
                   "Exercise therapy for chronic fatigue: a systematic review"),
            _entry("light-2012-exercise", ["Light, Alan R"], 2012, "Journal of Internal Medicine",
                   "Gene expression alterations following moderate exercise"),
            *(
                _entry(f"wang-{year}-w{n}", [f"Wang, {n}"], year, "Scientific Reports",
                       f"Study number {n} of mitochondria")
                for n, year in enumerate([2019, 2021, 2021, 2022, 2023, 2024])
            ),
        ]
    )  # fmt: skip


def found(text: str) -> list[str]:
    return [m.atlas_id or m.reference.key for m in index().match(text)]


def _cases(table: list[tuple[str, str, list[str]]]) -> list[object]:
    return [pytest.param(text, expected, id=name) for name, text, expected in table]


POSSESSIVES_AND_DESCRIPTIONS = [
    ("possessive review, topic words", "Okafor's review of how PEM is measured, questionnaires vs wearables", ["okafor-2021-pem"]),
    ("description with topic word", "the Lindqvist-Berg cytokine paper", ["lindqvist-berg-2020-cytokines"]),
    ("description with year after", "The Moreau NIH trial (2021) was a bust", ["moreau-2021-ldn"]),
    ("critique of what", "Tanaka's critique of the imaging methods", ["tanaka-2022-imaging"]),
    ("possessive with apart year", "Giloteaux's gut paper from 2016 is good", ["giloteaux-2016-microbiome"]),
    ("institution name cited as author", "Cochrane et al. 2020 on exercise", ["cochrane-2020-exercise"]),
]  # fmt: skip

PAIRS_AND_GROUPS = [
    ("slash pair", "Okafor/Ruiz 2021 is the PEM one", ["okafor-2021-pem"]),
    ("ampersand pair", "Berg & Holm 2017 did the autoantibodies", ["berg-2017-beta2"]),
    ("and pair, year in brackets", "Moreau and Tanaka (2021)", ["moreau-2021-ldn"]),
    ("pair picks among same-year entries", "Okafor & Lindqvist-Berg 2023", ["okafor-2023-nk"]),
    ("group investigators", "the CORE-ME study investigators found eight loci", ["corem-2024-gwas"]),
]  # fmt: skip

YEAR_APART = [
    ("et al then year later", "As Holm et al. showed back in 2017, perfusion is lower.", ["holm-2017-perfusion"]),
    ("colleagues then year", "Moreau and colleagues published the LDN trial in 2021", ["moreau-2021-ldn"]),
]  # fmt: skip

SPELLINGS = [
    ("umlaut written ue", "Mueller et al 2022 on the endothelium", ["mueller-2022-endothelium"]),
    ("umlaut dropped", "Muller et al. 2022", ["mueller-2022-endothelium"]),
    ("accents dropped", "Nunez et al 2021 skin biopsies", ["nunez-2021-fibres"]),
    ("accents kept", "Núñez (2021) on small fibres", ["nunez-2021-fibres"]),
    ("particles joined", "Vanderberg et al (2018) tilt in teens", ["van-der-berg-2018-output"]),
    ("particles capitalised", "Van Der Berg 2018: adolescents", ["van-der-berg-2018-output"]),
    ("hyphen as space, lower case", "lindqvist berg et al 2020 cytokines", ["lindqvist-berg-2020-cytokines"]),
]  # fmt: skip

DISAMBIGUATION = [
    ("journal abbreviation", "Okafor et al. 2023 in Clin Auton Res", ["okafor-2023-tilt"]),
    ("journal in brackets", "Okafor et al 2023 (Front Immunol)", ["okafor-2023-nk"]),
    ("topic word, rival denied", "Okafor 2023, the NK cell one, not the tilt one", ["okafor-2023-nk"]),
    ("journal name without year", "Lindqvist-Berg et al. in JCI Insight", ["lindqvist-berg-2022-proteomics"]),
    ("acronym journal", "Lindqvist-Berg 2020 in BBI", ["lindqvist-berg-2020-cytokines"]),
]  # fmt: skip

EPUB_AND_NO_YEAR = [
    ("e-pub year confirmed by journal", "Lindqvist-Berg 2019 in BBI", ["lindqvist-berg-2020-cytokines"]),
    ("e-pub year confirmed by journal 2", "Moreau et al. 2022 Nat Med", ["moreau-2021-ldn"]),
    ("one entry, topic words, no year", "Has anyone seen Núñez's skin biopsy work on fibromyalgia?", ["nunez-2021-fibres"]),
]  # fmt: skip

TRAPS = [
    ("word surname as a word", "I was young in 2020 and could still hike"),
    ("word surname starting a sentence", "Brown 2019 notebook was where i tracked symptoms"),
    ("word surname and a weak topic word", "Light 2012 exercise? no thanks"),
    ("common surname without year", "Wang et al. found something about mitochondria"),
    ("common surname, several that year", "Wang et al. 2021 is what I meant"),
    ("a year and a study", "a 2019 study found that pacing helps"),
    ("journal names alone", "JCI Insight and Nat Med have had good papers lately"),
    ("month before a year", "Since March 2020 I've been housebound"),
    ("place before a year", "Moved to Holm in 2017, the clinic there was useless"),
    ("e-pub year without confirmation", "Moreau 2022 I think"),
    ("no year, several entries, no topic", "Okafor's work is great"),
    ("one entry, no year, no topic", "Giloteaux's paper is great"),
    ("co-author not on the paper", "Berg & Tanaka 2017"),
    ("year too far off", "Holm et al. 2012"),
    ("surname without any cue", "Tanaka is a common name, 2022 was a year"),
    ("an institution's review", "the Cochrane review says exercise helps, in 2020 no less"),
    ("word surname with a study noun", "the Brown study from 2019 on standing"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), _cases(POSSESSIVES_AND_DESCRIPTIONS))
def test_possessives_and_descriptions_name_their_study(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(PAIRS_AND_GROUPS))
def test_author_pairs_and_group_authors_name_their_study(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(YEAR_APART))
def test_a_year_apart_in_the_same_sentence_counts(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(SPELLINGS))
def test_surnames_match_with_or_without_diacritics_hyphens_and_particles(
    text: str, expected: list[str]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(DISAMBIGUATION))
def test_journal_topic_or_year_pick_among_an_authors_entries(
    text: str, expected: list[str]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(EPUB_AND_NO_YEAR))
def test_epub_year_and_yearless_mentions_need_confirmation(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in TRAPS])
def test_traps_match_nothing(text: str) -> None:
    assert found(text) == []


def test_each_author_match_logs_the_signals_that_decided_it() -> None:
    (match,) = index().match("Okafor et al. 2023 in Clin Auton Res")
    assert match.atlas_id == "okafor-2023-tilt"
    assert match.rule == "author-year"
    assert {"surname", "year", "journal:clin auton res", "cue:et-al"} <= set(match.signals)
    assert any(signal.startswith("score:") for signal in match.signals)


def test_the_span_covers_the_name_and_its_year() -> None:
    text = "As Holm et al. showed back in 2017, perfusion is lower."
    (match,) = index().match(text)
    assert match.reference.text.startswith("Holm et al.")
    assert text[match.reference.start : match.reference.end] == match.reference.text


OTHER_LANGUAGES = [
    ("German u. a.", "Müller u. a. (2022) zur Endothelfunktion", ["mueller-2022-endothelium"]),
    ("Dutch e.a.", "Van der Berg e.a. 2018, kantelen bij tieners", ["van-der-berg-2018-output"]),
    ("Norwegian m.fl.", "Berg m.fl. 2017 om autoantistoffer", ["berg-2017-beta2"]),
    ("Norwegian mfl.", "Holm mfl. 2017 om perfusjon", ["holm-2017-perfusion"]),
    ("Spanish y col.", "Núñez y col. 2021, biopsias de piel", ["nunez-2021-fibres"]),
    ("Spanish y cols.", "Moreau y cols. (2021), el ensayo", ["moreau-2021-ldn"]),
    ("French et coll.", "Tanaka et coll. 2022 sur l'imagerie", ["tanaka-2022-imaging"]),
    ("und between authors", "Berg und Holm 2017", ["berg-2017-beta2"]),
    ("og between authors", "Okafor og Ruiz 2021", ["okafor-2021-pem"]),
    ("y between authors", "Moreau y Tanaka (2021)", ["moreau-2021-ldn"]),
    ("die Studie von", "Die Studie von Holm et al. (2017) zur Perfusion", ["holm-2017-perfusion"]),
    ("het onderzoek van … uit", "Het onderzoek van Giloteaux uit 2016 over darmflora", ["giloteaux-2016-microbiome"]),
    ("studien til … fra", "Studien til Tanaka fra 2022 om bildediagnostikk", ["tanaka-2022-imaging"]),
    ("el estudio de … de", "El estudio de Núñez de 2021 en Pain", ["nunez-2021-fibres"]),
    ("l'étude de … (year)", "L'étude de Moreau (2021) sur la naltrexone", ["moreau-2021-ldn"]),
    ("German genitive", "Tanakas Kritik an der Bildgebung (2022)", ["tanaka-2022-imaging"]),
    ("compound with a study noun", "Die Moreau-Studie zu LDN (Nat Med 2021)", ["moreau-2021-ldn"]),
    ("colleagues word is no co-author", "Giloteaux und Kollegen (Microbiome, 2016)", ["giloteaux-2016-microbiome"]),
]  # fmt: skip

OTHER_LANGUAGE_TRAPS = [
    ("German month", "Seit März 2020 bin ich bettlägerig"),
    ("Spanish month", "Desde marzo de 2020 estoy en cama"),
    ("French month", "Depuis mars 2020 je suis alitée"),
    ("a place after 'nach'", "Wir sind 2017 nach Holm gezogen"),
    ("a place after 'i'", "Vi bodde i Berg i 2023"),
    ("a study of a year", "Es gab 2019 eine Studie zu Rituximab"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), _cases(OTHER_LANGUAGES))
def test_author_mentions_in_other_languages(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [pytest.param(t, id=n) for n, t in OTHER_LANGUAGE_TRAPS])
def test_other_language_traps_match_nothing(text: str) -> None:
    assert found(text) == []
