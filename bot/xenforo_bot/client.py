"""XenForo's REST API (https://xenforo.com/community/pages/api-endpoints/): key headers, errors.

Every request carries `XF-Api-Key` (and `XF-Api-User` when a super-user key acts as the
bot's user). Errors come back as `{"errors": [{"code", "message", "params"}]}`.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.errors import ApiError
from bot.forums.api import build_http
from bot.http.limits import Sleep


def read_error(status: int, body: Any) -> ApiError:
    """The first error of XenForo's `errors` list, or the bare status."""
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    code = str(first.get("code") or f"http_{status}")
    params = first.get("params")
    return ApiError(
        status,
        code,
        str(first.get("message") or "")[:200],
        params if isinstance(params, dict) else None,
    )


def xenforo_http(
    base_url: str,
    api_key: str,
    api_user: int | None,
    timeout: float,
    user_agent: str,
    *,
    max_retries: int,
    sleep: Sleep,
) -> httpx.Client:
    """The polite client for a forum's `/api` address with the bot's key."""
    headers = {"XF-Api-Key": api_key}
    if api_user is not None:
        headers["XF-Api-User"] = str(api_user)
    return build_http(base_url, headers, timeout, user_agent, max_retries=max_retries, sleep=sleep)
