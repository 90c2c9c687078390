"""Author and title citations in German, Dutch, Norwegian, Spanish and French posts (issue 19):
one table of rewrites, one table of posts and one of traps per language."""

from __future__ import annotations

from functools import cache

import pytest

from linker import AtlasIndex
from linker.languages import as_english
from records.models import AtlasEntry


@pytest.mark.parametrize(
    ("written", "english"),
    [
        ("Moreau u. a. (2021)", "Moreau et al (2021)"),
        ("Moreau u.a. 2021", "Moreau etal 2021"),
        ("Moreau e.a. 2021", "Moreau etal 2021"),
        ("Fluge m.fl. 2019", "Fluge et al 2019"),
        ("Fluge mfl. 2019", "Fluge etal 2019"),
        ("Walitt y col. 2024", "Walitt et al. 2024"),
        ("Hornig y cols. 2015", "Hornig et al.  2015"),
        ("Dubois et coll. 2020", "Dubois et al.   2020"),
        ("Giloteaux e col. 2016", "Giloteaux et al. 2016"),
        ("Berg und Holm 2017", "Berg and Holm 2017"),
        ("Sørensen og Fluge 2022", "Sørensen &  Fluge 2022"),
        ("De Vries en Van der Berg", "De Vries &  Van der Berg"),
        ("Núñez y García-López", "Núñez & García-López"),
        ("Moreau et Dubois", "Moreau &  Dubois"),
        ("Walitts Studie von 2024", "Walitt's study von 2024"),
        ("Walitts NIH Studie", "Walitt's NIH study"),
        ("Fluges studie fra 2009", "Fluge's study fra 2009"),
        ("die Studie von Moreau", "die   study by Moreau"),
        ("het onderzoek van Tanaka", "het      study by Tanaka"),
        ("studien til Haugen", "   study by Haugen"),
        ("el estudio de Ruiz", "el   study by Ruiz"),
        ("l'étude de Petit", "l'study by Petit"),
        # Years in words become digits padded with spaces.
        ("aus zweitausendeinundzwanzig", "aus 2021                    "),
        ("uit tweeduizend negentien", "uit 2019                 "),
        ("uit twintig negentien", "uit 2019             "),
        ("fra tjuenitten", "fra 2019      "),
        ("fra to tusen og tjueto", "fra 2022              "),
        ("de dos mil veinte", "de 2020        "),
        ("(deux mille vingt et un)", "(2021                  )"),
        ("de deux mille dix-huit", "de 2018               "),
        ("Zweitausend Leute", "Zweitausend Leute"),  # no year: a number
        ("dos mil pacientes", "dos mil pacientes"),
    ],
)
def test_local_citation_words_are_written_in_english_in_place(written: str, english: str) -> None:
    rewritten = as_english(written)
    # Spaces pad a shorter English form: compared with runs of spaces as one.
    assert " ".join(rewritten.split()) == " ".join(english.split())
    assert len(rewritten) == len(written)


@pytest.mark.parametrize(
    "text",
    [
        "Lee et al. 2024 and Walitt (2024) said so",
        "Berg en dal, y luego nada",  # lower case after the conjunction: no list of names
        "Patienten u. a. in Berlin",  # no name before: rewritten, but nothing to match
        "the study of the Charité",
        "Das ist die Studie der Charité",
    ],
)
def test_ordinary_text_keeps_its_length_and_english_is_untouched(text: str) -> None:
    rewritten = as_english(text)
    assert len(rewritten) == len(text)
    if text.startswith("Lee"):
        assert rewritten == text


def _entry(slug: str, authors: list[str], year: int, title: str) -> AtlasEntry:
    return AtlasEntry(id=slug, title=title, authors=authors, year=year, journal="J")


@cache
def index() -> AtlasIndex:
    """Foreign posts cite these; Sommer, Haugen, Petit and Costa are also ordinary words."""
    return AtlasIndex.build(
        [
            _entry("moreau-2021-ldn", ["Moreau, Sophie", "Dubois, Claire"], 2021,
                   "Low-dose naltrexone for fatigue and pain in ME/CFS: a randomised trial"),
            _entry("walitt-2024", ["Walitt, Brian", "Singh, Komudi"], 2024,
                   "Deep phenotyping of post-infectious myalgic encephalomyelitis"),
            _entry("fluge-2019", ["Fluge, Øystein", "Mella, Olav"], 2019,
                   "B-lymphocyte depletion in patients with myalgic encephalomyelitis"),
            _entry("berg-2017", ["Berg, Lars", "Holm, Kari"], 2017,
                   "Autoantibodies against beta2-adrenergic receptors in ME/CFS"),
            _entry("sommer-2021", ["Sommer, Julia", "Becker, Tim"], 2021,
                   "Orthostatic training in adolescents with ME/CFS and postural tachycardia"),
            _entry("haugen-2022", ["Haugen, Ingrid", "Solberg, Kari"], 2022,
                   "Symptom trajectories over three years in a Norwegian cohort"),
            _entry("de-vries-2022", ["de Vries, Maaike", "van der Berg, Pieter"], 2022,
                   "Actigraphy-guided pacing in ME/CFS: a feasibility study"),
            _entry("nunez-2021", ["Núñez, Javier", "García-López, Marta"], 2021,
                   "Small fibre neuropathy in fibromyalgia: a skin biopsy study"),
            _entry("costa-2020", ["Costa, Beatriz", "Nilsen, Tor"], 2020,
                   "Salivary cortisol awakening response in adolescents with chronic fatigue"),
            _entry("naviaux-2016", ["Naviaux, Robert K", "Naviaux, Jane C"], 2016,
                   "Metabolic features of chronic fatigue syndrome"),
            _entry("king-2016", ["King, Thomas", "Long, Catherine"], 2016,
                   "Sleep quality and unrefreshing sleep in fibromyalgia and ME/CFS"),
            _entry("brown-2019", ["Brown, Abigail", "Jason, Leonard A"], 2019,
                   "Orthostatic intolerance and cognitive slowing in ME/CFS"),
            _entry("long-2023", ["Long, Catherine", "Strong, Peter"], 2023,
                   "Paediatric long COVID and new-onset ME/CFS: a registry study"),
            _entry("petit-2018", ["Petit, Julien", "Lefèvre, Anne"], 2018,
                   "Small intestinal bacterial overgrowth in chronic fatigue syndrome"),
        ]
    )  # fmt: skip


def _ids(text: str) -> list[str]:
    return [m.entry.id for m in index().match(text) if m.entry is not None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German
        ("Die Studie von Moreau u. a. (2021) zu LDN war ein Reinfall", ["moreau-2021-ldn"]),
        ("hab grad Walitt u.a. 2024 gelesen", ["walitt-2024"]),
        ("Berg und Holm (2017) haben das schon gezeigt", ["berg-2017"]),
        ("Kennt ihr Walitts NIH Studie von 2024?", ["walitt-2024"]),
        ("Naviaux' Metabolomics-Arbeit (2016) fand ich bahnbrechend", ["naviaux-2016"]),
        ("Fluge u. a. zweitausendneunzehn – Rituximab Phase 3", ["fluge-2019"]),
        ("Sommers Studie von 2021 zum Orthostase-Training", ["sommer-2021"]),
        (
            "Hat wer den Artikel „Small fibre neuropathy in fibromyalgia: a skin biopsy study“?",
            ["nunez-2021"],
        ),
        # Dutch
        ("Het onderzoek van Moreau e.a. uit 2021 viel tegen", ["moreau-2021-ldn"]),
        ("De Vries en Van der Berg 2022 – pacing met een actigraaf", ["de-vries-2022"]),
        (
            "het stuk ”deep phenotyping of post-infectious myalgic encephalomyelitis” al gelezen?",
            ["walitt-2024"],
        ),
        # Norwegian
        ("Fluge m.fl. 2019 viste at rituximab ikke virket", ["fluge-2019"]),
        ("Fluge mfl. (2019) igjen", ["fluge-2019"]),
        ("Fluge m.fl. fra tjuenitten viste at rituximab ikke virket", ["fluge-2019"]),
        ("studien til Haugen fra 2022 fulgte folk i tre år", ["haugen-2022"]),
        (
            "Har noen lest «Symptom trajectories over three years in a Norwegian cohort»?",
            ["haugen-2022"],
        ),
        # Spanish
        ("El estudio de Moreau y col. de 2021 salió negativo", ["moreau-2021-ldn"]),
        ("Núñez y cols. (2021) encontraron neuropatía", ["nunez-2021"]),
        ("Núñez y García-López 2021, la biopsia de piel", ["nunez-2021"]),
        ("el estudio de Núñez de dos mil veintiuno, la biopsia", ["nunez-2021"]),
        # French
        ("Moreau et coll. 2021 : le LDN ne marche pas", ["moreau-2021-ldn"]),
        ("Moreau et Dubois (2021) ont publié l'essai", ["moreau-2021-ldn"]),
        ("Long et coll. 2023 sur le covid long pédiatrique", ["long-2023"]),
        ("Moreau et coll. (deux mille vingt et un), le LDN", ["moreau-2021-ldn"]),
        ("L'étude de Petit (2018) sur la pullulation bactérienne", ["petit-2018"]),
        (
            "l'article «small intestinal bacterial overgrowth in chronic fatigue syndrome» ?",
            ["petit-2018"],
        ),
    ],
)
def test_foreign_posts_name_their_study(text: str, expected: list[str]) -> None:
    assert _ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Im Sommer 2021 ging's mir viel besser",  # German noun that is a surname
        "Die Studie von 2019 war mies, die Patienten 2020 nicht nachbeobachtet",
        "Studien u. a. 2022 von der Charité",
        "Van 2018 tot 2020 lag ik vooral op bed",  # Dutch "Van" is no particle here
        "In 2022 ben ik met De Vries (mijn fysio) gestopt",
        "Tur til Haugen i 2022, helt ødelagt etterpå",  # a place after "til"
        "Berg og dal 2017 – livet med ME",
        "De 2020 a 2022 estuve en cama",  # Spanish "De"
        "Costa y Sol 2020 fueron mis vacaciones",  # a co-author the entry lacks
        "Petit à petit depuis 2018, j'ai appris à gérer",
        "Long covid 2023 : mon expérience",
        # A name before an institution's or an illness's word is not an author.
        "Die Studie von King's College 2016 zu Schlaf",
        "het onderzoek van Brown University uit 2019",
        "L'étude de Long Covid France (2023) n'est toujours pas publiée",
        "Deux mille euros de kiné par an et Petit ne rembourse rien",
        "Tjue år med ME nå. Haugen ved hytta har jeg ikke sett på lenge",
    ],
)
def test_foreign_words_are_not_taken_for_authors(text: str) -> None:
    assert _ids(text) == []


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("Die Studie von Moreau u. a. (2021) zu LDN", "Moreau u. a. (2021)"),
        ("Fluge m.fl. fra tjuenitten viste", "Fluge m.fl."),
        ("Núñez y cols. (2021) encontraron", "Núñez y cols. (2021)"),
    ],
)
def test_a_match_spans_the_citation_as_the_post_wrote_it(text: str, cited: str) -> None:
    (match,) = index().match(text)
    assert match.reference.text == cited
    assert text[match.reference.start : match.reference.end] == cited
