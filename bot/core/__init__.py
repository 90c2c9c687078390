"""The platform-neutral bot core: cards, renderings, reply policy, commands and the service.

Adapters (Discord, Reddit, console) convert their messages into `records.models.Post`, call
`EvidenceService`, and send what the renderers produce; nothing in here knows a platform API.
"""
