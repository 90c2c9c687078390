"""The enrichment worker: fills in metadata for unmatched papers and checks atlas entries for
retractions, politely (rate limits, retries with backoff, Retry-After, a response cache)."""
