"""A short-lived cache of whole public pages for anonymous visitors (as Discourse's anonymous cache).

Only requests that carry no session or remember cookie are served from it: such a visitor sees public
content only and the page holds nothing personal (no CSRF token, no flash message), so every visitor of
a language gets the same bytes. Logged-in people always get a fresh page. Entries live a few seconds
(ANONYMOUS_CACHE_SECONDS), so new posts and moderation show up almost at once.
"""

from __future__ import annotations

import logging
from functools import wraps

from flask import Response, current_app, make_response, request
from flask_babel import get_locale
from redis.exceptions import RedisError

from app.extensions import cache

log = logging.getLogger(__name__)


def _anonymous() -> bool:
    config = current_app.config
    return (request.method == "GET" and config["ANONYMOUS_CACHE_SECONDS"] > 0
            and config["SESSION_COOKIE_NAME"] not in request.cookies
            and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies)


def _guarded(operation, *args, **kwargs):
    """A cache that cannot be reached is a miss: the page is rendered fresh, never a 500."""
    try:
        return operation(*args, **kwargs)
    except (RedisError, OSError) as exc:
        log.warning("page cache unavailable (%s): serving uncached", type(exc).__name__)
        return None


def anonymous_cache(view):
    """Serve `view` from the cache to anonymous visitors; store what it renders for them."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not _anonymous():
            return view(*args, **kwargs)
        key = f"page:{get_locale()}:{request.full_path}"
        hit = _guarded(cache.get, key)
        if hit is not None:
            body, mimetype = hit
            return Response(body, status=200, mimetype=mimetype)
        response = make_response(view(*args, **kwargs))
        if (response.status_code == 200 and "Set-Cookie" not in response.headers
                and not response.direct_passthrough and b'name="csrf_token"' not in response.get_data()):
            _guarded(cache.set, key, (response.get_data(), response.mimetype),
                     timeout=current_app.config["ANONYMOUS_CACHE_SECONDS"])
        return response

    return wrapped
