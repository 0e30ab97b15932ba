"""The bench data set as plain rows (dicts), generated deterministically and without a database.

Everything the app keeps denormalised is computed here the way the services would have left it:
a comment's `path`, `root_id` and `depth`; a post's `comment_count` (visible comments only) and
`last_activity_at` (its newest published comment); `like_count` on posts and comments.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.content import excerpt_from_html, render_markdown
from app.services.comments import PATH_SEGMENT

USERS = 200
POSTS = 10_000
THREAD_COMMENTS = 1_000
THREAD_MAX_DEPTH = 8  # the deepest reply in the big discussion has depth 8 (nine levels)
SMALL_THREAD_SHARE = 0.2  # this share of the other posts gets a few comments, so the feed shows counts
CATEGORIES = (("campus", "Campus"), ("careers", "Careers"), ("events", "Events"), ("general", "General"))

_WORDS = ("alumni reunion campus lecture mentoring career network library thesis seminar "
          "association volunteer meeting photo archive scholarship project chapter board "
          "workshop summer winter dinner student faculty research startup city travel").split()


@dataclass
class Dataset:
    users: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    post_likes: list[dict] = field(default_factory=list)
    comment_likes: list[dict] = field(default_factory=list)
    thread_post_id: int = 0


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _bodies(rng: random.Random, count: int, paragraphs: int) -> list[tuple[str, str]]:
    """A few (source, html) pairs rendered by the app's own Markdown pipeline, reused across rows:
    rendering 10,000 bodies through bleach would dominate the seeding time for no gain."""
    bodies = []
    for index in range(count):
        parts = [" ".join(_sentence(rng, rng.randint(6, 14)) for _ in range(3)) for _ in range(paragraphs)]
        if index % 3 == 0:
            parts.append("- " + _sentence(rng, 4) + "\n- **" + _sentence(rng, 3) + "**")
        source = "\n\n".join(parts)
        bodies.append((source, render_markdown(source)))
    return bodies


def _users(now: datetime, password_hash: str) -> list[dict]:
    rows = []
    for user_id in range(1, USERS + 1):
        # One admin, a handful of volunteers (they write news), a third members, the rest alumni.
        role = "admin" if user_id == 1 else "volunteer" if user_id <= 11 else "member" if user_id <= 70 else "alumnus"
        created = now - timedelta(days=500) + timedelta(hours=user_id)
        rows.append({"id": user_id, "email": f"bench{user_id}@example.org", "display_name": f"Bench Alumnus {user_id}",
                     "password_hash": password_hash, "role": role, "locale": ("de", "en", None)[user_id % 3],
                     "email_verified_at": created, "suspended_at": None, "session_version": 1,
                     "created_at": created, "last_login_at": None})
    return rows


def _post(rng: random.Random, post_id: int, created: datetime, body: tuple[str, str]) -> dict:
    news = rng.random() < 0.2
    members = rng.random() < 0.15
    return {"id": post_id, "kind": "news" if news else "discussion", "title": _sentence(rng, rng.randint(3, 8))[:-1],
            "body_source": body[0], "body_html": body[1], "excerpt": excerpt_from_html(body[1]),
            "category_id": rng.choice((None, 1, 2, 3, 4)), "visibility": "members" if members else "public",
            "public_teaser": members and rng.random() < 0.5,
            "status": "pending" if rng.random() < 0.005 else "published", "pinned": False, "locked": False,
            "hidden_at": created if rng.random() < 0.005 else None,
            "author_id": rng.randint(1, 11) if news else rng.randint(1, USERS),
            "created_at": created, "edited_at": None, "last_activity_at": created,
            "comment_count": 0, "like_count": 0}


def _comment(comment_id: int, post_id: int, parent: dict | None, author_id: int, created: datetime,
             body: tuple[str, str]) -> dict:
    segment = str(comment_id).zfill(PATH_SEGMENT)
    return {"id": comment_id, "post_id": post_id, "parent_id": parent["id"] if parent else None,
            "root_id": parent["root_id"] if parent else comment_id,
            "path": f"{parent['path']}.{segment}" if parent else segment,
            "depth": parent["depth"] + 1 if parent else 0, "author_id": author_id,
            "body_source": body[0], "body_html": body[1], "status": "published", "created_at": created,
            "edited_at": None, "deleted_at": None, "hidden_at": None, "like_count": 0}


def _thread(rng: random.Random, post: dict, first_id: int, now: datetime, bodies) -> list[dict]:
    """The big discussion: replies mostly answer a recent comment, so chains get deep, capped at depth 8."""
    start = now - timedelta(days=7)
    step = (now - timedelta(minutes=5) - start) / THREAD_COMMENTS
    rows: list[dict] = []
    for index in range(THREAD_COMMENTS):
        if index <= THREAD_MAX_DEPTH:  # the first comments form one chain down to the deepest level
            parent = rows[-1] if rows else None
        elif rng.random() < 0.12:
            parent = None
        else:
            recent = [c for c in rows[-40:] if c["depth"] < THREAD_MAX_DEPTH] or [None]
            parent = rows[-1] if rows[-1]["depth"] < THREAD_MAX_DEPTH and rng.random() < 0.5 else rng.choice(recent)
        rows.append(_comment(first_id + index, post["id"], parent, rng.randint(1, USERS), start + step * index,
                             rng.choice(bodies)))
    parents = {c["parent_id"] for c in rows}
    for comment in rows:
        roll = rng.random()
        if roll < 0.01:  # deleted by the author: placeholder, replies stay
            comment.update(deleted_at=comment["created_at"] + timedelta(minutes=3), body_source="", body_html="")
        elif roll < 0.015:
            comment["hidden_at"] = comment["created_at"] + timedelta(hours=1)
        elif roll < 0.02 and comment["id"] not in parents:  # held comments cannot have replies yet
            comment["status"] = "pending"
    return rows


def _small_threads(rng: random.Random, posts: list[dict], first_id: int, now: datetime, bodies) -> list[dict]:
    rows: list[dict] = []
    for post in posts:
        if post["status"] != "published" or rng.random() >= SMALL_THREAD_SHARE:
            continue
        span = (now - post["created_at"]) / 10
        for _ in range(rng.randint(1, 4)):
            same_post = bool(rows) and rows[-1]["post_id"] == post["id"]
            parent = rng.choice((None, rows[-1])) if same_post else None
            created = (rows[-1]["created_at"] if same_post else post["created_at"]) + span * rng.random()
            rows.append(_comment(first_id + len(rows), post["id"], parent, rng.randint(1, USERS), created,
                                 rng.choice(bodies)))
    return rows


def _likes(rng: random.Random, targets: list[dict], key: str, share: float, most: int) -> list[dict]:
    rows = []
    for target in targets:
        if rng.random() < share:
            likers = rng.sample(range(1, USERS + 1), rng.randint(1, most))
            rows += [{key: target["id"], "user_id": user_id, "created_at": target["created_at"]} for user_id in likers]
            target["like_count"] = len(likers)
    return rows


def _denormalise(posts: list[dict], comments: list[dict]) -> None:
    """comment_count counts visible comments; last_activity_at follows the newest published comment."""
    by_id = {post["id"]: post for post in posts}
    for comment in comments:
        if comment["status"] != "published":
            continue
        post = by_id[comment["post_id"]]
        post["last_activity_at"] = max(post["last_activity_at"], comment["created_at"])
        if comment["deleted_at"] is None and comment["hidden_at"] is None:
            post["comment_count"] += 1


def build(now: datetime, password_hash: str, seed: int = 2024) -> Dataset:
    rng = random.Random(seed)
    data = Dataset(users=_users(now, password_hash),
                   categories=[{"id": i, "slug": s, "name": n} for i, (s, n) in enumerate(CATEGORIES, start=1)])
    post_bodies, comment_bodies = _bodies(rng, 24, 3), _bodies(rng, 40, 1)
    start, step = now - timedelta(days=365), timedelta(days=364) / POSTS
    data.posts = [_post(rng, i, start + step * i, rng.choice(post_bodies)) for i in range(1, POSTS + 1)]
    # The big discussion: the newest post, public and published, so it sits on the feed's first page.
    thread_post = data.posts[-1]
    thread_post.update(kind="discussion", visibility="public", public_teaser=False, status="published",
                       hidden_at=None, title="The 1,000-comment discussion", created_at=now - timedelta(days=8),
                       last_activity_at=now - timedelta(days=8))
    data.thread_post_id = thread_post["id"]
    shown_news = [p for p in data.posts if p["kind"] == "news" and p["visibility"] == "public"
                  and p["status"] == "published" and p["hidden_at"] is None]
    for post in shown_news[-3:]:
        post["pinned"] = True  # the feed's first page also asks for pinned news
    data.comments = _thread(rng, thread_post, 1, now, comment_bodies)
    data.comments += _small_threads(rng, data.posts[:-1], len(data.comments) + 1, now, comment_bodies)
    _denormalise(data.posts, data.comments)
    data.post_likes = _likes(rng, data.posts, "post_id", 0.3, 10)
    data.comment_likes = _likes(rng, data.comments, "comment_id", 0.2, 5)
    return data
