"""The platform-neutral bot core: cards, renderings, reply policy, commands and the service.

Adapters convert their messages into `records.models.Post` and hand them to the
conversation (`conversation`, `conversation_async`), which runs commands and the policy and
delivers replies through the adapter's outlet; nothing in here names a platform or knows its
API (a platform's own rendering registers itself with `rendering`).
"""
