"""Post use cases: write, edit, like, and the moderators' pin, lock, hide, restore, approve."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, select, update

from app import policy, site
from app.content import excerpt_from_html, render_markdown
from app.database import insert_if_absent, insert_new, rows_changed
from app.extensions import db
from app.models.audit import AuditAction
from app.models.notification import FollowTarget
from app.models.post import Category, Comment, Post, PostKind, PostLike, Status, Visibility
from app.models.types import utcnow
from app.models.user import User
from app.services import attachments as attachment_service
from app.services import audit, new_account_limits, screening, search_index
from app.services.errors import DomainError, PermissionDenied
from app.services.notifications import follow, notify_followers_of_post, notify_mentions_in_post

log = logging.getLogger(__name__)
DUPLICATE_WINDOW = timedelta(minutes=5)


def needs_approval(user: User) -> bool:
    """New accounts' first contribution is held when the admin turned that on."""
    if policy.can_moderate(user) or not site.get("hold_first_posts"):
        return False
    published = Status.PUBLISHED
    has_post = select(Post.id).where(Post.author_id == user.id, Post.status == published)
    has_comment = select(Comment.id).where(Comment.author_id == user.id, Comment.status == published)
    return not db.session.scalar(select(exists(has_post) | exists(has_comment)))


def _check_text(title: str, body: str) -> None:
    if not title.strip():
        raise DomainError(_l("Please enter a title."), "title")
    if not body.strip():
        raise DomainError(_l("Please write something."), "body")


def _render(post: Post, body: str) -> None:
    post.body_source = body
    post.body_html = render_markdown(body)
    post.excerpt = excerpt_from_html(post.body_html)


def create_post(author: User, *, kind: PostKind, title: str, body: str, category: Category | None,
                visibility: Visibility, public_teaser: bool = False, pinned: bool = False,
                submission: str | None = None, attachments: list | None = None, hold: bool = False) -> Post:
    """Start a discussion or write news, with its photos and files (the author's drafts, each photo described).
    The same form submitted twice (its `submission` key, even when both copies arrive at once) stores one
    post; without a key, a repeat within minutes does. `hold`: held for approval whatever its own text (what
    comes with it, a poll, was screened and held)."""
    if kind == PostKind.NEWS and not policy.can_write_news(author):
        raise PermissionDenied(_l("Only volunteers write news."))
    if kind == PostKind.DISCUSSION and not policy.can_start_discussion(author, visibility):
        raise PermissionDenied(_l("You may not start this discussion."))
    _check_text(title, body)
    new_account_limits.check_links(author, body)
    attachment_service.require_descriptions(attachments or [])
    verdict = screening.screen(author, {"title": title, "body": body}, where=screening.CONTRIBUTION)
    title, body = verdict.texts["title"], verdict.texts["body"]
    same = (Post.submission_key == submission) if submission else and_(
        Post.title == title.strip(), Post.body_source == body, Post.created_at >= utcnow() - DUPLICATE_WINDOW)
    duplicate = db.session.scalar(select(Post).where(Post.author_id == author.id, same))
    if duplicate is not None:
        return duplicate
    new_account_limits.check_daily(author)
    body_html = render_markdown(body)
    new_id = insert_new(Post, kind=kind, title=title.strip(), category_id=category.id if category else None,
                        visibility=visibility, public_teaser=public_teaser and visibility == Visibility.MEMBERS,
                        pinned=pinned and kind == PostKind.NEWS, author_id=author.id, body_source=body,
                        body_html=body_html, excerpt=excerpt_from_html(body_html), created_at=utcnow(),
                        last_activity_at=utcnow(), submission_key=submission,
                        status=Status.PENDING if verdict.hold or hold or needs_approval(author)
                        else Status.PUBLISHED)
    if new_id is None:  # the other copy of this submission was stored a moment ago
        return db.session.scalars(select(Post).where(Post.author_id == author.id, same)).one()
    post = db.session.get_one(Post, new_id)
    screening.record(verdict, post=post)
    search_index.index_new(post)
    if attachments:
        attachment_service.attach(attachments, post=post)
    if author.auto_follow:
        follow(author, FollowTarget.POST, post.id)
    notify_followers_of_post(post)
    notify_mentions_in_post(post)
    log.info("post %s (%s, %s) created by %s", post.id, post.kind, post.visibility, author.id)
    return post


def edit_post(editor: User, post: Post, *, title: str, body: str, category: Category | None,
              visibility: Visibility, public_teaser: bool, pinned: bool | None = None,
              attachments: list | None = None) -> None:
    """Change a post's text, settings and (when given) its photos and files; the edit time is shown."""
    if not policy.can_edit_post(editor, post):
        raise PermissionDenied(_l("You may not edit this post."))
    if visibility == Visibility.MEMBERS and not policy.is_member(editor):
        raise PermissionDenied(_l("Only members may make a post members-only."))
    _check_text(title, body)
    new_account_limits.check_links(editor, body)
    verdict = screening.screen(editor, {"title": title, "body": body}, where=screening.CONTRIBUTION, editing=True)
    title, body = verdict.texts["title"], verdict.texts["body"]
    post.title = title.strip()
    _render(post, body)
    post.category = category
    post.visibility = visibility
    post.public_teaser = public_teaser and visibility == Visibility.MEMBERS
    if pinned is not None and post.is_news and policy.is_volunteer(editor):
        post.pinned = pinned
    post.edited_at = utcnow()
    if attachments is not None:
        attachment_service.require_descriptions(attachments)
        attachment_service.attach(attachments, post=post)
    screening.record(verdict, post=post)
    notify_mentions_in_post(post)
    log.info("post %s edited by %s", post.id, editor.id)


def set_post_like(user: User, post: Post, *, liked: bool) -> None:
    """Like or unlike, as the button said when the page was shown: pressing "Like" twice (two tabs, the
    back button, a double click) leaves one like, never none. The count moves only when a row did."""
    if not policy.can_react(user, post):
        raise PermissionDenied(_l("You may not react to this post."))
    if liked:
        changed = insert_if_absent(PostLike, post_id=post.id, user_id=user.id, created_at=utcnow())
    else:
        changed = bool(rows_changed(delete(PostLike).where(PostLike.post_id == post.id, PostLike.user_id == user.id)))
    if changed:
        db.session.execute(update(Post).where(Post.id == post.id)
                           .values(like_count=Post.like_count + (1 if liked else -1)))


def _moderation(actor: User, post: Post, action: AuditAction) -> None:
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    audit.record(actor, action, subject_id=post.author_id, new_value=f"post:{post.id}")
    log.info("%s post %s by %s", action, post.id, actor.id)


def set_pinned(actor: User, post: Post, pinned: bool) -> None:
    """Pin news to the top of the feed, or unpin it."""
    _moderation(actor, post, AuditAction.POST_PINNED if pinned else AuditAction.POST_UNPINNED)
    if not post.is_news:
        raise DomainError(_l("Only news can be pinned."))
    post.pinned = pinned


def set_locked(actor: User, post: Post, locked: bool) -> None:
    """Close a thread for new comments until it is opened again, or open it now (either ends a timed lock)."""
    _moderation(actor, post, AuditAction.POST_LOCKED if locked else AuditAction.POST_UNLOCKED)
    post.locked = locked
    post.lock_at = post.locked_until = None


def set_post_hidden(actor: User, post: Post, hidden: bool) -> None:
    """Hide a post from everyone but moderators, or restore it. A moderator's decision ends any review after
    reports."""
    _moderation(actor, post, AuditAction.POST_HIDDEN if hidden else AuditAction.POST_RESTORED)
    change_hidden(post, hidden=hidden)


def change_hidden(post: Post, *, hidden: bool, review_reasons: str | None = None) -> None:
    """The one place a post's hiding changes; `review_reasons` marks a hiding after reports that awaits a moderator
    (app.services.flagging). Callers check who may, and record it."""
    post.hidden_at = (post.hidden_at or utcnow()) if hidden else None
    post.review_reasons = review_reasons if hidden else None


def approve_post(actor: User, post: Post) -> None:
    """Publish a post that was held for approval."""
    _moderation(actor, post, AuditAction.POST_APPROVED)
    if post.is_pending:
        post.status = Status.PUBLISHED
        post.last_activity_at = utcnow()
        notify_followers_of_post(post)
        notify_mentions_in_post(post)
