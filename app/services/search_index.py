"""The full-text index: kept current in the same transaction as every write, rebuilt by `flask search-reindex`.

The index holds words only; who may see a hit is decided when searching, by joining each hit to its row and
asking the visibility policy (app.services.search). So hiding, approving, a changed visibility or a deleted
comment needs no index update: the next search sees it at once. Only text changes do, and those are caught
in one place: after every flush, new and edited posts, comments, events, documents and directory entries are
written again (an edit of a like count does not touch the index).

SQLite: an FTS5 table (`unicode61 remove_diacritics 2`: "Koln" finds "Köln"), text stored folded.
PostgreSQL: a table of `tsvector`s with a GIN index, German and English stems (title weighted above the body).
Each row's id encodes what it is: item id × 8 + kind code, so an update deletes by key, never by scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import bindparam, event, inspect, select, text
from sqlalchemy.orm import Session

from app.content import plain_text
from app.extensions import db
from app.models import Document, Event, MemberProfile
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post, PostKind, Visibility
from app.models.user import User
from app.services.search_query import fold

KIND_CODES = {"post": 1, "teaser": 2, "comment": 3, "event": 4, "document": 5, "profile": 6, "offer": 7}
PROFILE_TEXT_FIELDS = ("programme", "year", "city", "employer", "position", "bio")
# Attributes whose change means new words for the index (anything else, like counters, is ignored).
TEXT_ATTRIBUTES = {
    Post: ("title", "body_html", "excerpt", "visibility", "public_teaser", "kind"),
    Comment: ("body_html", "deleted_at"),
    Event: ("title", "description_html", "place"),
    Document: ("title", "description", "original_name"),
    MemberProfile: ("listed", "private_fields", *PROFILE_TEXT_FIELDS),
    Opportunity: ("title", "body_html", "organisation", "place"),
}
Entry = tuple[str, int, str, str]  # kind, item id, title, body


def doc_id(kind: str, item_id: int) -> int:
    return item_id * 8 + KIND_CODES[kind]


def entries(item) -> list[Entry]:
    """What the index holds for one item (nothing for a deleted comment or an unlisted directory entry)."""
    if isinstance(item, Post):
        if item.kind == PostKind.EVENT:
            return []  # an event's discussion: found through the event
        found = [("post", item.id, item.title, plain_text(item.body_html))]
        if item.visibility == Visibility.MEMBERS and item.public_teaser:
            found.append(("teaser", item.id, item.title, item.excerpt))  # what non-members may match
        return found
    if isinstance(item, Comment):
        return [] if item.deleted_at else [("comment", item.id, "", plain_text(item.body_html))]
    if isinstance(item, Event):
        return [("event", item.id, item.title, f"{plain_text(item.description_html)}\n{item.place}")]
    if isinstance(item, Document):
        return [("document", item.id, item.title, f"{item.description}\n{item.original_name}")]
    if isinstance(item, MemberProfile):
        return _profile_entries(item)
    if isinstance(item, Opportunity):
        return [("offer", item.id, item.title, f"{item.organisation}\n{item.place}\n{plain_text(item.body_html)}")]
    return []


def _profile_entries(profile: MemberProfile) -> list[Entry]:
    if not profile.listed:
        return []
    shared = [str(getattr(profile, name) or "") for name in PROFILE_TEXT_FIELDS if not profile.is_private(name)]
    name = profile.user.display_name if profile.user is not None else ""
    return [("profile", profile.user_id, name, "\n".join(shared))]


def _kinds_of(item) -> tuple[str, ...]:
    return {Post: ("post", "teaser"), Comment: ("comment",), Event: ("event",), Document: ("document",),
            MemberProfile: ("profile",), Opportunity: ("offer",)}[type(item)]


# ---------------------------------------------------------------- writing


def _delete(connection, ids: list[int]) -> None:
    if not ids:
        return
    statement = (_SQLITE_DELETE if connection.dialect.name == "sqlite" else _POSTGRES_DELETE)
    connection.execute(statement, {"ids": ids})


_SQLITE_DELETE = text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True))
_POSTGRES_DELETE = text("DELETE FROM search_documents WHERE doc_id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_SQLITE_INSERT = text("INSERT INTO search_fts (rowid, kind, item_id, title, body) "
                      "VALUES (:doc_id, :kind, :item_id, :title, :body)")
_POSTGRES_INSERT = text(
    "INSERT INTO search_documents (doc_id, kind, item_id, tsv) VALUES (:doc_id, :kind, :item_id, "
    "setweight(to_tsvector('german', :title), 'A') || setweight(to_tsvector('german', :body), 'B') || "
    "setweight(to_tsvector('english', :title), 'A') || setweight(to_tsvector('english', :body), 'B'))")


def _insert(connection, rows: list[Entry]) -> None:
    if not rows:
        return
    statement = _SQLITE_INSERT if connection.dialect.name == "sqlite" else _POSTGRES_INSERT
    connection.execute(statement, [{"doc_id": doc_id(kind, item_id), "kind": kind, "item_id": item_id,
                                    "title": fold(title), "body": fold(body)[:100_000]}
                                   for kind, item_id, title, body in rows])


def write(connection, items: Iterable) -> None:
    """Replace the index rows of these items with what they say now (deleted items: removed)."""
    removed, added = [], []
    for item, gone in items:
        removed += [doc_id(kind, item.id if not isinstance(item, MemberProfile) else item.user_id)
                    for kind in _kinds_of(item)]
        if not gone:
            added += entries(item)
    _delete(connection, removed)
    _insert(connection, added)


def index_new(item) -> None:
    """Index an item stored with a Core INSERT (posts and comments: see app.database.insert_new), which no
    flush event sees."""
    write(db.session.connection(), [(item, False)])


def _changed(session: Session) -> Iterator[tuple[object, bool]]:
    for item in session.new:
        if type(item) in TEXT_ATTRIBUTES:
            yield item, False
    for item in session.dirty:
        if type(item) in TEXT_ATTRIBUTES and _text_changed(item):
            yield item, False
        elif isinstance(item, User) and inspect(item).attrs.display_name.history.has_changes():
            profile = session.get(MemberProfile, item.id)
            if profile is not None:
                yield profile, False
    for item in session.deleted:
        if type(item) in TEXT_ATTRIBUTES:
            yield item, True


def _text_changed(item) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in TEXT_ATTRIBUTES[type(item)])


def _after_flush(session: Session, _context) -> None:
    changed = list(_changed(session))
    if changed:
        write(session.connection(), changed)


def register() -> None:
    """Keep the index current: called by create_app. On the Session class, so every session of the app (also
    those the worker and the commands open) indexes what it writes."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


# ---------------------------------------------------------------- rebuilding


def reindex(batch: int = 2000) -> int:
    """Empty the index and write every item again (`flask search-reindex`; after bulk imports). The count."""
    connection = db.session.connection()
    connection.execute(text("DELETE FROM search_fts" if connection.dialect.name == "sqlite"
                            else "DELETE FROM search_documents"))
    total = 0
    models: tuple[Any, ...] = (Post, Comment, Event, Document, MemberProfile, Opportunity)
    for model in models:
        key = model.user_id if model is MemberProfile else model.id
        last = 0
        while True:
            items = db.session.scalars(select(model).where(key > last).order_by(key).limit(batch)).all()
            if not items:
                break
            rows = [entry for item in items for entry in entries(item)]
            _insert(connection, rows)
            total += len(rows)
            last = items[-1].user_id if model is MemberProfile else items[-1].id
            db.session.expunge_all()  # memory stays flat over a million comments
    return total
