"""Posts: news (volunteers) and discussions (any verified alumnus), public or members-only."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class PostKind(enum.StrEnum):
    NEWS = "news"
    DISCUSSION = "discussion"
    EVENT = "event"  # an event's discussion; shown on the event page, never in a feed


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


class Status(enum.StrEnum):
    """Published, or held for a volunteer's approval (first posts of new accounts)."""

    PUBLISHED = "published"
    PENDING = "pending"


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0, server_default="0")  # the order volunteers chose
    # An archived category is no longer offered for new posts; its posts keep it and its page stays.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Moderated:
    """What posts, comments and the board's offers share: held for approval, hidden by moderators."""

    status: Mapped[Status]
    hidden_at: Mapped[datetime | None]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING


class SharedContent(Moderated):
    """... and posts and offers are public or members-only."""

    visibility: Mapped[Visibility]

    @property
    def is_members_only(self) -> bool:
        return self.visibility == Visibility.MEMBERS


class Post(SharedContent, db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        # The feed: newest activity first, keyset-paginated on (last_activity_at, id).
        Index("ix_posts_feed", "visibility", "last_activity_at", "id"),
        # The public feed filters on several columns; reading in activity order and filtering is cheapest.
        # PostgreSQL reads this one backwards; it cannot keep the order of an index led by `hidden_at IS NULL`.
        Index("ix_posts_activity", "last_activity_at", "id"),
        # SQLite (which plans without statistics) seeks here for every feed page: the posts not hidden, in order.
        Index("ix_posts_shown_activity", "hidden_at", "last_activity_at", "id"),
        # A category's feed: a seek to the category, in activity order (no sort of the whole category per page).
        Index("ix_posts_category_activity", "category_id", "last_activity_at", "id"),
        Index("ix_posts_pinned", "pinned", "last_activity_at"),
        # The organizers' dashboard counts posts and active people by creation time; this covering index spares
        # it reading the wide rows (bodies) of a year of posts.
        Index("ix_posts_created", "created_at", "kind", "status", "author_id", "comment_count", "hidden_at"),
        UniqueConstraint("author_id", "submission_key", name="uq_posts_author_submission"),
        # The moderators' badge counts held posts on every page they open: a seek to the few pending ones.
        Index("ix_posts_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PostKind] = mapped_column(str_enum(PostKind))
    title: Mapped[str] = mapped_column(String(200))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # sanitized by app.content at write time
    excerpt: Mapped[str] = mapped_column(String(400))  # plain text, the first lines
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.PUBLIC)
    # Members-only posts may show title and excerpt publicly, with a "members only" link; never the body.
    public_teaser: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.PUBLISHED)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Timed locking: a lock that starts by itself at `lock_at`, and any lock ends by itself at `locked_until`.
    # Read against the clock (`locked_at`), so no worker has to flip `locked` on time.
    lock_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Slow mode: one comment per person every this many minutes (0: off; moderators are exempt).
    slow_mode_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set while the post is hidden because enough people reported it, until a moderator decides: the reasons
    # reported (ReportReason values, comma-separated). NULL for a moderator's own hide and for shown posts.
    review_reasons: Mapped[str | None] = mapped_column(String(120))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept in the same transaction as the change, so lists never count rows.
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    submission_key: Mapped[str | None] = mapped_column(String(64))  # see Comment.submission_key

    author: Mapped[User] = relationship()
    category: Mapped[Category | None] = relationship()
    # Set when the discussion is an idea others vote for (app.models.idea); loaded with the post where shown.
    # (Named, not imported: app.models.idea builds on this module.)
    idea: Mapped[Idea | None] = relationship(back_populates="post", uselist=False, viewonly=True)  # noqa: F821
    # Its poll, if it carries one (app.models.poll); the feed loads it with the post, in the same query.
    # (Named, not imported: app.models.poll builds on this module.)
    poll: Mapped[Poll | None] = relationship(back_populates="post", passive_deletes=True)  # noqa: F821

    @property
    def is_news(self) -> bool:
        return self.kind == PostKind.NEWS

    @property
    def is_awaiting_review(self) -> bool:
        """Hidden after reports from the community, until a moderator restores it or confirms the hiding."""
        return self.hidden_at is not None and self.review_reasons is not None

    def locked_at(self, now: datetime) -> bool:
        """Whether the thread takes no new comments at `now`: locked by hand or from its scheduled start, and
        not past its end."""
        if self.locked_until is not None and now >= self.locked_until:
            return False
        return self.locked or (self.lock_at is not None and now >= self.lock_at)

    @property
    def is_locked(self) -> bool:
        return self.locked_at(utcnow())

    @property
    def lock_ahead(self) -> bool:
        """A scheduled lock that has not begun yet."""
        return self.lock_at is not None and utcnow() < self.lock_at and not self.is_locked


class Comment(Moderated, db.Model):
    """A comment in a thread: adjacency list (parent_id) plus a materialised path.

    `path` is the zero-padded ids from the top-level comment down to this one, so ordering by it
    returns a whole thread in display order in one query; `root_id` groups a top-level thread.
    """

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_post_path", "post_id", "path"),
                      # A thread's top-level comments a slice at a time (app.services.threads).
                      Index("ix_comments_post_roots", "post_id", "depth", "id"),
                      Index("ix_comments_created", "created_at", "author_id"),  # active people (dashboard)
                      Index("ix_comments_status", "status"),  # held comments, for the moderators' badge
                      UniqueConstraint("author_id", "submission_key", name="uq_comments_author_submission"))

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    root_id: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(1100), default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.PUBLISHED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_reasons: Mapped[str | None] = mapped_column(String(120))  # as Post.review_reasons
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    # The form's one-time key: two copies of one submission (a double click, two app processes) store one row.
    submission_key: Mapped[str | None] = mapped_column(String(64))

    post: Mapped[Post] = relationship()
    author: Mapped[User] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_awaiting_review(self) -> bool:
        """Hidden after reports from the community, until a moderator restores it or confirms the hiding."""
        return self.hidden_at is not None and self.review_reasons is not None

    @property
    def counts_as_visible(self) -> bool:
        """Counted in the post's comment_count."""
        return not (self.is_deleted or self.is_hidden or self.is_pending)


class PostLike(db.Model):
    __tablename__ = "post_likes"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_post_likes_post_user"),
                      Index("ix_post_likes_created", "created_at", "user_id"))  # active people (dashboard)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommentLike(db.Model):
    __tablename__ = "comment_likes"
    __table_args__ = (UniqueConstraint("comment_id", "user_id", name="uq_comment_likes_comment_user"),
                      Index("ix_comment_likes_created", "created_at", "user_id"))  # active people (dashboard)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
