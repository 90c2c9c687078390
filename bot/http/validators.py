"""What a server said identifies its copy (ETag, Last-Modified), for the next conditional GET.

Sent back as If-None-Match / If-Modified-Since (RFC 9110 section 13.1), a server whose copy
has not changed answers 304 with no body. The atlas crawler keeps them per page in the
records' HTTP cache; the feed watcher keeps them as its stream's cursor text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Validators:
    """A response's ETag and Last-Modified (either may be missing)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a conditional GET (only those known)."""
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in found.items() if value}

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def to_text(self) -> str:
        """As one line of JSON, for a stream cursor."""
        return json.dumps({"etag": self.etag, "last_modified": self.last_modified})

    @classmethod
    def from_text(cls, text: str | None) -> Validators:
        """Back from `to_text`; none at all for a missing or unreadable text."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return cls()
        return cls(data.get("etag"), data.get("last_modified")) if isinstance(data, dict) else cls()
