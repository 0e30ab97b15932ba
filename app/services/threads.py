"""A discussion's comments a slice at a time, so a thread of 10,000 comments opens as fast as one of 100.

A slice is up to `size` top-level comments with their replies. Replies nest visually NESTING_CAP levels deep;
what lies deeper is not loaded but counted, and shown behind "n more replies" (a page of its own for that
subtree). Both the top-level comments and a slice's replies are read as ranges of the materialised path, so
every query is an index range, whatever the thread's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from app import site
from app.extensions import db
from app.models.post import Comment, Post, Status
from app.models.user import BYLINE
from app.services.comments import PATH_SEGMENT

NESTING_CAP = 5  # replies nest visually this deep; a deeper subtree opens on its own page


@dataclass
class ThreadNode:
    comment: Comment
    level: int = 0
    children: list[ThreadNode] = field(default_factory=list)
    more_replies: int = 0  # replies below the nesting cap, on the subtree's own page


@dataclass
class ThreadSlice:
    nodes: list[ThreadNode]
    start: int | None  # the first top-level comment's id when this is not the first slice
    next_start: int | None  # where the next slice begins, if there is one
    remaining: int  # top-level comments after this slice
    anchor: Comment | None = None  # a subtree page: the comment whose replies these are

    def comment_ids(self) -> list[int]:
        ids, stack = [], list(self.nodes)
        while stack:
            node = stack.pop()
            ids.append(node.comment.id)
            stack.extend(node.children)
        return ids


def slice_size() -> int:
    return site.get("thread_page_size")


def _segment(comment_id: int) -> str:
    return str(comment_id).zfill(PATH_SEGMENT)


def _roots(post: Post, *, newest_first: bool, start: int | None, size: int) -> tuple[list[int], int]:
    """Ids of up to size + 1 top-level comments from `start` on, and how many there are from `start` on: one
    query, an index range on (post, depth, id)."""
    query = select(Comment.id, func.count().over()).where(Comment.post_id == post.id, Comment.depth == 0)
    if start is not None:
        query = query.where(Comment.id <= start if newest_first else Comment.id >= start)
    order = Comment.id.desc() if newest_first else Comment.id
    rows = db.session.execute(query.order_by(order).limit(size + 1)).all()
    return [row[0] for row in rows], rows[0][1] if rows else 0


def _successor(path: str) -> str:
    """The path just after a comment's whole subtree: its last segment plus one. A bound made of digits only,
    so the range holds under any collation (PostgreSQL's en_US ignores the dots; "C" and SQLite do not)."""
    head, _, last = path.rpartition(".")
    following = str(int(last) + 1).zfill(PATH_SEGMENT)
    return f"{head}.{following}" if head else following


def _load(post: Post, low: str, high: str, newest_first: bool) -> list[Comment]:
    """Every comment whose path lies in [low, high): whole subtrees, one index range on (post, path)."""
    query = (select(Comment).where(Comment.post_id == post.id, Comment.path >= low, Comment.path < high)
             .options(joinedload(Comment.author).load_only(*BYLINE), defer(Comment.body_source)))
    order = (Comment.root_id.desc(), Comment.path) if newest_first else (Comment.path,)
    return list(db.session.scalars(query.order_by(*order)))


def _tree(comments, base_depth: int) -> list[ThreadNode]:
    """The tree of comments read in path order. Those below the nesting cap become no nodes: they are counted
    at their ancestor on the cap, whose page shows them."""
    roots: list[ThreadNode] = []
    nodes: dict[int, ThreadNode] = {}
    for comment in comments:
        level = comment.depth - base_depth
        if level == 0:
            node = ThreadNode(comment)
            roots.append(node)
        elif level < NESTING_CAP:
            parent = nodes.get(comment.parent_id or 0)
            if parent is None:
                continue
            node = ThreadNode(comment, level=level)
            parent.children.append(node)
        else:
            ancestor = nodes.get(int(comment.path.split(".")[base_depth + NESTING_CAP - 1]))
            if ancestor is not None:
                ancestor.more_replies += 1
            continue
        nodes[comment.id] = node
    return roots


def thread_slice(post: Post, *, newest_first: bool = False, start: int | None = None,
                 size: int | None = None) -> ThreadSlice:
    """The slice of top-level comments beginning at `start` (None: the first), with their replies."""
    size = size or slice_size()
    ids, total = _roots(post, newest_first=newest_first, start=start, size=size)
    shown, following = ids[:size], ids[size:]
    if not shown:
        return ThreadSlice(nodes=[], start=start, next_start=None, remaining=0)
    first, last = min(shown), max(shown)
    low, high = _segment(first), _segment(last + 1)  # every path of these roots' subtrees lies in between
    nodes = _tree(_load(post, low, high, newest_first), 0)
    return ThreadSlice(nodes=nodes, start=start, next_start=following[0] if following else None,
                       remaining=total - len(shown))


def subtree(anchor: Comment) -> ThreadSlice:
    """A comment with the replies below it (again down to the nesting cap), for "n more replies"."""
    nodes = _tree(_load(anchor.post, anchor.path, _successor(anchor.path), False), anchor.depth)
    return ThreadSlice(nodes=nodes, start=None, next_start=None, remaining=0, anchor=anchor)


def location(comment: Comment, *, newest_first: bool = False) -> tuple[int | None, int | None]:
    """Where a comment is shown: (the slice start or None for the first slice, the subtree page's comment or
    None). A comment below the nesting cap lives on the page of its ancestor at the cap."""
    if comment.depth >= NESTING_CAP:
        return None, int(comment.path.split(".")[NESTING_CAP - 1])
    root = comment.root_id or comment.id
    before = db.session.scalar(select(func.count()).where(
        Comment.post_id == comment.post_id, Comment.depth == 0,
        Comment.id > root if newest_first else Comment.id < root)) or 0
    return (None if before < slice_size() else root), None


def unread_since(post: Post, viewer, seen_up_to: int | None) -> tuple[int, int | None, int]:
    """Comments by others that arrived after the viewer's last visit: (how many, the first one's id, the id to
    remember now). One statement; ids grow with time, so "after" is an id range."""
    newest = select(func.max(Comment.id)).scalar_subquery()
    since = seen_up_to if seen_up_to is not None else 2**31 - 1  # a first visit: nothing is "new"
    row = db.session.execute(
        select(newest, func.count(Comment.id), func.min(Comment.id))
        .where(Comment.post_id == post.id, Comment.id > since, Comment.author_id != viewer.id,
               Comment.deleted_at.is_(None), Comment.hidden_at.is_(None), Comment.status == Status.PUBLISHED)).one()
    return row[1] or 0, row[2], row[0] or 0


FEED_ENTRIES = 50  # a thread's Atom feed: its newest comments, as feed readers expect


def latest_comments(post: Post, limit: int = FEED_ENTRIES) -> list[Comment]:
    """The newest comments others can read (not held, hidden or deleted), newest first: one bounded query
    whatever the thread's size."""
    return list(db.session.scalars(
        select(Comment).where(Comment.post_id == post.id, Comment.status == Status.PUBLISHED,
                              Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .options(joinedload(Comment.author).load_only(*BYLINE), defer(Comment.body_source))
        .order_by(Comment.id.desc()).limit(limit)))
