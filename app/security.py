"""Security baseline applied to every response, safe redirects, and the security event log."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, g, has_request_context, request
from werkzeug.datastructures import CombinedMultiDict

security_log = logging.getLogger("alumni.security")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        # The installable web app (app.webapp): its manifest and service worker come from here only.
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_UNSAFE_LOG_CHARS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


# Forms are the only bodies this site reads. Flask-WTF would also read JSON, whose lists and objects
# break every field; anything but a form body is refused before a view sees it.
FORM_BODIES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# The one route that takes JSON: the browser's PushSubscription, sent by our script (it validates it itself).
JSON_ENDPOINTS = frozenset({"notifications.subscribe_device"})
# A search box takes whatever is pasted into it: its view drops NUL characters instead (app.search.routes).
NUL_TOLERANT_ENDPOINTS = frozenset({"search.index"})


def register_input_checks(app: Flask) -> None:
    @app.before_request
    def refuse_unreadable_input():
        """400 for a body that is not a form, and for NUL characters anywhere in the query string or
        form (PostgreSQL cannot store them, and no one types them)."""
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype \
                and request.mimetype not in FORM_BODIES \
                and not (request.mimetype == "application/json" and request.endpoint in JSON_ENDPOINTS):
            abort(400)
        if request.endpoint in NUL_TOLERANT_ENDPOINTS and request.method in ("GET", "HEAD"):
            return
        fields = request.args if request.method in ("GET", "HEAD") else CombinedMultiDict([request.args, request.form])
        if any("\x00" in key or "\x00" in value for key, value in fields.items(multi=True)):
            abort(400)


# A JSON-LD block (schema.org data for search engines) in a page: never run, but named in the CSP by its hash.
_DATA_BLOCK = re.compile(rb'<script type="application/ld\+json">(.*?)</script>', re.S)


def content_security_policy(response) -> str:
    """The strict policy; a page with JSON-LD blocks names each block's SHA-256 under script-src. Read from the body,
    so a page served from the anonymous cache gets the same header as when it was rendered."""
    if response.mimetype != "text/html" or response.direct_passthrough:
        return CONTENT_SECURITY_POLICY
    body = response.get_data()
    if b"application/ld+json" not in body:
        return CONTENT_SECURITY_POLICY
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(block).digest()).decode()}'"
                      for block in _DATA_BLOCK.findall(body))
    return CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {hashes}", 1)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(response)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if app.config["HSTS"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # Pages built for a logged-in person never go into a shared cache. Only look at a user
        # already loaded: loading one here could hit a database that is down.
        user = g.get("_login_user")
        if user is not None and user.is_authenticated:
            headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
        return response


def is_safe_next(target: str | None) -> bool:
    """Only local absolute paths: no scheme, no host, no backslash tricks, no control or space
    characters, checked on the text as given and once percent-decoded."""
    if not target:
        return False
    for candidate in (target, unquote(target)):
        if not candidate.startswith("/") or candidate.startswith("//"):
            return False
        if "\\" in candidate or any(unicodedata.category(ch)[0] in "CZ" for ch in candidate):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default


def _clean(value) -> str:
    return _UNSAFE_LOG_CHARS.sub("?", str(value))[:200]


def log_security_event(event: str, user=None, **fields) -> None:
    """One line per event: what, who, from where, when (UTC). Never pass secrets here."""
    parts = {
        "event": event,
        "user": getattr(user, "id", None) if user is not None else None,
        "ip": request.remote_addr if has_request_context() else None,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **fields,
    }
    security_log.info(" ".join(f"{key}={_clean(value)}" for key, value in parts.items()))
