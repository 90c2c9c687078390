"""What the web forum adapters share: one patient JSON API client over httpx."""
