"""`atlas sync`: keep the local atlas copy up to date by reading the atlas's own pages.

The atlas publishes no export, so the crawler walks its listing pages and evidence pages
politely (robots.txt, a delay between requests, conditional requests), parses each page with
`records.atlas_page` and upserts the entries. Plain synchronous code over one httpx client.
"""
