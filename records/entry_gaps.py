"""What an atlas entry lacks of what a finished atlas page shows (issue 18).

Many real atlas pages are unfinished: no PEM badge, no summary yet, no "What this study does
not prove" caveat. The sync and parse-page reports name them, and cards say so instead of
leaving a gap a reader could fill with an assumption.
"""

from __future__ import annotations

from records.models import AtlasEntry

PEM_BADGE = "PEM badge"
SUMMARY = "summary"
CAVEAT = "caveat"
PARTS = (PEM_BADGE, SUMMARY, CAVEAT)


def missing_parts(entry: AtlasEntry) -> tuple[str, ...]:
    """The parts `entry` lacks, in the order of PARTS (empty: nothing missing)."""
    present = {PEM_BADGE: entry.pem, SUMMARY: entry.summary, CAVEAT: entry.does_not_prove}
    return tuple(part for part in PARTS if not present[part])
