"""find_references: every way forum posts write identifiers, and look-alikes that are not."""

from __future__ import annotations

import pytest

from linker import find_references
from records.models import RefKind

DOI = RefKind.DOI
PMID = RefKind.PMID
PMCID = RefKind.PMCID
SLUG = RefKind.SLUG
AY = RefKind.AUTHOR_YEAR

PACE = "10.1016/s0140-6736(11)60096-2"
WALITT = "10.1038/s41467-024-45107-3"
LEE = "10.1016/j.autrev.2023.103484"


IDENTIFIER_POSTS = [
    # bare DOIs and their labels
    ("bare", f"The NIH paper is {WALITT} if anyone wants it", [(DOI, WALITT)]),
    ("doi: label", "doi:10.1016/j.autrev.2023.103484", [(DOI, LEE)]),
    ("DOI with space", "DOI 10.1016/j.autrev.2023.103484 (open access)", [(DOI, LEE)]),
    ("DOI: label upper case", "DOI: 10.1016/J.AUTREV.2023.103484", [(DOI, LEE)]),
    ("doi.org link", f"full text: https://doi.org/{WALITT}", [(DOI, WALITT)]),
    ("dx.doi.org link", f"http://dx.doi.org/{WALITT} <- here", [(DOI, WALITT)]),
    ("doi.org without scheme", f"try doi.org/{WALITT}.", [(DOI, WALITT)]),
    ("URL-encoded slash", "https://doi.org/10.1016%2Fj.autrev.2023.103484", [(DOI, LEE)]),
    ("balanced parentheses kept", f"PACE: {PACE.upper()} is the one", [(DOI, PACE)]),
    ("closing paren of prose trimmed", f"(see doi:{PACE})", [(DOI, PACE)]),
    ("full stop trimmed", f"The trial was {PACE}.", [(DOI, PACE)]),
    ("comma and semicolon trimmed", f"{LEE}, {WALITT}; both good", [(DOI, LEE), (DOI, WALITT)]),
    ("question mark trimmed", f"Has anyone read {LEE}?", [(DOI, LEE)]),
    ("closing quote trimmed", f'He cited "{LEE}" twice', [(DOI, LEE)]),
    ("curly quotes trimmed", f"She cited “{LEE}” in the thread", [(DOI, LEE)]),
    ("markdown emphasis trimmed", f"**{LEE}**", [(DOI, LEE)]),
    (
        "SICI DOI with angle brackets and semicolon",
        "old one: 10.1002/(SICI)1097-4636(199706)35:4<477::AID-JBM8>3.0.CO;2-C",
        [(DOI, "10.1002/(sici)1097-4636(199706)35:4<477::aid-jbm8>3.0.co;2-c")],
    ),
    ("square brackets inside a DOI", "10.1000/abc[12]def end", [(DOI, "10.1000/abc[12]def")]),
    # Markdown, Discord and Reddit wrappings
    ("markdown link", f"[the PACE trial](https://doi.org/{PACE})", [(DOI, PACE)]),
    ("markdown link text is a DOI", f"[{LEE}](https://doi.org/{LEE})", [(DOI, LEE), (DOI, LEE)]),
    ("discord angle brackets", f"<https://doi.org/{WALITT}>", [(DOI, WALITT)]),
    ("discord brackets bare DOI", f"<{WALITT}>", [(DOI, WALITT)]),
    ("reddit escaped parentheses", r"10.1016/S0140-6736\(11\)60096-2", [(DOI, PACE)]),
    ("reddit escaped underscore", r"10.1000/abc\_def", [(DOI, "10.1000/abc_def")]),
    ("zero-width space inside", "10.1038/s41467\u200b-024-45107-3", [(DOI, WALITT)]),
    ("soft hyphen inside", "10.1016/j.autrev\u00ad.2023.103484", [(DOI, LEE)]),
    ("hyphens changed by a PDF copy", f"doi {WALITT.replace('-', '‐')} ok", [(DOI, WALITT)]),
    ("HTML line break after", f"{LEE}<br/>next line", [(DOI, LEE)]),
    ("HTML escaped quote after", f"&quot;{LEE}&quot;", [(DOI, LEE)]),
    (
        "HTML anchor",
        f'<a href="https://doi.org/{LEE}">{LEE}</a>',
        [(DOI, LEE), (DOI, LEE)],
    ),
    ("split after hyphen", "doi 10.1038/s41467-\n024-45107-3 thanks", [(DOI, WALITT)]),
    ("split after slash", "DOI: 10.1016/\nj.autrev.2023.103484", [(DOI, LEE)]),
    ("split after dot, digits follow", "10.1016/j.autrev.\n2023.103484", [(DOI, LEE)]),
    # publisher pages that carry a DOI
    (
        "Wiley full",
        "https://onlinelibrary.wiley.com/doi/full/10.1111/joim.13456",
        [(DOI, "10.1111/joim.13456")],
    ),
    (
        "Taylor & Francis abs with query",
        "https://www.tandfonline.com/doi/abs/10.1080/21641846.2021.1905415?journalCode=rftg20",
        [(DOI, "10.1080/21641846.2021.1905415")],
    ),
    (
        "SAGE epdf",
        "https://journals.sagepub.com/doi/epdf/10.1177/1359105317707215",
        [(DOI, "10.1177/1359105317707215")],
    ),
    (
        "JAMA doi path",
        "https://jamanetwork.com/journals/jama/fullarticle/10.1001/jama.2023.8823",
        [(DOI, "10.1001/jama.2023.8823")],
    ),
    (
        "PNAS doi path",
        "https://www.pnas.org/doi/10.1073/pnas.1607571113",
        [(DOI, "10.1073/pnas.1607571113")],
    ),
    (
        "ASM pdf",
        "https://journals.asm.org/doi/pdf/10.1128/mbio.00347-21",
        [(DOI, "10.1128/mbio.00347-21")],
    ),
    (
        "PLOS id parameter",
        "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0211456",
        [(DOI, "10.1371/journal.pone.0211456")],
    ),
    (
        "PLOS encoded id",
        "https://journals.plos.org/plosone/article?id=10.1371%2Fjournal.pone.0211456&type=printable",
        [(DOI, "10.1371/journal.pone.0211456")],
    ),
    (
        "Frontiers full",
        "https://www.frontiersin.org/articles/10.3389/fmed.2023.1187163/full",
        [(DOI, "10.3389/fmed.2023.1187163")],
    ),
    (
        "bioRxiv version and pdf",
        "https://www.biorxiv.org/content/10.1101/2023.02.14.528404v2.full.pdf",
        [(DOI, "10.1101/2023.02.14.528404")],
    ),
    (
        "medRxiv full-text",
        "https://www.medrxiv.org/content/10.1101/2022.08.03.22278363v1.full-text",
        [(DOI, "10.1101/2022.08.03.22278363")],
    ),
    (
        "bare bioRxiv DOI with version",
        "preprint 10.1101/2023.02.14.528404v3 is out",
        [(DOI, "10.1101/2023.02.14.528404")],
    ),
    (
        "BMC article",
        "https://translational-medicine.biomedcentral.com/articles/10.1186/1479-5876-12-104",
        [(DOI, "10.1186/1479-5876-12-104")],
    ),
    (
        "Springer article",
        "https://link.springer.com/article/10.1007/s00415-021-10486-5",
        [(DOI, "10.1007/s00415-021-10486-5")],
    ),
    ("Nature article", "https://www.nature.com/articles/s41467-024-45107-3", [(DOI, WALITT)]),
    ("BMJ article", "https://www.bmj.com/content/373/bmj.n1098", [(DOI, "10.1136/bmj.n1098")]),
    ("eLife article", "https://elifesciences.org/articles/81246", [(DOI, "10.7554/elife.81246")]),
    ("PeerJ article", "https://peerj.com/articles/1234/", [(DOI, "10.7717/peerj.1234")]),
    (
        "JCI Insight article",
        "https://insight.jci.org/articles/view/150377",
        [(DOI, "10.1172/jci.insight.150377")],
    ),
    ("Nature pdf", "https://www.nature.com/articles/s41467-024-45107-3.pdf", [(DOI, WALITT)]),
    (
        "Lancet PII",
        "https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(11)60096-2/fulltext",
        [(DOI, PACE)],
    ),
    # redirect wrappers
    (
        "Outlook safelinks",
        "https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdoi.org%2F10.1038%2Fs41467-024-45107-3&data=05%7C02%7C&sdata=abc&reserved=0",
        [(DOI, WALITT)],
    ),
    (
        "Google redirect",
        "https://www.google.com/url?sa=t&source=web&url=https://pubmed.ncbi.nlm.nih.gov/38383456/&usg=AOv",
        [(PMID, "38383456")],
    ),
    (
        "Google redirect with HTML-escaped ampersands",
        "https://www.google.com/url?sa=t&amp;source=web&amp;url=https://pubmed.ncbi.nlm.nih.gov/38383456/",
        [(PMID, "38383456")],
    ),
    (
        "Google q redirect",
        "https://www.google.com/url?q=https%3A%2F%2Fwww.ncbi.nlm.nih.gov%2Fpmc%2Farticles%2FPMC10881493%2F",
        [(PMCID, "PMC10881493")],
    ),
    # PubMed and PMC
    ("PubMed link", "https://pubmed.ncbi.nlm.nih.gov/38383456/", [(PMID, "38383456")]),
    ("old PubMed link", "http://www.ncbi.nlm.nih.gov/pubmed/21334061", [(PMID, "21334061")]),
    (
        "PubMed term search",
        "https://www.ncbi.nlm.nih.gov/pubmed/?term=21334061",
        [(PMID, "21334061")],
    ),
    ("PMID colon", "PMID: 38016575", [(PMID, "38016575")]),
    ("PMID no colon", "(PMID 38016575)", [(PMID, "38016575")]),
    ("PMID glued", "PMID:38016575.", [(PMID, "38016575")]),
    ("PubMed ID label", "PubMed ID 24755065", [(PMID, "24755065")]),
    ("pmid lower case", "pmid 24755065", [(PMID, "24755065")]),
    (
        "PMIDs list",
        "PMIDs: 38016575, 38383456 and 21334061",
        [(PMID, "38016575"), (PMID, "38383456"), (PMID, "21334061")],
    ),
    (
        "PMIDs separated by spaces",
        "PMID 38016575 38383456",
        [(PMID, "38016575"), (PMID, "38383456")],
    ),
    ("PMID then a small number", "PMID 38016575 12 patients", [(PMID, "38016575")]),
    ("Europe PMC MED article", "https://europepmc.org/article/MED/38016575", [(PMID, "38016575")]),
    (
        "Europe PMC MED abstract",
        "https://europepmc.org/abstract/MED/24755065",
        [(PMID, "24755065")],
    ),
    (
        "Europe PMC PMC article",
        "https://europepmc.org/article/PMC/PMC3065633",
        [(PMCID, "PMC3065633")],
    ),
    ("Europe PMC articles", "https://europepmc.org/articles/PMC3065633", [(PMCID, "PMC3065633")]),
    ("PMCID bare", "Free version: PMC10881493", [(PMCID, "PMC10881493")]),
    ("PMCID label", "PMCID: PMC4004422", [(PMCID, "PMC4004422")]),
    ("PMCID digits only", "PMCID 4004422", [(PMCID, "PMC4004422")]),
    ("PMC with a space", "PMC 10881493", [(PMCID, "PMC10881493")]),
    ("old short PMCID with its label", "PMCID: PMC1234", [(PMCID, "PMC1234")]),
    (
        "new PMC link",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC10881493/",
        [(PMCID, "PMC10881493")],
    ),
    (
        "old PMC link",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3065633/",
        [(PMCID, "PMC3065633")],
    ),
    # the atlas itself
    (
        "atlas link",
        "https://www.mecfsatlas.com/evidence/lee-2024-brain-regional",
        [(SLUG, "lee-2024-brain-regional")],
    ),
    (
        "mirror atlas link with slash",
        "cfsmeatlas.com/evidence/walitt-2024-deep-phenotyping/ has the summary",
        [(SLUG, "walitt-2024-deep-phenotyping")],
    ),
    # author-year, strong forms
    ("et al", "Lee et al. 2024 pooled the imaging studies", [(AY, "lee 2024")]),
    ("et al parenthesised year", "as Walitt et al. (2024) reported", [(AY, "walitt 2024")]),
    ("et al comma", "(Fluge et al., 2019)", [(AY, "fluge 2019")]),
    ("three names", "Lee, Sato & Son (2024) reviewed it", [(AY, "lee sato son 2024")]),
    (
        "two names with and",
        "Wirth and Scheibenbogen 2020 proposed this",
        [(AY, "wirth scheibenbogen 2020")],
    ),
    ("particle surname", "van der Meer et al. 2021 disagreed", [(AY, "van der meer 2021")]),
    ("accented surname", "Müller et al. 2022 saw it too", [(AY, "muller 2022")]),
    ("initials without dots", "Walitt B, et al. (2024) Nat Commun", [(AY, "walitt 2024")]),
    ("two initials", "White PD et al. 2011 is PACE", [(AY, "white 2011")]),
    ("lower-case name before et al", "lee et al 2024 on my phone", [(AY, "lee 2024")]),
    ("possessive et al", "Fluge et al.'s 2019 trial", [(AY, "fluge 2019")]),
    (
        "Vancouver names before et al",
        "Walitt B, Singh K, LaMunion SR, et al. 2024",
        [(AY, "walitt singh lamunion 2024")],
    ),
    ("initials after a comma", "Walitt, B., et al. (2024)", [(AY, "walitt 2024")]),
    ("journal before the year", "Walitt et al., Nat Commun 2024", [(AY, "walitt 2024")]),
    (
        "APA three authors",
        "Lee, J.-S., Sato, W., & Son, C.-G. (2024).",
        [(AY, "lee sato son 2024")],
    ),
    (
        "APA two authors",
        "Wirth, K., & Scheibenbogen, C. (2020)",
        [(AY, "wirth scheibenbogen 2020")],
    ),
    ("APA et al", "Lee, J.-S., et al. (2024)", [(AY, "lee 2024")]),
    ("PubMed label without colon", "PubMed 38383456", [(PMID, "38383456")]),
    # more page shapes
    (
        "bare DOI pasted with page suffix",
        "10.3389/fmed.2023.1187163/full",
        [(DOI, "10.3389/fmed.2023.1187163")],
    ),
    (
        "old bioRxiv page path",
        "https://www.biorxiv.org/content/biorxiv/early/2023/02/14/2023.02.14.528404.full.pdf",
        [(DOI, "10.1101/2023.02.14.528404")],
    ),
    (
        "atlas link with fragment",
        "https://mecfsatlas.com/evidence/Keller-2014-Inability-Myalgic#findings",
        [(SLUG, "keller-2014-inability-myalgic")],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in IDENTIFIER_POSTS],
)
def test_finds_each_written_form(text: str, expected: list[tuple[RefKind, str]]) -> None:
    assert [(r.kind, r.value) for r in find_references(text)] == expected


TRAPS = [
    ("version number", "Updated to version 10.2.1 and then 10.12.3/beta last night"),
    ("IP address", "My router is at 10.0.0.1/24 and the NAS at 192.168.10.1234"),
    ("dosage", "I take 10.5mg/day of LDN, up from 10.25 mg/kg"),
    ("date", "Appointment on 10.12.2024, then 2024/10/12 and 10/12/2024"),
    ("ratio", "the ratio was 10.5/3.2 and about 10.1234/5678 in the other group"),
    ("phone number", "Call 0800 123 4567 or +44 20 7946 0958 for the helpline"),
    ("doi as a word", "I doi not know, ha. DOI is how you cite things I think"),
    ("Doi as a surname", "Professor Doi gave a talk; Doi 2019 was about something else"),
    ("bare number is not a PMID", "I've had this for 38016575 seconds, roughly 38383456 too"),
    ("PMC without digits", "PMC is the NIH archive; pmc-like sites exist"),
    ("PMC and a year", "See you at PMC 2019 and PMC2020 events"),
    ("blog URL", "https://www.healthrising.org/blog/2024/02/21/nih-intramural-study-me-cfs/"),
    (
        "forum thread URL with a title in it",
        "https://www.s4me.info/threads/deep-phenotyping-of-post-infectious-myalgic-encephalomyelitis-chronic-fatigue-syndrome-2024-walitt-et-al.37120/",
    ),
    (
        "social media URLs",
        "https://twitter.com/someone/status/1760000000000000000 https://www.reddit.com/r/cfs/comments/1b2c3d/nih_study_walitt_2024/",
    ),
    ("ISBN ISSN arXiv", "ISBN 978-0-12-345678-9, ISSN 1568-9972, arXiv:2301.01234"),
    ("lab values", "lactate 10.1 mg/dL, p = 0.0001, n = 2024, CI 10.2–10.8, BP 110/70"),
    ("BMJ journal page without a DOI", "https://bmjopen.bmj.com/content/13/5/e070000"),
    ("news URL", "https://www.theguardian.com/society/2024/feb/21/chronic-fatigue-syndrome-study"),
    ("PubMed search URL", "https://pubmed.ncbi.nlm.nih.gov/?term=chronic+fatigue+syndrome"),
    ("atlas home page", "https://www.mecfsatlas.com/ and https://www.mecfsatlas.com/about"),
    ("vague study", "A study found that pacing helps. Studies show lots of things, right?"),
    ("year alone", "Back in 2019 I was still working; by 2021 I was bedbound."),
    ("month and year", "In May 2024 the clinic closed, and since March 2020 nothing."),
    ("acronym and year", "The NICE 2021 guideline and the PACE 2011 mess"),
    ("doi with no suffix", "10.1016/ and 10.1038/ are publisher prefixes"),
    ("PubMed and a year", "PubMed 2024 search tips, pubmed 1999"),
    ("link shortened for display", "see https://doi.org/10.1038/s414… for details"),
    ("DOI shortened for display", "doi 10.1038/s41467-02… (cut off)"),
    ("et al without a year", "Lee et al. found brain changes; Walitt et al were thorough"),
]


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in TRAPS])
def test_look_alikes_give_nothing(text: str) -> None:
    assert find_references(text) == []


@pytest.mark.parametrize(
    ("text", "expected_text"),
    [
        pytest.param("I read it, Lee et al. 2024 yes", "Lee et al. 2024", id="word-before-et-al"),
        pytest.param(
            "So, Lee, Sato & Son (2024) said", "Lee, Sato & Son (2024)", id="word-in-list"
        ),
    ],
)
def test_author_year_span_starts_at_the_first_author(text: str, expected_text: str) -> None:
    (reference,) = find_references(text)
    assert reference.text == expected_text


@pytest.mark.parametrize(
    ("text", "expected_text"),
    [
        pytest.param(
            "See doi:10.1016/S0140-6736(11)60096-2).", "10.1016/S0140-6736(11)60096-2", id="bare"
        ),
        pytest.param(
            "[PACE](https://doi.org/10.1016/S0140-6736(11)60096-2)",
            "https://doi.org/10.1016/S0140-6736(11)60096-2",
            id="markdown-link",
        ),
        pytest.param(
            "x 10.1038/s41467-\n024-45107-3 y", "10.1038/s41467-\n024-45107-3", id="split"
        ),
        pytest.param(
            r"x 10.1016/S0140-6736\(11\)60096-2.", r"10.1016/S0140-6736\(11\)60096-2", id="escaped"
        ),
        pytest.param(
            "a\u200b 10.1038/s41467\u200b-024-45107-3",
            "10.1038/s41467\u200b-024-45107-3",
            id="zero-width",
        ),
        pytest.param("PMID: 38016575!", "PMID: 38016575", id="pmid"),
        pytest.param("Lee et al. (2024) say", "Lee et al. (2024)", id="author-year"),
    ],
)
def test_span_is_the_text_as_written(text: str, expected_text: str) -> None:
    (reference,) = find_references(text)
    assert reference.text == expected_text
    assert text[reference.start : reference.end] == reference.text


def test_references_come_in_order_of_appearance() -> None:
    text = f"PMID: 38016575 then https://doi.org/{WALITT} then PMC3065633"
    assert [r.kind for r in find_references(text)] == [PMID, DOI, PMCID]


def test_identifier_inside_a_link_is_read_once() -> None:
    text = "https://pubmed.ncbi.nlm.nih.gov/38383456/ and https://www.ncbi.nlm.nih.gov/pmc/articles/PMC10881493/"
    assert [(r.kind, r.value) for r in find_references(text)] == [
        (PMID, "38383456"),
        (PMCID, "PMC10881493"),
    ]
