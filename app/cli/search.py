"""`flask search-reindex`: rebuild the full-text index from the posts, comments, events, documents and
directory entries (after a bulk import, or to repair it; safe at any time)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.services import search_index


@click.command("search-reindex")
@with_appcontext
def search_reindex() -> None:
    """Rebuild the search index (in one transaction: searches see the old index until it is done)."""
    began = time.perf_counter()
    count = search_index.reindex()
    db.session.commit()
    click.echo(f"Indexed {count} entries in {time.perf_counter() - began:.1f} s.")


COMMANDS = (search_reindex,)
