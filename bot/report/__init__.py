"""The community's citation census: `evidence-bot report` (page, charts, atlas queue, CSVs)."""
