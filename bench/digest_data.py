"""The digest bench's data set as plain rows: a week of activity and the notifications it caused.

Deterministic (fixed random seed) and scaled by the number of users: 10,000 users come with 1,000 posts
and 20,000 comments in the past seven days; 1,000 users with a tenth of that. Notifications are made
the way `app.services.notifications.notify_about_comment` makes them, comment by comment in time order:
the thread's followers at that moment get "followed", the parent comment's author "reply" (the more
personal kind wins), never the comment's author, only people who may read the post. Followers are the
post's author and every commenter (`auto_follow`, on by default) plus people who follow a few threads
by hand. Mail preferences: followed and replies daily for everybody, news daily for every eighth person.

Every cursor (`sent_until`) is `backlog_days` old: 1 (the default) is the daily run of any ordinary day,
yesterday's digests sent, the week's rows in the tables; 7 makes this digest everyone's first, covering
the whole week (people who subscribed a week ago: the heaviest daily run).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.dataset import _bodies, _comment, _sentence

FULL_USERS = 10_000
POSTS_PER_USER = 0.1  # 1,000 posts for 10,000 users
COMMENTS_PER_USER = 2.0  # 20,000 comments
NEWS_SHARE = 0.03
MEMBERS_ONLY_SHARE = 0.15
ACTIVE_SHARE = 0.15  # people who write posts and comments
HAND_FOLLOWER_SHARE = 0.1  # people who follow one to three threads by hand
NEWS_SUBSCRIBER_EVERY = 8
MAX_DEPTH = 8
COMMENT_DELAY_HOURS = 18  # mean time from a post to a comment on it
REPLY_FROM_PARTICIPANT = 0.7  # share of comments written by someone already in the thread


@dataclass
class DigestDataset:
    users: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    follows: list[dict] = field(default_factory=list)
    notifications: list[dict] = field(default_factory=list)
    mail_preferences: list[dict] = field(default_factory=list)
    expected_digests: int = 0  # people who have something new that they may still see

    def sizes(self) -> dict:
        kinds = {}
        for row in self.notifications:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        return {"users": len(self.users), "posts": len(self.posts),
                "news_posts": sum(p["kind"] == "news" for p in self.posts), "comments": len(self.comments),
                "follows": len(self.follows), "notifications": len(self.notifications),
                "notification_kinds": kinds, "mail_preferences": len(self.mail_preferences),
                "expected_digests": self.expected_digests}


def _users(count: int, now: datetime, password_hash: str) -> list[dict]:
    volunteers = max(2, count // 500)
    members = int(count * 0.15)
    rows = []
    for user_id in range(1, count + 1):
        role = ("admin" if user_id == 1 else "volunteer" if user_id <= 1 + volunteers
                else "member" if user_id <= 1 + volunteers + members else "alumnus")
        created = now - timedelta(days=400) + timedelta(minutes=user_id)
        rows.append({"id": user_id, "email": f"digest{user_id}@example.org", "display_name": f"Digest Reader {user_id}",
                     "password_hash": password_hash, "role": role, "locale": ("de", "en", None)[user_id % 3],
                     "email_verified_at": created, "suspended_at": None, "session_version": 1, "created_at": created,
                     "last_login_at": None, "mail_consent_at": now - timedelta(days=30), "auto_follow": True})
    return rows


def build(user_count: int, now: datetime, password_hash: str, backlog_days: int = 1, seed: int = 2024) -> DigestDataset:
    rng = random.Random(seed)
    data = DigestDataset(users=_users(user_count, now, password_hash),
                         categories=[{"id": 1, "slug": "general", "name": "General"}])
    is_member = {u["id"]: u["role"] != "alumnus" for u in data.users}
    volunteers = [u["id"] for u in data.users if u["role"] in ("admin", "volunteer")]
    active = rng.sample(range(1, user_count + 1), int(user_count * ACTIVE_SHARE))
    active_members = [u for u in active if is_member[u]] or volunteers
    # A few people write a lot: Zipf-like weights over the active people.
    weights = [1 / (rank + 50) for rank in range(len(active))]
    member_weights = [1 / (rank + 50) for rank in range(len(active_members))]
    post_bodies, comment_bodies = _bodies(rng, 12, 2), _bodies(rng, 30, 1)
    week = now - timedelta(days=7)
    cursor = now - timedelta(days=backlog_days) - (timedelta(hours=1) if backlog_days >= 7 else timedelta(0))

    post_count = round(user_count * POSTS_PER_USER)
    created = sorted(week + timedelta(seconds=rng.uniform(0, 6.9 * 86400)) for _ in range(post_count))
    for post_id, at in enumerate(created, start=1):
        news = rng.random() < NEWS_SHARE
        members_only = rng.random() < MEMBERS_ONLY_SHARE
        author = rng.choice(volunteers) if news else (
            rng.choices(active_members, member_weights)[0] if members_only else rng.choices(active, weights)[0])
        body = rng.choice(post_bodies)
        data.posts.append({
            "id": post_id, "kind": "news" if news else "discussion", "title": _sentence(rng, rng.randint(3, 8))[:-1],
            "body_source": body[0], "body_html": body[1], "excerpt": body[0][:300], "category_id": 1,
            "visibility": "members" if members_only else "public", "public_teaser": False, "status": "published",
            "pinned": False, "locked": False, "hidden_at": None, "author_id": author, "created_at": at,
            "edited_at": None, "last_activity_at": at, "comment_count": 0, "like_count": 0})

    # Followers per post: {user_id: since}. The author follows from the start (auto_follow).
    followers: dict[int, dict[int, datetime]] = {p["id"]: {p["author_id"]: p["created_at"]} for p in data.posts}
    popularity = [rng.lognormvariate(0, 0.7) for _ in data.posts]
    for user_id in rng.sample(range(1, user_count + 1), int(user_count * HAND_FOLLOWER_SHARE)):
        for post in rng.choices(data.posts, popularity, k=rng.randint(1, 3)):
            if post["visibility"] == "members" and not is_member[user_id]:
                continue
            since = min(post["created_at"] + timedelta(minutes=rng.uniform(0, 12 * 60)), now)
            followers[post["id"]].setdefault(user_id, since)

    # Comments: popular threads get most of them, most within a day or so of the post (activity decays).
    comment_count = round(user_count * COMMENTS_PER_USER)
    picks = rng.choices(data.posts, popularity, k=comment_count)

    def when(post: dict) -> datetime:
        delay = timedelta(hours=rng.expovariate(1 / COMMENT_DELAY_HOURS))
        return post["created_at"] + (delay if post["created_at"] + delay < now
                                     else (now - post["created_at"]) * rng.random())

    drafts = sorted(((post, when(post)) for post in picks), key=lambda pair: pair[1])
    by_post: dict[int, list[dict]] = {}
    readable = {p["id"]: p["visibility"] == "public" for p in data.posts}
    for comment_id, (post, at) in enumerate(drafts, start=1):
        thread = by_post.setdefault(post["id"], [])
        recent = [c for c in thread[-10:] if c["depth"] < MAX_DEPTH]
        parent = rng.choice(recent) if recent and rng.random() < 0.5 else None
        # Conversations: most comments come from people already in the thread.
        if thread and rng.random() < REPLY_FROM_PARTICIPANT:
            author = rng.choice(thread)["author_id"]
        else:
            pool, pool_weights = ((active_members, member_weights) if post["visibility"] == "members"
                                  else (active, weights))
            author = rng.choices(pool, pool_weights)[0]
        comment = _comment(comment_id, post["id"], parent, author, at, rng.choice(comment_bodies))
        roll = rng.random()
        if roll < 0.01:  # deleted later by its author: still notified, no longer mailed
            comment.update(deleted_at=at + timedelta(minutes=5), body_source="", body_html="")
        elif roll < 0.015:  # hidden later by a moderator
            comment["hidden_at"] = at + timedelta(minutes=30)
        thread.append(comment)
        data.comments.append(comment)
        post["last_activity_at"] = at
        if comment["deleted_at"] is None and comment["hidden_at"] is None:
            post["comment_count"] += 1
        # notify_about_comment: followers, then the parent's author (more personal), never oneself.
        recipients = {user_id: "followed" for user_id, since in followers[post["id"]].items() if since <= at}
        if parent is not None:
            recipients[parent["author_id"]] = "reply"
        recipients.pop(author, None)
        for user_id, kind in recipients.items():
            if readable[post["id"]] or is_member[user_id]:
                data.notifications.append({"user_id": user_id, "kind": kind, "post_id": post["id"],
                                           "comment_id": comment_id, "event_id": None, "actor_id": author,
                                           "created_at": at, "read_at": None})
        followers[post["id"]].setdefault(author, at)  # auto_follow on commenting

    data.follows = [{"user_id": user_id, "target": "post", "target_id": post_id, "created_at": since}
                    for post_id, people in followers.items() for user_id, since in people.items()]
    for user in data.users:
        kinds = ["followed", "replies"] + (["news"] if user["id"] % NEWS_SUBSCRIBER_EVERY == 0 else [])
        data.mail_preferences += [{"user_id": user["id"], "kind": kind, "mode": "daily", "sent_until": cursor}
                                  for kind in kinds]
    data.expected_digests = _expected(data, is_member, cursor)
    return data


def _expected(data: DigestDataset, is_member: dict[int, bool], cursor: datetime) -> int:
    """Who should get a digest: a notification since the cursor whose comment is still visible, or (news
    subscribers) a news post since the cursor they may read and did not write. Mirrors `digests._items`
    for this data set."""
    visible = {c["id"] for c in data.comments if c["deleted_at"] is None and c["hidden_at"] is None}
    people = {n["user_id"] for n in data.notifications if n["comment_id"] in visible and n["created_at"] > cursor}
    news = [p for p in data.posts if p["kind"] == "news" and p["created_at"] > cursor]
    for user in data.users:
        if user["id"] % NEWS_SUBSCRIBER_EVERY == 0 and any(
                p["author_id"] != user["id"] and (p["visibility"] == "public" or is_member[user["id"]]) for p in news):
            people.add(user["id"])
    return len(people)
