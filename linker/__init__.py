"""Finding references in text, normalising identifiers, matching them against the atlas."""
