"""Which pages the service worker may keep for reading offline, told in a response header it reads.

    X-Offline-Cache: public      an anonymous visitor's page to read: kept in the public cache
    X-Offline-Cache: private     a signed-in person's page to read: kept in the private cache, which logout empties
    X-Offline-Cache: anonymous   nobody is signed in (any other page of a visitor): kept nowhere, and the service
                                 worker empties the private cache (a logout, or a session that ended elsewhere)

Pages without the header are never kept: forms to fill in, account pages, moderation, administration; nor a page
that showed a one-time message ("You are logged out."), which a saved copy would repeat for days. What is kept never
carries a CSRF token (the service worker blanks every one) and never answered anything but a GET.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask.globals import request_ctx

from app.webapp import bp

HEADER = "X-Offline-Cache"
# The pages people read on the way: the feed, posts, events and their own events.
READABLE = frozenset({"feed.index", "feed.show", "events.index", "events.show", "events.mine"})


@bp.after_app_request
def mark_offline_copy(response):
    if request.method != "GET" or response.status_code != 200 or response.mimetype != "text/html":
        return response
    signed_in = _signed_in()
    if signed_in is None:
        return response
    if request.endpoint in READABLE and not request_ctx.flashes:  # the messages this page showed, if any
        response.headers[HEADER] = "private" if signed_in else "public"
    elif not signed_in:
        response.headers[HEADER] = "anonymous"
    return response


def _signed_in() -> bool | None:
    """Whether the page was built for a signed-in person; None when that is unknown. Only a user already loaded
    counts (loading one here could hit a database that is down); a page served from the anonymous page cache
    loaded none, but only requests without a session or remember cookie get those."""
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    config = current_app.config
    if config["SESSION_COOKIE_NAME"] in request.cookies or \
            config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return None
    return False
