"""The bare endpoint, added only to the bench's own app objects (never to the app package)."""

from __future__ import annotations

from flask import Flask

PING_PATH = "/_bench/ping"


def add_ping(app: Flask) -> Flask:
    """Register GET /_bench/ping -> "ok": no database, no template, but every app-wide hook
    (security headers, locale selection, limiter, CSRF check) still runs, as for a real page."""
    app.add_url_rule(PING_PATH, "bench_ping", lambda: "ok", methods=["GET"])
    return app


def mark_page_cache(app: Flask) -> Flask:
    """Bench only: a header on each response that asked the anonymous page cache (app.caching), `hit` or `miss`.
    The cache object's `get` is wrapped on this process's instance; the app's code is unchanged."""
    from flask import g

    from app.extensions import cache
    from bench.load import CACHE_HEADER

    asked = cache.get

    def get(key, *args, **kwargs):
        value = asked(key, *args, **kwargs)
        if isinstance(key, str) and key.startswith("page:"):
            g.bench_page_cache = "miss" if value is None else "hit"
        return value

    cache.get = get  # type: ignore[method-assign]

    @app.after_request
    def header(response):
        if "bench_page_cache" in g:
            response.headers[CACHE_HEADER] = g.bench_page_cache
        return response

    return app
