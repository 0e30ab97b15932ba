"""The bare endpoint, added only to the bench's own app objects (never to the app package)."""

from __future__ import annotations

from flask import Flask

PING_PATH = "/_bench/ping"


def add_ping(app: Flask) -> Flask:
    """Register GET /_bench/ping -> "ok": no database, no template, but every app-wide hook
    (security headers, locale selection, limiter, CSRF check) still runs, as for a real page."""
    app.add_url_rule(PING_PATH, "bench_ping", lambda: "ok", methods=["GET"])
    return app
