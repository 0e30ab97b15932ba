"""Bench-only WSGI entry point: `gunicorn bench.server:app` (cwd = the project root).

It is the real app built from the environment (APP_ENV, DATABASE_URL, SECRET_KEY), plus the bare
/_bench/ping route that the app itself must never have: the ceiling of this server setup, against
which the real pages are compared; and a response header saying whether the anonymous page cache
answered (bench.ping.mark_page_cache), so the load client can report its hit rate.
"""

import gc

from app import create_app
from bench.ping import add_ping, mark_page_cache

app = mark_page_cache(add_ping(create_app()))
gc.freeze()  # as wsgi.py does
