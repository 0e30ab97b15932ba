"""Database engine details that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import cast

from flask import g
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, and a busy timeout instead of instant errors."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def ping() -> bool:
    """Whether the database answers (for the health check); leaves the session usable either way."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def render_migration_type(type_, obj, _autogen_context):
    """Write UTCDateTime into migrations as the plain column type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# The search index (app.services.search_index) is built by migration 0011 in each database's own way (an FTS5
# virtual table and its shadow tables on SQLite, a tsvector table on PostgreSQL); it has no model on purpose.
SEARCH_INDEX_TABLES = ("search_fts", "search_documents")


def include_in_migrations(_obj, name, type_, _reflected, _compare_to) -> bool:
    """Autogenerate and the models<->migrations test leave the search index alone."""
    return not (type_ in ("table", "index") and name and name.startswith(SEARCH_INDEX_TABLES))


def insert_if_absent(model, **values) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; True when a row was added.

    Lets a unique constraint, not a check in Python, decide between two concurrent clicks.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING tells reliably whether a row went in; rowcount of an upsert is not on every driver.
    table = model.__table__
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return db.session.execute(statement).first() is not None


def set_row_present(model, present: bool, **key) -> bool:
    """Make the row with this unique `key` exist (insert if absent) or not (delete); True when a row changed.
    A vote, a like: two concurrent clicks change one row, so a counter moved only on True stays right."""
    if present:
        return insert_if_absent(model, **key, created_at=utcnow())
    table = model.__table__
    return bool(rows_changed(table.delete().where(*(table.c[name] == value for name, value in key.items()))))


def rows_changed(statement) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed (how a guarded UPDATE claims work)."""
    result = cast(CursorResult, db.session.execute(statement))
    return result.rowcount


def insert_new(model, **values) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a unique key says the
    row is there already (also when a concurrent transaction inserted it a moment ago)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return db.session.scalar(statement)


def after_commit(callback) -> None:
    """Run `callback` once this request's transaction has committed (e.g. delete a replaced file)."""
    g.setdefault("after_commit", []).append(callback)
