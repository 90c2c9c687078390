"""The httpx client over a polite transport, with the redirect rules.

A redirect is followed only when the caller's rule allows it (the service clients: the same
host only; the crawler: another host only when that host's robots.txt allows the page).
When a redirect leaves the host, secret query parameters (an NCBI `api_key`) are removed
from the address it leads to; httpx itself drops the Authorization header.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bot.errors import RedirectRefused
from bot.http.redaction import SECRET_PARAM_NAMES, install_redaction, redact_url

RedirectRule = Callable[[httpx.URL, httpx.URL], bool]
MAX_REDIRECTS = 5


def same_host(origin: httpx.URL, target: httpx.URL) -> bool:
    """True when `target` is on the host (and port) of `origin`; http → https is fine."""
    return origin.host == target.host and (
        origin.port == target.port or (origin.scheme, target.scheme) == ("http", "https")
    )


def any_host(origin: httpx.URL, target: httpx.URL) -> bool:
    """Follow every redirect (for requests that carry no secret, such as article pages)."""
    return True


def without_secrets(url: httpx.URL) -> httpx.URL:
    """`url` without api_key/token-style query parameters."""
    for name in list(url.params.keys()):
        if name.lower() in SECRET_PARAM_NAMES:
            url = url.copy_remove_param(name)
    return url


def _redirect_guard(may_follow: RedirectRule) -> Callable[[httpx.Response], None]:
    def check(response: httpx.Response) -> None:
        if not response.has_redirect_location:
            return
        origin = response.request.url
        target = origin.join(response.headers["location"])
        if not may_follow(origin, target):
            raise RedirectRefused(
                f"redirect from {origin.host} to {redact_url(str(target))} not followed"
            )
        if target.host != origin.host:
            response.headers["location"] = str(without_secrets(target))

    return check


def polite_client(
    transport: httpx.BaseTransport,
    *,
    user_agent: str,
    timeout: float,
    may_redirect: RedirectRule = same_host,
    headers: dict[str, str] | None = None,
    base_url: str = "",
) -> httpx.Client:
    """An httpx client over `transport` that sends our User-Agent and obeys `may_redirect`.

    Relative addresses are read against `base_url` (an API's root) when one is given. What
    httpx logs of its addresses is scrubbed of secrets, whoever opened the client.
    """
    install_redaction(())
    return httpx.Client(
        transport=transport,
        base_url=base_url.rstrip("/") + "/" if base_url else "",
        timeout=timeout,
        headers={"User-Agent": user_agent, **(headers or {})},
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        event_hooks={"response": [_redirect_guard(may_redirect)]},
    )
