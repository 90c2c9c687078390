"""AtlasIndex.match on realistic forum posts against the 12-study sample atlas.

Each expectation lists what the post cites, in order: atlas slugs for studies the atlas holds,
reference keys (`doi:…`, `pmid:…`) for studies it lacks.
"""

from __future__ import annotations

import pytest

from config.settings import LinkerSettings
from linker import AtlasIndex
from records.models import AtlasEntry, RefKind
from tests.linker.sample_atlas import found, sample_entries, sample_index

LEE = "lee-2024-brain-regional"
TOGO = "togo-2008-sleep-structure"
WALITT = "walitt-2024-deep-phenotyping"
FLUGE = "fluge-2019-lymphocyte-depletion"
PACE = "white-2011-comparison-adaptive"
LIM = "lim-2020-prospects-two"
NAVIAUX = "naviaux-2016-metabolomics"
JASON = "jason-2022-cfs-post"
HORNIG = "hornig-2015-distinct-plasma"
KELLER = "keller-2014-inability-myalgic"
LOEBEL = "loebel-2016-antibodies-adrenergic"
NAKATOMI = "nakatomi-2014-neuroinflammation-japan"

IDENTIFIER_POSTS = [
    (
        "doi link in a long reply",
        "Welcome! Before you dive in, the big NIH intramural paper is here: "
        "https://doi.org/10.1038/s41467-024-45107-3 — skim the discussion, the effort "
        "preference bit got a lot of pushback.",
        [WALITT],
    ),
    (
        "two studies by DOI and PMID",
        "For exercise testing see 10.3390/jcm9124040 and for the rituximab trial PMID: 30934066",
        [LIM, FLUGE],
    ),
    (
        "PMC link",
        "Free full text for the CPET one: https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4004422/",
        [KELLER],
    ),
    (
        "PACE via Lancet page in markdown",
        "Never forget [PACE](https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(11)60096-2/fulltext).",
        [PACE],
    ),
    (
        "PACE via escaped reddit DOI",
        r"The trial everyone argues about: 10.1016/S0140\-6736\(11\)60096\-2",
        [PACE],
    ),
    (
        "atlas link and DOI of the same study",
        "Summary: https://www.mecfsatlas.com/evidence/lee-2024-brain-regional "
        "(paper: doi:10.1016/j.autrev.2023.103484)",
        [LEE],
    ),
    (
        "mirror atlas link",
        "cfsmeatlas.com/evidence/nakatomi-2014-neuroinflammation-japan is the PET one",
        [NAKATOMI],
    ),
    (
        "bare slug",
        "the atlas page jason-2022-cfs-post is a good overview",
        [JASON],
    ),
    (
        "study not in the atlas by DOI",
        "Anyone read 10.1186/s12967-023-04179-2 yet? Looks interesting.",
        ["doi:10.1186/s12967-023-04179-2"],
    ),
    (
        "study not in the atlas by PMID and one in it",
        "PMID: 12345678 is unrelated but PMID: 27573827 is the metabolomics one",
        ["pmid:12345678", NAVIAUX],
    ),
    (
        "same unmatched DOI twice",
        "10.1000/xyz123 ... as I said, 10.1000/xyz123",
        ["doi:10.1000/xyz123"],
    ),
    (
        "safelinks-wrapped PubMed",
        "Forwarded from my email: https://eur02.safelinks.protection.outlook.com/?url="
        "https%3A%2F%2Fpubmed.ncbi.nlm.nih.gov%2F26079000%2F&data=05%7C02",
        [HORNIG],
    ),
    (
        "Europe PMC",
        "europepmc.org/article/MED/38016575 has the imaging meta-analysis",
        [LEE],
    ),
    (
        "upper-case DOI of Fluge",
        "DOI: 10.7326/M18-1451",
        [FLUGE],
    ),
    (
        "DOI split across a line with no separator is joined when the atlas knows it",
        "Link for the imaging review:\n10.1016/j.autrev.2023.10\n3484",
        [LEE],
    ),
]

TITLE_POSTS = [
    (
        "exact title in quotes",
        'Has anyone read "Deep phenotyping of post-infectious myalgic encephalomyelitis/chronic '
        'fatigue syndrome"? My neuro mentioned it.',
        [WALITT],
    ),
    (
        "title lower case without punctuation",
        "me cfs and post exertional malaise among patients with long covid is the one "
        "with the survey",
        [JASON],
    ),
    (
        "title with trailing journal name",
        "ME/CFS and Post-Exertional Malaise among Patients with Long COVID. Neurology "
        "International, 2022.",
        [JASON],
    ),
    (
        "title with ME/CFS abbreviated",
        "Inability of ME/CFS patients to reproduce VO2peak indicates functional impairment "
        "— the two-day CPET paper",
        [KELLER],
    ),
    (
        "title with subscript written plainly",
        "Inability of myalgic encephalomyelitis/chronic fatigue syndrome patients to reproduce "
        "VO2peak indicates functional impairment",
        [KELLER],
    ),
    (
        "title with German sharp s for the Greek beta",
        "Antibodies to ß adrenergic and muscarinic cholinergic receptors in patients with "
        "chronic fatigue syndrome",
        [LOEBEL],
    ),
    (
        "title with superscript isotope written plainly",
        "Neuroinflammation in patients with chronic fatigue syndrome/myalgic encephalomyelitis: "
        "an 11C-(R)-PK11195 PET study",
        [NAKATOMI],
    ),
    (
        "title with unicode dashes and quotes",
        "“B‐Lymphocyte Depletion in Patients With Myalgic Encephalomyelitis/Chronic Fatigue "
        "Syndrome: A Randomized, Double‐Blind, Placebo‐Controlled Trial”",
        [FLUGE],
    ),
    (
        "title with two typos",
        "B-Lymphocyte Depletion in Patients With Myalgic Encephalomyelitis/Chronic Fatigue "
        "Syndrome: A Randomised, Doubel-Blind, Placebo-Controlled Trial",
        [FLUGE],
    ),
    (
        "truncated title with ellipsis",
        "Deep phenotyping of post-infectious myalgic encephalomyelitis… was the NIH one",
        [WALITT],
    ),
    (
        "truncated long title",
        "I keep coming back to 'Sleep structure and sleepiness in chronic fatigue syndrome "
        "with or without...' from 2008",
        [TOGO],
    ),
    (
        "short title quoted",
        'The classic is "Metabolic features of chronic fatigue syndrome" from 2016.',
        [NAVIAUX],
    ),
    (
        "short title on its own line",
        "Reading list:\nME/CFS and Post-Exertional Malaise among Patients with Long COVID\nand more",
        [JASON],
    ),
    (
        "short title after 'read', followed by its author",
        "I read Metabolic features of chronic fatigue syndrome by Naviaux last week",
        [NAVIAUX],
    ),
    (
        "short title as a numbered list item",
        "My reading list:\n1. Metabolic features of chronic fatigue syndrome\n2. nothing else yet",
        [NAVIAUX],
    ),
    (
        "short title capitalised mid-sentence",
        "we discussed ME/CFS and Post-Exertional Malaise among Patients with Long COVID in the group",
        [JASON],
    ),
    (
        "title with the combined name written the other way round",
        "Neuroinflammation in patients with ME/CFS: an 11C-(R)-PK11195 PET study",
        [NAKATOMI],
    ),
    (
        "short title followed by its citation",
        "Metabolic features of chronic fatigue syndrome (Naviaux et al. 2016) started it all",
        [NAVIAUX],
    ),
    (
        "title split over lines in an email",
        "Deep phenotyping of post-infectious myalgic\nencephalomyelitis/chronic fatigue\nsyndrome",
        [WALITT],
    ),
    (
        "title retyped without an article and with an ampersand",
        "Comparison of adaptive pacing therapy, cognitive behaviour therapy, graded exercise "
        "therapy & specialist medical care for chronic fatigue syndrome (PACE): randomised trial",
        [PACE],
    ),
    (
        "typo inside the spelled-out disease name",
        '"Deep phenotyping of post-infectious myalgic encephalomyelitis/chronic fatigue syndrme"',
        [WALITT],
    ),
    (
        "short title followed by its journal",
        "Metabolic features of chronic fatigue syndrome Proceedings of the National Academy of "
        "Sciences 2016",
        [NAVIAUX],
    ),
    (
        "truncation marked by an ellipsis after closing punctuation",
        "Has anyone read The Prospects of the Two-Day Cardiopulmonary Exercise Test (CPET) in "
        "ME/CFS Patients:... ?",
        [LIM],
    ),
    (
        "title buried in a long rambling post",
        "So I have been meaning to write this up for a while. Three years in, mostly "
        "housebound, some good days. My cardiologist finally agreed to a tilt test after I "
        "showed him the numbers from my watch. Anyway, what I actually wanted to ask: the "
        "review called Brain-regional characteristics and neuroinflammation in ME/CFS "
        "patients from neuroimaging: a systematic review and meta-analysis came up in my "
        "support group and nobody could tell me whether it changes anything for treatment. "
        "Thoughts? Also, pacing tips welcome, I keep overdoing it on the good days.",
        [LEE],
    ),
    (
        "title and DOI of the same study count once",
        "Comparison of adaptive pacing therapy, cognitive behaviour therapy, graded exercise "
        "therapy, and specialist medical care for chronic fatigue syndrome (PACE): a "
        "randomised trial, doi:10.1016/S0140-6736(11)60096-2",
        [PACE],
    ),
    (
        "title inside a markdown link to a news site",
        "[Distinct plasma immune signatures in ME/CFS are present early in the course of "
        "illness](https://www.example-news.com/story/123)",
        [HORNIG],
    ),
]

AUTHOR_YEAR_POSTS = [
    ("et al with year", "Lee et al. 2024 pooled the neuroimaging studies.", [LEE]),
    ("three named authors", "Lee, Sato & Son (2024) found neuroinflammation signals.", [LEE]),
    ("the NIH study", "the Walitt 2024 NIH study was small but thorough", [WALITT]),
    ("year first", "the 2019 Fluge trial was negative", [FLUGE]),
    ("study by", "The 2024 NIH study by Walitt was awful on effort preference", [WALITT]),
    ("meta-analysis from", "The 2024 meta-analysis from Lee et al. pooled imaging work", [LEE]),
    ("possessive", "Naviaux's 2016 paper on metabolomics", [NAVIAUX]),
    ("study noun before year", "the Walitt study (2024) got a lot of press", [WALITT]),
    ("initials in the citation", "White PD, et al. (2011) — the PACE trial", [PACE]),
    (
        "Vancouver style with co-authors",
        "Walitt B, Singh K, LaMunion SR, et al. 2024 — yes that one",
        [WALITT],
    ),
    ("journal between et al and year", "Lim et al., J Clin Med 2020", [LIM]),
    ("parenthesised year", "as Keller (2014) showed with two-day CPET", [KELLER]),
    ("two authors with and", "Jason and Dorri 2022 surveyed long COVID patients", [JASON]),
    ("accented first author in atlas", "Fluge et al (2019) randomised 151 patients", [FLUGE]),
    (
        "several in one post, in order",
        "Compare Nakatomi et al. 2014 with Lee et al. 2024 and then White et al. 2011.",
        [NAKATOMI, LEE, PACE],
    ),
]

NOTHING_POSTS = [
    (
        "symptom chat",
        "Crashed hard after the wedding. Three days in bed with the curtains shut. "
        "Pacing is hard when everyone expects you to be fine.",
    ),
    (
        "vague study talk",
        "A study found ME patients have smaller brains or something? Some researchers said "
        "it's all in the mitochondria. I read a paper about it once.",
    ),
    (
        "topic words of a title without the title",
        "Deep phenotyping sounds fancy but I just want someone to look at my muscle "
        "abnormalities after exercise, post-exertional malaise is the worst.",
    ),
    (
        "short title words in a sentence",
        "We talked about the metabolic features of chronic fatigue syndrome at the meetup.",
    ),
    (
        "start of a title used as a sentence",
        "ME/CFS and post-exertional malaise go together, that is why people ask about pacing.",
    ),
    (
        "start of a title lower case mid-sentence",
        "distinct plasma immune signatures are what we need",
    ),
    (
        "author name and year that fit no entry",
        "Lee 2019 was the year I got sick; Smith et al. 2020 is not in the atlas anyway.",
    ),
    (
        "co-author who is not on the paper",
        "Lee, Sato & Walitt (2024) is not a real author list",
    ),
    ("first author with wrong year", "Walitt et al. 2019 did not happen"),
    ("co-author cited as first author", "Singh et al. 2024 is not how anyone cites it"),
    (
        "version numbers dosages dates",
        "App v10.2.1, 4.5mg LDN since 10.03.2023, ratio 10.5/2, call 0800 555 0199.",
    ),
    (
        "forum and social links naming a study",
        "https://www.s4me.info/threads/deep-phenotyping-of-post-infectious-myalgic-"
        "encephalomyelitis-chronic-fatigue-syndrome-2024-walitt-et-al.37120/ and "
        "https://www.reddit.com/r/cfs/comments/1b2c3d/nih_study_walitt_2024/",
    ),
    (
        "blog and news links about a study",
        "https://www.healthrising.org/blog/2024/02/22/nih-intramural-study-chronic-fatigue/ and "
        "https://www.bbc.co.uk/news/health-68376491",
    ),
    ("doi as a word", "doi: not sure what that means, I doi not know"),
    ("bare number", "It took 38383456 tries to get a GP appointment"),
    ("month and year", "Since March 2020 I've been housebound, worse in May 2024."),
]


def _cases(table: list[tuple[str, str, list[str]]]) -> list[object]:
    return [pytest.param(text, expected, id=name) for name, text, expected in table]


@pytest.mark.parametrize(("text", "expected"), _cases(IDENTIFIER_POSTS))
def test_identifiers_resolve_through_the_atlas(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(TITLE_POSTS))
def test_titles_are_found_exactly_or_nearly(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(AUTHOR_YEAR_POSTS))
def test_author_year_citations_fitting_one_entry_match(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [pytest.param(t, id=n) for n, t in NOTHING_POSTS])
def test_posts_citing_nothing_in_the_atlas_match_nothing(text: str) -> None:
    assert found(text) == []


def test_unmatched_reference_carries_its_normalised_identifier() -> None:
    (match,) = sample_index().match("see https://doi.org/10.1186/S12967-023-04179-2.")
    assert match.entry is None
    assert (match.doi, match.pmid, match.pmcid) == ("10.1186/s12967-023-04179-2", None, None)
    assert match.reference.kind is RefKind.DOI


def test_matched_study_carries_the_entry_identifiers() -> None:
    (match,) = sample_index().match("PMC10881493")
    assert match.atlas_id == WALITT
    assert (match.doi, match.pmid, match.pmcid) == (
        "10.1038/s41467-024-45107-3",
        "38383456",
        "PMC10881493",
    )
    assert (match.score, match.rule) == (100.0, "pmcid")


def test_title_match_reports_score_rule_and_span() -> None:
    text = "Read: Distinct plasma immune signatures in ME/CFS are present early in the course of illness!"
    (match,) = sample_index().match(text)
    assert match.reference.kind is RefKind.TITLE
    assert match.rule == "title"
    assert match.score >= 95
    assert text[match.reference.start : match.reference.end] == match.reference.text
    assert match.reference.text.startswith("Distinct")
    assert match.reference.text.endswith("illness")


def _with_second_lee() -> AtlasIndex:
    second = AtlasEntry(
        id="lee-2024-gut-microbiome",
        title="Gut microbiome dysbiosis and short-chain fatty acids in ME/CFS: a cohort study",
        authors=["Lee, Min-Ho", "Park, Soo"],
        year=2024,
        doi="10.1000/gut.2024.1",
    )
    return AtlasIndex.build([*sample_entries(), second])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Lee et al. 2024 is all I remember", [], id="two-candidates-no-words"),
        pytest.param(
            "Lee et al. 2024 on neuroinflammation and neuroimaging",
            [LEE],
            id="title-words-pick-one",
        ),
        pytest.param(
            "Lee et al. 2024 looked at the gut microbiome dysbiosis",
            ["lee-2024-gut-microbiome"],
            id="title-words-pick-the-other",
        ),
        pytest.param("Lee, Sato & Son (2024)", [LEE], id="co-authors-pick-one"),
    ],
)
def test_author_year_with_several_candidates_needs_evidence(text: str, expected: list[str]) -> None:
    assert found(text, _with_second_lee()) == expected


def test_preprint_doi_alias_resolves_to_the_published_entry() -> None:
    preprint = "10.1101/2020.10.01.20000001"  # an invented medRxiv DOI
    index = AtlasIndex.build(sample_entries(), aliases=[("doi", preprint, LIM)])
    text = f"The preprint was https://www.medrxiv.org/content/{preprint}v2.full.pdf, now published."
    assert found(text, index) == [LIM]


def test_preprint_and_published_doi_in_one_post_count_once() -> None:
    preprint = "10.1101/2020.10.01.20000001"  # an invented medRxiv DOI
    index = AtlasIndex.build(sample_entries(), aliases=[("doi", preprint, LIM)])
    text = f"preprint {preprint}v1, published as 10.3390/jcm9124040"
    assert found(text, index) == [LIM]


def test_alias_pointing_at_a_missing_entry_is_ignored() -> None:
    index = AtlasIndex.build(sample_entries(), aliases=[("pmid", "11111111", "no-such-entry")])
    assert found("PMID: 11111111", index) == ["pmid:11111111"]


def test_two_titles_in_one_post_come_in_order() -> None:
    text = (
        "First 'ME/CFS and Post-Exertional Malaise among Patients with Long COVID' and then "
        "'Deep phenotyping of post-infectious myalgic encephalomyelitis/chronic fatigue syndrome'"
    )
    assert found(text) == [JASON, WALITT]


def test_get_and_len() -> None:
    index = sample_index()
    assert len(index) == 12
    entry = index.get(WALITT)
    assert entry is not None
    assert entry.year == 2024
    assert index.get("no-such-slug") is None


def test_settings_can_turn_author_year_off() -> None:
    index = AtlasIndex.build(sample_entries(), settings=LinkerSettings(author_year=False))
    assert found("Lee et al. 2024", index) == []


def _entry(slug: str, title: str) -> AtlasEntry:
    return AtlasEntry(id=slug, title=title, authors=["Doe, J."], year=2020)


def test_a_title_differing_by_a_content_word_is_not_taken() -> None:
    index = AtlasIndex.build(
        [
            _entry(
                "doe-2020-elevated",
                "Elevated exercise capacity and tryptophan metabolism in postural orthostatic "
                "tachycardia syndrome measured by two-day cardiopulmonary exercise testing",
            )
        ]
    )
    text = (
        '"Sex differences in exercise capacity and tryptophan metabolism in postural orthostatic '
        'tachycardia syndrome measured by two-day cardiopulmonary exercise testing"'
    )
    assert found(text, index) == []


def test_two_entries_with_one_title_give_no_title_match() -> None:
    title = "Gut microbiome dysbiosis and short-chain fatty acids in a Norwegian ME/CFS cohort"
    close = "Gut microbiome dysbiosis and fatty acids in a Norwegian ME/CFS cohort"
    index = AtlasIndex.build(
        [
            _entry("doe-2020-gut-a", title),
            _entry("doe-2020-gut-b", title),
            _entry("doe-2020-c", close),
        ]
    )
    assert found(f'"{title}"', index) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Fluge Ø, et al. Ann Intern Med. 2019. doi:10.7326/M18-1451. PMID: 30934066",
            [(FLUGE, "10.7326/m18-1451", "30934066", None)],
            id="citation-line-of-an-atlas-study",
        ),
        pytest.param(
            "doi:10.1000/abc. PMID: 12345678. PMCID: PMC7654321",
            [(None, "10.1000/abc", "12345678", "PMC7654321")],
            id="citation-line-of-a-missing-study",
        ),
        pytest.param(
            "https://doi.org/10.1000/abc (PMID 11112222)",
            [(None, "10.1000/abc", "11112222", None)],
            id="link-then-pmid",
        ),
        pytest.param(
            "doi:10.7326/M18-1451, free full text: PMC1234567",
            [(FLUGE, "10.7326/m18-1451", "30934066", None)],
            id="atlas-entry-without-pmcid-absorbs-it",
        ),
        pytest.param(
            "doi: 10.1000/abc; PMID: 30934066",
            [(None, "10.1000/abc", None, None), (FLUGE, "10.7326/m18-1451", "30934066", None)],
            id="conflicting-doi-stays-apart",
        ),
        pytest.param(
            "PMID: 12345678\n\nand separately 10.1000/abc",
            [(None, None, "12345678", None), (None, "10.1000/abc", None, None)],
            id="far-apart-stay-apart",
        ),
        pytest.param(
            "PMID: 38016575, PMID: 30934066",
            [
                (LEE, "10.1016/j.autrev.2023.103484", "38016575", None),
                (FLUGE, "10.7326/m18-1451", "30934066", None),
            ],
            id="same-kind-is-a-list",
        ),
    ],
)
def test_identifiers_side_by_side_are_one_study(
    text: str, expected: list[tuple[str | None, str | None, str | None, str | None]]
) -> None:
    matches = sample_index().match(text)
    assert [(m.atlas_id, m.doi, m.pmid, m.pmcid) for m in matches] == expected


def test_title_made_only_of_common_phrases_is_still_found() -> None:
    # 1,080 titles built from the same phrases: every 3-word shingle is shared by dozens.
    topics = ["platelet activation", "gut microbiome", "brain lactate", "sleep", "cytokines", "HRV"]
    groups = ["fibromyalgia", "ME/CFS", "long COVID", "POTS", "Gulf War illness", "MS"]
    methods = [f"assay {number}" for number in range(30)]
    entries = [
        _entry(f"doe-2020-{n}", f"Reduced lactate metabolism and {t} in {g} measured by {m}")
        for n, (t, g, m) in enumerate((t, g, m) for t in topics for g in groups for m in methods)
    ]
    index = AtlasIndex.build(entries)
    wanted = entries[500]
    assert found(f'Did you see "{wanted.title}"? Interesting.', index) == [wanted.id]


def test_author_year_with_very_many_candidates_is_never_guessed() -> None:
    entries = [
        AtlasEntry(
            id=f"wang-2021-topic-{n}",
            title=f"Topic {n} word{n} in a cohort of patients",
            authors=["Wang, Li"],
            year=2021,
        )
        for n in range(20)
    ]
    index = AtlasIndex.build(entries)
    assert found("Wang et al. 2021 on topic word7 again", index) == []


def test_title_words_shared_by_the_rivals_do_not_decide() -> None:
    shared = "Gut microbiome dysbiosis in ME/CFS"
    entries = [
        AtlasEntry(id="lee-2024-a", title=f"{shared}: metagenomics", authors=["Lee, A"], year=2024),
        AtlasEntry(id="lee-2024-b", title=f"{shared}: metabolomics", authors=["Lee, B"], year=2024),
    ]
    index = AtlasIndex.build(entries)
    assert found("Lee et al. 2024 looked at gut microbiome dysbiosis", index) == []
    assert found("Lee et al. 2024, the metabolomics one", index) == ["lee-2024-b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Walitt et al. 2024 (doi:10.1000/other)",
            ["doi:10.1000/other"],
            id="doi-after-says-other",
        ),
        pytest.param(
            "doi:10.1000/other (Walitt et al. 2024)",
            ["doi:10.1000/other"],
            id="doi-before-says-other",
        ),
        pytest.param("Walitt et al. 2024 (PMID 30934066)", [FLUGE], id="pmid-of-another-entry"),
        pytest.param(
            "Walitt et al. 2024 (doi:10.1038/s41467-024-45107-3)", [WALITT], id="doi-agrees"
        ),
        pytest.param(
            "Walitt et al. 2024 is great. Also see 10.1000/other",
            [WALITT, "doi:10.1000/other"],
            id="doi-elsewhere-says-nothing",
        ),
    ],
)
def test_an_identifier_beside_a_citation_decides_which_study_it_is(
    text: str, expected: list[str]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("alias", "post"),
    [
        pytest.param(("doi", "https://doi.org/10.1000/OLD.1", LIM), "10.1000/old.1", id="doi-url"),
        pytest.param(("pmid", "PMID: 0011112222", LIM), "PMID 11112222", id="pmid-label"),
        pytest.param(("pmcid", "pmc 7654321", LIM), "PMC7654321", id="pmcid-spaced"),
        pytest.param(("slug", "Lim-2019-Old-Slug", LIM), "lim-2019-old-slug", id="slug"),
    ],
)
def test_aliases_are_normalised_like_references(alias: tuple[str, str, str], post: str) -> None:
    index = AtlasIndex.build(sample_entries(), aliases=[alias])
    assert found(post, index) == [LIM]


def test_unknown_alias_kind_is_ignored() -> None:
    index = AtlasIndex.build(sample_entries(), aliases=[("isbn", "978-0", LIM)])
    assert len(index) == 12
