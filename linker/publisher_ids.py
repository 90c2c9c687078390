"""Publisher article paths: the DOI where it follows by rule, else the publisher's own id.

Some publishers' paths give the DOI by a fixed rule (Nature's article ids, Oxford's
electronic article ids, Elsevier PIIs of journals whose DOI is the formatted PII). Others
name the article by an id of their own that no rule turns into a DOI (most Elsevier PIIs,
MDPI's `/<ISSN>/<volume>/<issue>/<article>` paths, Oxford's numeric article ids): those come
back as a publisher id (`pii:S0092867421001234`, `mdpi:1422-0067/22/3/1234`,
`oup:brain/144/2/401/6045323`), which the atlas knows through aliases the enricher fills
from Crossref and landing pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from records.identifiers import normalize_doi, normalize_publisher_id
from records.models import RefKind

# Elsevier journals whose DOI is `10.1016/` + the formatted PII
# (`S0140673611600962` → `10.1016/S0140-6736(11)60096-2`): the Lancet family, by print ISSN.
# Other Elsevier journals (Cell, eClinicalMedicine, EBioMedicine, the Lancet Regional Health
# journals...) have `10.1016/j.<code>.<year>.<n>` DOIs that no rule derives from the PII.
PII_DOI_ISSNS = frozenset(
    {
        "0140-6736",  # The Lancet
        "1470-2045",  # Lancet Oncology
        "1473-3099",  # Lancet Infectious Diseases
        "1474-4422",  # Lancet Neurology
        "2213-2600",  # Lancet Respiratory Medicine
        "2213-8587",  # Lancet Diabetes & Endocrinology
        "2214-109X",  # Lancet Global Health
        "2215-0366",  # Lancet Psychiatry
        "2352-3018",  # Lancet HIV
        "2352-3026",  # Lancet Haematology
        "2352-4642",  # Lancet Child & Adolescent Health
        "2468-1253",  # Lancet Gastroenterology & Hepatology
        "2468-2667",  # Lancet Public Health
        "2589-7500",  # Lancet Digital Health
        "2665-9913",  # Lancet Rheumatology
        "2666-5247",  # Lancet Microbe
        "2666-7568",  # Lancet Healthy Longevity
    }
)

# An Elsevier PII, formatted or not (https://en.wikipedia.org/wiki/Publisher_Item_Identifier):
# S + ISSN (8) + year (2) + item (5) + check character.
_PII = re.compile(
    r"(?:(?<![A-Za-z0-9])|(?<=PII)|(?<=pii))S(\d{4})-?(\d{3}[\dX])\(?(\d{2})\)?(\d{5})-?([\dX])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Nature's article ids are the DOI suffix: `s41467-024-45107-3`, `nature12345`,
# and the older `<journal code>.<year>.<n>` (`mp.2016.45`) and `nn.3434`.
_NATURE_ARTICLE = re.compile(
    r"^/articles/([a-z][a-z0-9-]{1,60}(?:\.[a-z0-9]{1,10}){0,3}?)(?:\.pdf)?/?$"
)
# Nature's pre-2016 paths: `/mp/journal/v21/n11/full/mp201626a.html` is `10.1038/mp.2016.26`,
# `/nature/journal/v441/n7097/full/nature04828.html` is `10.1038/nature04828`.
_NATURE_OLD = re.compile(
    r"^/[a-z]{1,20}/journal/v\d{1,4}/n\d{1,5}/(?:full|abs|pdf)/([a-z]{1,20})(\d{4,9})a?\.(?:html|pdf)$"
)
# Oxford Academic: `/<journal>/article/<volume>/<issue>/<first page or e-locator>/<article id>`.
# When the journal numbers articles electronically (`/ve/article/5/1/vey041/5304643`,
# `/mbe/article/42/4/msaf083/8116767`) that number is the DOI suffix (`10.1093/ve/vey041`);
# a page number (`/brain/article/144/2/401/6045323`) or a bare e-locator (`e3226`) is not.
_OUP_ARTICLE = re.compile(
    r"^/([a-z][a-z0-9]{1,20})/article(?:-abstract|-pdf)?/(\d{1,4})/([\w.-]{1,20})/([\w.-]{1,20})/(\d{4,9})(?:/|$)",
    re.IGNORECASE,
)
_OUP_ELOCATOR_DOI = re.compile(r"^[a-z]{3,6}\d{2,5}$")
# `/brain/advance-article/doi/10.1093/brain/awab123/6123456`: the DOI, then the article id.
_OUP_DOI_PATH = re.compile(r"/(10\.1093/[a-z][a-z0-9]{1,20}/[a-z]{2,8}\d{1,6})(?:/|$)", re.I)
# MDPI: `/<ISSN>/<volume>/<issue>/<article>` (optionally `/htm`, `/pdf`, `/s1`).
_MDPI_ARTICLE = re.compile(
    r"^/(\d{4}-\d{3}[\dX])/(\d{1,3})/(\d{1,3})/(\d{1,6})(?:/[a-z0-9]{1,8})?/?$", re.I
)


@dataclass(frozen=True)
class PathIdentifier:
    """What a publisher path names: a DOI or a publisher id, and the rule that read it."""

    kind: RefKind
    value: str
    rule: str


def formatted_pii(pii: str) -> str | None:
    """`S0140673611600962` (or already formatted) → `S0140-6736(11)60096-2`; None if no PII."""
    match = _PII.search(pii)
    if not match:
        return None
    issn1, issn2, year, item, check = match.groups()
    return f"S{issn1}-{issn2.upper()}({year}){item}-{check.upper()}"


def pii_identifier(pii: str, rule: str) -> PathIdentifier | None:
    """The DOI of a PII whose journal follows the formatted-PII rule, else the PII itself."""
    formatted = formatted_pii(pii)
    if formatted is None:
        return None
    if formatted[1:10] in PII_DOI_ISSNS:
        doi = normalize_doi(f"10.1016/{formatted}")
        return PathIdentifier(RefKind.DOI, doi, rule) if doi else None
    value = normalize_publisher_id(f"pii:{formatted}")
    return PathIdentifier(RefKind.PUBLISHER_ID, value, rule) if value else None


def elsevier(path: str, _query: str) -> PathIdentifier | None:
    """ScienceDirect, linkinghub, thelancet.com and cell.com paths that hold a PII."""
    return pii_identifier(path, "elsevier-pii") if "pii" in path.lower() or "/S" in path else None


def nature(path: str, _query: str) -> PathIdentifier | None:
    """Nature article paths (all of which are DOI suffixes under 10.1038)."""
    match = _NATURE_ARTICLE.match(path)
    if match:
        doi = normalize_doi(f"10.1038/{match.group(1)}")
        return PathIdentifier(RefKind.DOI, doi, "nature-url") if doi else None
    match = _NATURE_OLD.match(path)
    if match:
        code, digits = match.groups()
        year = int(digits[:4])
        suffix = (
            f"{code}.{digits[:4]}.{int(digits[4:])}"
            if len(digits) >= 6 and 1997 <= year <= 2020
            else f"{code}{digits}"
        )
        doi = normalize_doi(f"10.1038/{suffix}")
        return PathIdentifier(RefKind.DOI, doi, "nature-url") if doi else None
    return None


def oup(path: str, _query: str) -> PathIdentifier | None:
    """Oxford Academic: the DOI where the path gives it, else the article id."""
    match = _OUP_DOI_PATH.search(path)
    if match:
        doi = normalize_doi(match.group(1))
        return PathIdentifier(RefKind.DOI, doi, "oup-url") if doi else None
    match = _OUP_ARTICLE.match(path)
    if not match:
        return None
    journal, volume, issue, page, article = match.groups()
    journal = journal.lower()
    if _OUP_ELOCATOR_DOI.match(page.lower()):
        doi = normalize_doi(f"10.1093/{journal}/{page.lower()}")
        return PathIdentifier(RefKind.DOI, doi, "oup-url") if doi else None
    value = normalize_publisher_id(f"oup:{journal}/{volume}/{issue}/{page}/{article}")
    return PathIdentifier(RefKind.PUBLISHER_ID, value, "oup-url") if value else None


def mdpi(path: str, _query: str) -> PathIdentifier | None:
    """MDPI article paths, named by ISSN, volume, issue and article number."""
    match = _MDPI_ARTICLE.match(path)
    if not match:
        return None
    issn, volume, issue, article = match.groups()
    value = normalize_publisher_id(f"mdpi:{issn}/{int(volume)}/{int(issue)}/{int(article)}")
    return PathIdentifier(RefKind.PUBLISHER_ID, value, "mdpi-url") if value else None


def landing_page_url(publisher_id: str) -> str | None:
    """The article page a publisher id stands for (where its `citation_doi` can be read)."""
    scheme, _, rest = publisher_id.partition(":")
    if scheme == "mdpi":
        return f"https://www.mdpi.com/{rest}"
    if scheme == "oup":
        journal, _, tail = rest.partition("/")
        return f"https://academic.oup.com/{journal}/article/{tail}"
    if scheme == "pii":
        return f"https://linkinghub.elsevier.com/retrieve/pii/{rest}"
    return None
