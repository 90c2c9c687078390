"""Canonical forms of study identifiers, shared by storage, matching and logging.

DOI: lower case, no `doi:` prefix or resolver URL (DOIs are case-insensitive,
https://www.doi.org/doi-handbook/HTML/case-sensitivity.html). PMID: digits without leading
zeros. PMCID: `PMC` followed by digits. Each function returns None for a value that is not
an identifier of its kind, and applying it twice changes nothing.

This module is the one home of the DOI grammar: the linker's finders build their patterns
from `DOI_PREFIX`, so whatever they find, `normalize_doi` keeps.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_DOI_PREFIX = re.compile(
    r"""^(?:
        (?:https?://)?(?:dx\.)?doi\.org/   # resolver link
        | doi\s*[:/]?\s*                     # doi: label
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A DOI prefix: `10.` + a registrant code, which may have subdivisions separated by periods
# (`10.1000.10`, https://www.doi.org/doi-handbook/HTML/doi-prefix.html). The counts are bounded
# so a hostile text cannot make a finder re-scan long runs of digits.
DOI_PREFIX = r"10\.\d{4,9}(?:\.\d{1,9}){0,3}"
_DOI_SHAPE = re.compile(rf"^{DOI_PREFIX}/\S+$")
_PMID_SHAPE = re.compile(r"^\s*(?:pmid\s*:?\s*)?0*(\d{1,9})\s*$", re.IGNORECASE)
_PMCID_SHAPE = re.compile(r"^\s*(?:pmcid\s*:?\s*)?pmc\s*(\d{1,9})\s*$", re.IGNORECASE)


def normalize_doi(value: str | None) -> str | None:
    """`https://doi.org/10.1016/J.X` → `10.1016/j.x`; None when it is no DOI."""
    if not value:
        return None
    text = value.strip()
    if "%2f" in text.lower():
        text = unquote(text)
    text = _DOI_PREFIX.sub("", text).strip().lower()
    return text if _DOI_SHAPE.match(text) else None


def normalize_pmid(value: str | int | None) -> str | None:
    """`PMID: 0038016575` → `38016575`; None when it is not a positive number."""
    if value is None:
        return None
    match = _PMID_SHAPE.match(str(value))
    if not match or int(match.group(1)) == 0:
        return None
    return str(int(match.group(1)))


def normalize_pmcid(value: str | None) -> str | None:
    """`pmc 1234567` → `PMC1234567`; None when it is no PMCID."""
    if not value:
        return None
    match = _PMCID_SHAPE.match(value)
    if not match or int(match.group(1)) == 0:
        return None
    return f"PMC{int(match.group(1))}"


# Publisher ids (see linker.publisher_ids): an Elsevier PII without its punctuation, an MDPI
# `<ISSN>/<volume>/<issue>/<article>` path, an Oxford `<journal>/<vol>/<issue>/<page>/<id>`.
_PUBLISHER_ID_SHAPES = {
    "pii": re.compile(r"^S\d{7}[\dX]\d{7}[\dX]$"),
    "mdpi": re.compile(r"^\d{4}-\d{3}[\dX](?:/[1-9]\d{0,5}){3}$"),
    "oup": re.compile(r"^[a-z][a-z0-9]{1,20}/\d{1,4}/[\w.-]{1,20}/[\w.-]{1,20}/\d{4,9}$"),
}


def normalize_publisher_id(value: str | None) -> str | None:
    """`pii:S0140-6736(11)60096-2` → `pii:S0140673611600962`; `mdpi:…`, `oup:…` as written
    canonically; None when it is no publisher id of a known scheme."""
    if not value:
        return None
    scheme, sep, rest = value.strip().partition(":")
    scheme = scheme.lower()
    shape = _PUBLISHER_ID_SHAPES.get(scheme)
    if not sep or shape is None:
        return None
    if scheme == "pii":
        rest = re.sub(r"[-()\s]", "", rest).upper()
    elif scheme == "mdpi":
        rest = rest.upper()
    else:
        journal, _, tail = rest.partition("/")
        rest = f"{journal.lower()}/{tail}"
    return f"{scheme}:{rest}" if shape.match(rest) else None
