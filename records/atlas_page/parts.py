"""What a reader pulls out of one atlas page before any field is interpreted.

The HTML reader and the text reader both fill a `PageParts`; `fields.build_entry` turns it
into an `AtlasEntry`. Keeping the two steps apart lets one set of rules (byline splitting,
badge names, BibTeX) serve every layout and rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Section keys are the AtlasEntry field names they fill.
PROSE_SECTIONS = ("summary", "why_it_matters", "does_not_prove")
LIST_SECTIONS = ("findings", "conclusions", "open_questions")

# Headings as the atlas prints them (matched case-insensitively), and the older names.
SECTION_HEADINGS: dict[str, str] = {
    "quick summary": "summary",
    "summary": "summary",
    "why it matters": "why_it_matters",
    "observed findings": "findings",
    "findings": "findings",
    "key findings": "findings",
    "inferred conclusions": "conclusions",
    "conclusions": "conclusions",
    "remaining questions": "open_questions",
    "open questions": "open_questions",
    "what this study does not prove": "does_not_prove",
    "what this study doesn't prove": "does_not_prove",
    "what it does not prove": "does_not_prove",
}

# The fixed explanation of the PEM badge that every page carries: never part of a section.
PEM_NOTE_PREFIX = "about the pem badge"

# Headings of the citation block at the foot of a page; a section ends where they begin.
TAIL_HEADINGS = frozenset(
    {
        "primary citation",
        "bibtex",
        "atlas snapshot reference",
        "cite this page",
        "how to cite",
        "contribute",
    }
)


@dataclass
class PageParts:
    """The raw pieces of one page, still as text."""

    title: str | None = None
    window_title: str | None = None
    byline: str | None = None
    byline_authors: list[str] = field(default_factory=list)
    byline_journal: str | None = None
    byline_year: str | None = None
    doi_links: list[str] = field(default_factory=list)
    badges: list[str] = field(default_factory=list)
    study_type_badge: str | None = None
    retraction_banner: bool = False
    sections: dict[str, list[str]] = field(default_factory=dict)
    unlabelled: list[str] = field(default_factory=list)
    citation: str | None = None
    bibtex: str | None = None
    snapshot_line: str | None = None
    page_urls: list[str] = field(default_factory=list)
    cut_short: bool = False
    # Entry fields from JSON-LD, a data blob or meta tags (`structured.read_structured`).
    structured: dict[str, Any] = field(default_factory=dict)

    def add_to_section(self, key: str, text: str) -> None:
        """Append one paragraph or list item to a section."""
        cleaned = " ".join(text.split())
        if cleaned:
            self.sections.setdefault(key, []).append(cleaned)

    @property
    def richness(self) -> int:
        """How much of a study this reading found (to pick the better of two readings)."""
        found = [self.title, self.byline, self.bibtex, self.badges, self.unlabelled]
        return sum(1 for part in found if part) + len(self.sections)


def normalize_heading(text: str) -> str:
    """`  Quick  Summary:` → `quick summary` (for looking up headings)."""
    return " ".join(text.replace("’", "'").split()).rstrip(":").strip().lower()


def is_pem_note(text: str) -> bool:
    """True for the fixed note explaining the PEM badge."""
    return normalize_heading(text).startswith(PEM_NOTE_PREFIX)
