"""One polite HTTP stack for everything the bot fetches from services and sites.

An httpx client over `PoliteTransport` (User-Agent with a contact, per-host spacing, a shared
per-service rate, retries with backoff, Retry-After within a cap, a response cache, response
size caps, a deadline for the whole request and redirect rules), over a network transport
whose reads never outlast that deadline. The enricher's service clients and the atlas
crawler both use it.
"""
