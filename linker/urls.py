"""Study identifiers carried by a link: resolvers, publishers, PubMed, PMC, the atlas itself.

Redirect wrappers (Outlook safelinks, Google `/url?q=`, Facebook `l.php?u=`) are decoded
offline from their query string. A link whose host and path follow no known rule yields
nothing: blog and news links are not studies, even when they talk about one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from linker import publisher_ids
from records.identifiers import DOI_PREFIX, normalize_doi, normalize_pmcid, normalize_pmid
from records.models import RefKind

ATLAS_HOSTS = ("mecfsatlas.com", "cfsmeatlas.com")

# (host suffix, query parameters that hold the real target)
_WRAPPERS = (
    ("safelinks.protection.outlook.com", ("url",)),
    ("google.com", ("q", "url")),
    ("l.facebook.com", ("u",)),
    ("lm.facebook.com", ("u",)),
    ("scholar.google.com", ("url",)),
    ("out.reddit.com", ("url",)),
    ("urldefense.com", ("u",)),
)

# A DOI inside a path or query: after a `/`, `=` or `:` (https://www.doi.org/doi-handbook/HTML/).
_DOI_IN_URL = re.compile(rf"(?:(?<=[/=:])|^)({DOI_PREFIX}/[^?#&\s]{{1,300}})")

# What publishers append after the DOI in their article paths.
_PATH_SUFFIX = re.compile(
    r"""(?:
        /(?:full|abstract|abs|pdf|epdf|epub|full-?text|html|meta|summary|references|figures
           |tables|suppl(?:ementary)?(?:[-_]?(?:file|material))?|info|metrics|citedby|reader
           |figures-and-tables|article-info|download)
        | \.(?:full|abstract|pdf|full\.pdf|full-text|html|short|long|article-info
             |supplementary-material)
        | /
    )$""",
    re.VERBOSE | re.IGNORECASE,
)

# bioRxiv and medRxiv: `10.1101/2023.01.02.523456v2.full.pdf` → `10.1101/2023.01.02.523456`
# (https://www.biorxiv.org/about/FAQ: each version shares the DOI of the article).
_PREPRINT_DOI = re.compile(
    r"^(10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{6,8})(?:v\d{1,3})?(?:[./].*)?$"
)

_DATED_PREPRINT = re.compile(r"(?<![\d.])(\d{4}\.\d{2}\.\d{2}\.\d{6,8})(?![\d])")
_PUBMED_PATH = re.compile(r"^/(?:pubmed/)?(\d{1,9})/?$")
_PMC_PATH = re.compile(r"^/(?:pmc/)?articles/(PMC\d{1,9})(?:/.*)?$", re.IGNORECASE)
_EUROPEPMC_MED = re.compile(r"^/(?:article|abstract|api/fulltextRepo)/MED/(\d{1,9})", re.IGNORECASE)
_EUROPEPMC_PMC = re.compile(
    r"^/(?:(?:article|abstract)/PMC/(?:PMC)?|articles?/|pmc/articles/)(?:PMC)?(\d{1,9})",
    re.IGNORECASE,
)
_ATLAS_PATH = re.compile(r"^/evidence/([a-z0-9][a-z0-9-]{0,199})/?$", re.IGNORECASE)
# A DOI percent-encoded once or more (`10.1016%252Fj.x`): `%25` is an encoded `%`.
_ENCODED = re.compile(r"%(?:25)*(?:2[0-9a-f]|3[a-f])", re.IGNORECASE)
# A DOI with `_` for its `/`, as RePEc handles (`…i5d10.1007_s11573-020-01017-9.html`) and
# saved file names (`10.1038_s41467-024-45107-3.pdf`) write it.
_UNDERSCORE_DOI = re.compile(
    rf"(?:(?<=[/=:])|(?<=\dd)|^)({DOI_PREFIX})_([A-Za-z0-9][^/?#&\s]{{1,300}})"
)
_REPEC_ESCAPE = re.compile(r"_(3a|5f|2f)", re.IGNORECASE)
_UNDERSCORE_PAGE = re.compile(r"\.(?:html?|pdf)$", re.IGNORECASE)


@dataclass(frozen=True)
class UrlIdentifier:
    """An identifier a link carries, and the rule that read it."""

    kind: RefKind
    value: str
    rule: str


def identifiers_in_url(url: str) -> list[UrlIdentifier]:
    """Every identifier the link names, after unwrapping redirects (usually zero or one)."""
    # Reddit and HTML exports write "&" in links as "&amp;".
    target = fold_dashes(_unwrap(url.replace("&amp;", "&")))
    parts = urlsplit(target if "://" in target else f"https://{target}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = decode_percent(parts.path)
    if host == "econpapers.repec.org":
        # EconPapers escapes a handle's `:` and `_` as `_3a` and `_5f`.
        path = _REPEC_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), path)
    found = _by_host(host, path, parts.query)
    if found is not None:
        return [found] if found.value else []
    rest = f"{path}?{decode_percent(parts.query)}"
    doi = _doi_anywhere(rest)
    if doi:
        return [UrlIdentifier(RefKind.DOI, doi, "publisher-url")]
    doi = _underscore_doi(rest)
    return [UrlIdentifier(RefKind.DOI, doi, "underscore-doi")] if doi else []


def decode_percent(text: str) -> str:
    """Undo percent-encoding, however many times it was applied (`%252F` → `%2F` → `/`)."""
    for _ in range(4):
        if "%" not in text or not _ENCODED.search(text):
            break
        text = unquote(text)
    return text


def _underscore_doi(text: str) -> str | None:
    """`10.1007_s11573-020-01017-9` → `10.1007/s11573-020-01017-9` (the first `_` only: a
    DOI's suffix may hold underscores of its own)."""
    match = _UNDERSCORE_DOI.search(text)
    if not match:
        return None
    suffix = _UNDERSCORE_PAGE.sub("", match.group(2))
    if not any(ch.isalpha() for ch in suffix) and len(suffix) < 5:
        return None
    return normalize_doi(f"{match.group(1)}/{_strip_suffixes(suffix)}")


def _by_host(host: str, path: str, query: str) -> UrlIdentifier | None:
    """The identifier of a host with a fixed rule; an empty value means "nothing here"."""
    for domains, read in _HOST_RULES:
        if _host_is(host, domains):
            return read(path, query)
    for domains, rule in _PUBLISHER_RULES:
        if _host_is(host, domains):
            found = rule(path, query)
            # No rule for this path: a DOI written in it may still be found generically.
            return UrlIdentifier(found.kind, found.value, found.rule) if found else None
    for domain, pattern, template in _DOI_FROM_PATH:
        if host == domain:
            match = pattern.match(path)
            doi = normalize_doi(template.format(match.group(1))) if match else None
            if doi:
                return UrlIdentifier(RefKind.DOI, doi, "publisher-url")
    return None


def _atlas(path: str, _query: str) -> UrlIdentifier:
    match = _ATLAS_PATH.match(path)
    return UrlIdentifier(RefKind.SLUG, match.group(1).lower() if match else "", "atlas-url")


def _resolver(path: str, _query: str) -> UrlIdentifier:
    doi = normalize_doi(_strip_suffixes(path.lstrip("/")))
    return UrlIdentifier(RefKind.DOI, doi or "", "doi-url")


def _preprint(path: str, _query: str) -> UrlIdentifier:
    doi = _doi_anywhere(path)
    if doi is None:
        # Older page paths name only the dated number: /content/biorxiv/early/…/2023.02.14.528404
        dated = _DATED_PREPRINT.search(path)
        doi = f"10.1101/{dated.group(1)}" if dated else None
    return UrlIdentifier(RefKind.DOI, doi or "", "preprint-url")


def _ncbi(path: str, query: str) -> UrlIdentifier:
    if path.lower().startswith(("/pmc/", "/articles/pmc")):
        match = _PMC_PATH.match(path)
        pmcid = normalize_pmcid(match.group(1)) if match else None
        return UrlIdentifier(RefKind.PMCID, pmcid or "", "pmc-url")
    match = _PUBMED_PATH.match(path)
    raw = match.group(1) if match else None
    if raw is None and path.rstrip("/") in ("", "/pubmed"):
        # `pubmed/?term=38016575` names one article only when the term is a bare number.
        terms = parse_qs(query).get("term", [])
        raw = terms[0] if len(terms) == 1 and terms[0].strip().isdigit() else None
    pmid = normalize_pmid(raw) if raw else None
    return UrlIdentifier(RefKind.PMID, pmid or "", "pubmed-url")


def _europepmc(path: str, _query: str) -> UrlIdentifier:
    match = _EUROPEPMC_MED.match(path)
    if match:
        return UrlIdentifier(RefKind.PMID, normalize_pmid(match.group(1)) or "", "europepmc-url")
    match = _EUROPEPMC_PMC.match(path)
    pmcid = normalize_pmcid(f"PMC{match.group(1)}") if match else None
    return UrlIdentifier(RefKind.PMCID, pmcid or "", "europepmc-url")


_HOST_RULES: tuple[tuple[tuple[str, ...], Callable[[str, str], UrlIdentifier]], ...] = (
    (ATLAS_HOSTS, _atlas),
    (("doi.org",), _resolver),
    (("ncbi.nlm.nih.gov",), _ncbi),
    (("europepmc.org",), _europepmc),
    (("biorxiv.org", "medrxiv.org"), _preprint),
)

# Publishers whose paths give a DOI by rule, or an article id of their own.
_PUBLISHER_RULES: tuple[
    tuple[tuple[str, ...], Callable[[str, str], publisher_ids.PathIdentifier | None]], ...
] = (
    (("nature.com",), publisher_ids.nature),
    (
        ("thelancet.com", "sciencedirect.com", "linkinghub.elsevier.com", "cell.com"),
        publisher_ids.elsevier,
    ),
    (("academic.oup.com",), publisher_ids.oup),
    (("mdpi.com",), publisher_ids.mdpi),
)


# Journals whose article paths give the DOI's suffix though not the DOI itself.
_DOI_FROM_PATH: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("bmj.com", re.compile(r"^/content/\d+/(bmj\.[a-z0-9]+)", re.I), "10.1136/{}"),
    ("elifesciences.org", re.compile(r"^/articles/(\d{4,6})\b"), "10.7554/elife.{}"),
    ("peerj.com", re.compile(r"^/articles/(\d{3,6})\b"), "10.7717/peerj.{}"),
    ("insight.jci.org", re.compile(r"^/articles/view/(\d{5,7})\b"), "10.1172/jci.insight.{}"),
    ("jci.org", re.compile(r"^/articles/view/(\d{5,7})\b"), "10.1172/jci{}"),
)


def _host_is(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


def _unwrap(url: str) -> str:
    """Follow redirect wrappers through their query string (at most a few levels)."""
    lowered = url.lower()
    if not any(domain in lowered for domain, _ in _WRAPPERS):
        return url  # most links wrap nothing: spare parsing them twice
    for _ in range(4):
        parts = urlsplit(url if "://" in url else f"https://{url}")
        host = (parts.hostname or "").lower()
        inner = None
        for domain, params in _WRAPPERS:
            if _host_is(host, (domain,)):
                query = parse_qs(parts.query)
                inner = next((query[p][0] for p in params if query.get(p)), None)
                break
        if not inner or not re.match(r"(?:https?://|www\.)", inner, re.IGNORECASE):
            return url
        url = inner
    return url


def _doi_anywhere(text: str) -> str | None:
    match = _DOI_IN_URL.search(text)
    if not match:
        return None
    return normalize_doi(_strip_suffixes(match.group(1)))


def strip_page_suffixes(doi: str) -> str:
    """A DOI copied from an article page without the page's own path (`…/full`, `.pdf`)."""
    return _strip_suffixes(doi)


def _strip_suffixes(doi: str) -> str:
    """Remove the article-page decorations publishers put after a DOI in their paths."""
    doi = doi.split("?", maxsplit=1)[0].split("#", maxsplit=1)[0]
    preprint = _PREPRINT_DOI.match(doi)
    if preprint:
        return preprint.group(1)
    for _ in range(3):
        stripped = _PATH_SUFFIX.sub("", doi)
        if stripped == doi:
            break
        doi = stripped
    return doi


# Hyphens that PDF viewers and word processors substitute for "-" when a DOI is copied.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"))


def fold_dashes(text: str) -> str:
    """`s41467‐024` (U+2010) → `s41467-024`: DOIs only ever hold the ASCII hyphen."""
    return text.translate(_DASHES)


def canonical_doi(doi: str) -> str:
    """A normalised DOI without a bioRxiv/medRxiv version suffix (`…523456v2` → `…523456`)."""
    preprint = _PREPRINT_DOI.match(doi)
    return preprint.group(1) if preprint else doi
