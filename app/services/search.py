"""Search: one box for posts, comments, events, documents and (for members) the directory.

Every hit is joined to its row and kept only when the visibility policy's search clauses allow it
(`policy.searchable_*`), so results, their count and the filters can never show what the searcher may not
see: a query that matches only members-only content gives a visitor exactly what a query matching nothing
gives. The engines are the databases' own (app.services.search_index): FTS5 on SQLite, tsvector on PostgreSQL.

Relevance is the engine's rank (title words above body words) with a recency boost, computed over the best
MAX_RESULTS hits; pages are bounded to those (the count is exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import column, func, literal, literal_column, select, table, union_all
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models import Document, Event, MemberProfile, Opportunity
from app.models.post import Category, Comment, Post, PostKind, Visibility
from app.models.types import utcnow
from app.models.user import User
from app.services import search_query
from app.services.search_index import entries
from app.services.search_snippets import highlight, snippet

PER_PAGE = 20
MAX_RESULTS = 200
# What the kind filter offers, and which index kinds each covers.
KINDS = {"news": ("post", "teaser"), "discussion": ("post", "teaser"), "comment": ("comment",),
         "event": ("event",), "offer": ("offer",), "document": ("document",), "profile": ("profile",)}
MEMBER_KINDS = ("document", "profile")  # offered to members only

_fts = table("search_fts", column("rowid"), column("kind"), column("item_id"))
_documents = table("search_documents", column("doc_id"), column("kind"), column("item_id"), column("tsv"))


@dataclass
class Filters:
    kind: str = ""
    category: Category | None = None
    author: User | None = None
    since: date | None = None
    until: date | None = None
    members_area: bool = False
    by_date: bool = False
    page: int = 1


@dataclass
class Hit:
    kind: str  # news, discussion, comment, event, document, profile
    item: object
    title: object  # Markup, the matched words marked
    snippet: object
    when: datetime | None
    teaser: bool = False


@dataclass
class Results:
    query: search_query.Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, MAX_RESULTS) / PER_PAGE))


def _matches(query: search_query.Query):
    """(kind, item_id, rank) of every index row matching, best first."""
    if db.session.get_bind().dialect.name == "sqlite":
        fts: Any = literal_column("search_fts")
        return (select(_fts.c.kind, _fts.c.item_id, (-func.bm25(fts, 0.0, 0.0, 4.0, 1.0)).label("rank"))
                .select_from(_fts).where(fts.op("MATCH")(search_query.fts5(query)))).cte("hits")
    expression = search_query.tsquery(query)
    tsquery = func.to_tsquery(literal_column("'german'::regconfig"), expression).op("||")(
        func.to_tsquery(literal_column("'english'::regconfig"), expression))
    return (select(_documents.c.kind, _documents.c.item_id,
                   func.ts_rank_cd(_documents.c.tsv, tsquery).label("rank"))
            .where(_documents.c.tsv.op("@@")(tsquery))).cte("hits")


@dataclass(frozen=True)
class _Kind:
    """How hits of one index kind join their rows, and which columns the filters compare."""

    model: Any
    when: Any
    author: Any
    category: Any
    visibility: Any
    allowed: Any  # the policy's clause
    joins: tuple = ()


def _kinds(viewer) -> dict[str, _Kind]:
    found = {
        "post": _Kind(Post, Post.created_at, Post.author_id, Post.category_id, Post.visibility,
                      policy.searchable_posts(viewer)),
        "teaser": _Kind(Post, Post.created_at, Post.author_id, Post.category_id, Post.visibility,
                        policy.searchable_teasers(viewer)),
        "comment": _Kind(Comment, Comment.created_at, Comment.author_id, Post.category_id, Post.visibility,
                         policy.searchable_comments(viewer), ((Post, Post.id == Comment.post_id),)),
        "event": _Kind(Event, Event.starts_at, Event.created_by_id, None, Event.visibility,
                       policy.searchable_events(viewer)),
        "offer": _Kind(Opportunity, Opportunity.created_at, Opportunity.author_id, Opportunity.category_id,
                       Opportunity.visibility, policy.searchable_opportunities(viewer)),
    }
    if policy.is_member(viewer):
        found["document"] = _Kind(Document, Document.created_at, Document.uploaded_by_id, None, None,
                                  policy.searchable_documents(viewer))
        found["profile"] = _Kind(MemberProfile, User.created_at, User.id, None, None, policy.listed_profiles(viewer),
                                 ((User, User.id == MemberProfile.user_id),))
    return found


def _conditions(spec: _Kind, filters: Filters) -> list:
    conditions = [spec.allowed]
    if filters.author is not None:
        conditions.append(spec.author == filters.author.id)
    if filters.category is not None:
        conditions.append(spec.category == filters.category.id if spec.category is not None else literal(False))
    if filters.since:
        conditions.append(spec.when >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until:
        conditions.append(spec.when < datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=UTC))
    if filters.members_area and spec.visibility is not None:
        conditions.append(spec.visibility == Visibility.MEMBERS)
    if filters.kind in ("news", "discussion"):
        conditions.append(Post.kind == PostKind(filters.kind))
    return conditions


def _visible(viewer, hits, filters: Filters):
    """One SELECT per kind the filters allow, each joined to its rows and the policy's clause; all together."""
    wanted = set(KINDS[filters.kind]) if filters.kind else {kind for kinds in KINDS.values() for kind in kinds}
    if filters.members_area:
        wanted.discard("teaser")  # a teaser is what non-members see: not "in the members area"
    parts = []
    for kind, spec in _kinds(viewer).items():
        if kind not in wanted:
            continue
        key = MemberProfile.user_id if spec.model is MemberProfile else spec.model.id
        statement = select(hits.c.kind, hits.c.item_id, hits.c.rank, spec.when.label("at")).join(
            spec.model, key == hits.c.item_id)
        for target, on in spec.joins:
            statement = statement.join(target, on)
        parts.append(statement.where(hits.c.kind == kind, *_conditions(spec, filters)))
    return union_all(*parts).subquery("visible") if parts else None


def matching_items(text: str | None, kind: str):
    """The ids of items of one index kind whose words match what was typed (a subquery; None: nothing to match).
    The caller joins them to its rows and the policy's clause, as `search` does."""
    query = search_query.parse(text)
    if not query:
        return None
    hits = _matches(query)
    return select(hits.c.item_id).where(hits.c.kind == kind)


def search(viewer, text: str | None, filters: Filters) -> Results:
    """The hits this person may see for what they typed, one page of them, and how many there are."""
    query = search_query.parse(text)
    results = Results(query=query, page=filters.page)
    if not query:
        return results
    visible = _visible(viewer, _matches(query), filters)
    if visible is None:
        return results
    order = (visible.c.at.desc(), visible.c.item_id.desc()) if filters.by_date else \
        (visible.c.rank.desc(), visible.c.at.desc())
    # One pass over the matches: the best MAX_RESULTS, each row carrying the exact count (a window function),
    # instead of a second query that would evaluate the whole match and join again.
    best = list(db.session.execute(select(visible.c.kind, visible.c.item_id, visible.c.rank, visible.c.at,
                                          func.count().over().label("total"))
                                   .order_by(*order).limit(MAX_RESULTS)))
    results.total = best[0].total if best else 0
    if not results.total or filters.page > results.pages:
        return results
    if not filters.by_date:
        best.sort(key=_boosted, reverse=True)
    start = (filters.page - 1) * PER_PAGE
    results.hits = _hits(viewer, best[start:start + PER_PAGE], query)
    return results


def _boosted(row) -> float:
    """Rank with a recency boost: a year-old hit counts about two thirds of a new one."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=utcnow().tzinfo)
    age_days = max(0.0, (utcnow() - at).total_seconds() / 86400)
    return float(row.rank) * (0.5 + 0.5 * math.exp(-age_days / 730))


_LOADERS: dict[str, tuple[Any, tuple]] = {
    "post": (Post, (joinedload(Post.author), joinedload(Post.category))),
    "teaser": (Post, (joinedload(Post.author), joinedload(Post.category))),
    "comment": (Comment, (joinedload(Comment.author), joinedload(Comment.post))),
    "event": (Event, ()),
    "offer": (Opportunity, ()),
    "document": (Document, (joinedload(Document.uploaded_by),)),
    "profile": (MemberProfile, (joinedload(MemberProfile.user),)),
}


def _hits(viewer, rows, query: search_query.Query) -> list[Hit]:
    """The page's rows as items (one query per kind on the page), each with its title and snippet marked."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(row.kind, set()).add(row.item_id)
    loaded: dict[tuple[str, int], Any] = {}
    for kind, ids in wanted.items():
        model, options = _LOADERS[kind]
        key = MemberProfile.user_id if model is MemberProfile else model.id
        for item in db.session.scalars(select(model).where(key.in_(ids)).options(*options)).unique():
            loaded[(kind, item.user_id if model is MemberProfile else item.id)] = item
    words = query.words()
    return [_hit(viewer, row.kind, loaded[(row.kind, row.item_id)], row.at, words)
            for row in rows if (row.kind, row.item_id) in loaded]


def _hit(viewer, kind: str, item, when, words) -> Hit:
    """Title and snippet from the same text the index holds (a teaser: title and teaser only)."""
    own = [entry for entry in entries(item) if entry[0] == kind]
    _kind, _id, title, body = own[0] if own else (kind, 0, "", "")
    if kind == "profile":
        body = ", ".join(profile_fields_text(viewer, item))  # what this viewer may see of it
    if isinstance(item, Comment):
        title = item.post.title
    label = ("news" if item.kind == PostKind.NEWS else "discussion") if kind in ("post", "teaser") else kind
    return Hit(kind=label, item=item, title=highlight(title, words), snippet=snippet(body, words), when=when,
               teaser=kind == "teaser")


def profile_fields_text(viewer, profile: MemberProfile) -> list[str]:
    """The directory fields the viewer may see, as text (what a profile hit shows)."""
    fields = policy.visible_profile_fields(viewer, profile)
    return [str(getattr(profile, name)) for name in ("programme", "year", "city", "employer", "position", "bio")
            if name in fields and getattr(profile, name)]
