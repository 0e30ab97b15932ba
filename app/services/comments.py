"""Comment use cases: write and reply, edit within a window, delete, like, moderate."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app import policy, site
from app.content import render_markdown
from app.database import insert_if_absent, insert_new, rows_changed
from app.extensions import db
from app.models.audit import AuditAction
from app.models.post import Comment, CommentLike, Post, Status
from app.models.types import utcnow
from app.models.user import User
from app.services import attachments as attachment_service
from app.services import audit, new_account_limits, screening, search_index, thread_limits
from app.services.errors import DomainError, PermissionDenied
from app.services.notifications import notify_about_comment
from app.services.posts import DUPLICATE_WINDOW, needs_approval

log = logging.getLogger(__name__)
PATH_SEGMENT = 10  # digits per id in the materialised path
MAX_DEPTH = 60  # stored depth; display nests only to a few levels (see templates)


def edit_window() -> timedelta:
    return timedelta(minutes=site.get("comment_edit_minutes"))


def _count_change(comment: Comment, delta: int) -> None:
    db.session.execute(update(Post).where(Post.id == comment.post_id)
                       .values(comment_count=Post.comment_count + delta))


def add_comment(author: User, post: Post, body: str, parent: Comment | None = None, *,
                submission: str | None = None, attachments: list | None = None) -> Comment:
    """Comment on a post or reply to a comment, with photos and files (each photo described). The same form
    submitted twice (its `submission` key, even when both copies arrive at once) stores one comment; without
    a key, a repeat within minutes does."""
    _check_comment(author, post, body, parent)
    attachment_service.require_descriptions(attachments or [])
    verdict = screening.screen(author, {"body": body}, where=screening.CONTRIBUTION)
    body = verdict.texts["body"]
    earlier = _earlier_copy(author, post, body, parent, submission)
    if earlier is not None:
        return earlier
    thread_limits.check_pace(author, post)  # after the earlier copy: a double click is not a second comment
    new_account_limits.check_daily(author)
    held = verdict.hold or needs_approval(author)
    new_id = insert_new(Comment, post_id=post.id, parent_id=parent.id if parent else None, author_id=author.id,
                        body_source=body, body_html=render_markdown(body), depth=parent.depth + 1 if parent else 0,
                        status=Status.PENDING if held else Status.PUBLISHED, created_at=utcnow(),
                        submission_key=submission)
    if new_id is None:  # the other copy of this submission was stored a moment ago
        return db.session.scalars(select(Comment).where(Comment.author_id == author.id,
                                                        Comment.submission_key == submission)).one()
    comment = db.session.get_one(Comment, new_id)
    screening.record(verdict, comment=comment)
    search_index.index_new(comment)
    if attachments:
        attachment_service.attach(attachments, comment=comment)
    segment = str(comment.id).zfill(PATH_SEGMENT)  # the id is part of the path
    comment.path = f"{parent.path}.{segment}" if parent else segment
    comment.root_id = parent.root_id if parent else comment.id
    if not held:
        _count_change(comment, +1)
        post.last_activity_at = comment.created_at
        notify_about_comment(comment)
    log.info("comment %s on post %s by %s%s", comment.id, post.id, author.id, " (held)" if held else "")
    return comment


def _check_comment(author: User, post: Post, body: str, parent: Comment | None) -> None:
    if not policy.can_comment(author, post):
        if post.is_locked:
            raise PermissionDenied(_l("This discussion is locked. No new comments can be added."))
        raise PermissionDenied(_l("You may not comment here."))
    if not body.strip():
        raise DomainError(_l("Please write something."), "body")
    new_account_limits.check_links(author, body)
    if parent is not None:
        if parent.post_id != post.id:
            raise DomainError(_l("This reply does not belong to this post."), "body")
        if parent.is_deleted or parent.is_hidden or parent.is_pending:
            raise DomainError(_l("This comment was removed. You can no longer reply to it."), "body")
        if parent.depth + 1 >= MAX_DEPTH:
            raise DomainError(_l("This thread is too deep. Please reply further up."), "body")


def _earlier_copy(author: User, post: Post, body: str, parent: Comment | None, submission: str | None):
    if submission:
        return db.session.scalar(select(Comment).where(Comment.author_id == author.id,
                                                       Comment.submission_key == submission))
    same_parent = Comment.parent_id == parent.id if parent else Comment.parent_id.is_(None)
    return db.session.scalar(select(Comment).where(
        Comment.author_id == author.id, Comment.post_id == post.id, same_parent,
        Comment.body_source == body, Comment.created_at >= utcnow() - DUPLICATE_WINDOW))


def edit_comment(editor: User, comment: Comment, body: str) -> None:
    """Change one's own comment within the edit window; it is shown as edited."""
    if not policy.can_edit_comment(editor, comment, utcnow(), edit_window()):
        raise PermissionDenied(_l("This comment can no longer be edited."))
    if not body.strip():
        raise DomainError(_l("Please write something."), "body")
    new_account_limits.check_links(editor, body)
    verdict = screening.screen(editor, {"body": body}, where=screening.CONTRIBUTION, editing=True)
    body = verdict.texts["body"]
    screening.record(verdict, comment=comment)
    comment.body_source = body
    comment.body_html = render_markdown(body)
    comment.edited_at = utcnow()


def delete_comment(user: User, comment: Comment) -> None:
    """Delete one's own comment: the text goes, a placeholder keeps the replies in place."""
    if not policy.can_delete_comment(user, comment):
        raise PermissionDenied(_l("You may not delete this comment."))
    if comment.counts_as_visible:
        _count_change(comment, -1)
    comment.deleted_at = utcnow()
    comment.body_source = ""
    comment.body_html = ""
    for attachment in attachment_service.of(comment=comment):  # its photos go with its words
        attachment_service.remove(attachment)
    log.info("comment %s deleted by its author %s", comment.id, user.id)


def set_comment_like(user: User, comment: Comment, *, liked: bool) -> None:
    """Like or unlike a comment, as the button said (see posts.set_post_like)."""
    if not policy.can_react(user, comment.post) or not comment.counts_as_visible:
        raise PermissionDenied(_l("You may not react to this comment."))
    if liked:
        changed = insert_if_absent(CommentLike, comment_id=comment.id, user_id=user.id, created_at=utcnow())
    else:
        changed = bool(rows_changed(delete(CommentLike).where(CommentLike.comment_id == comment.id,
                                                              CommentLike.user_id == user.id)))
    if changed:
        db.session.execute(update(Comment).where(Comment.id == comment.id)
                           .values(like_count=Comment.like_count + (1 if liked else -1)))


def _moderation(actor: User, comment: Comment, action: AuditAction) -> None:
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    audit.record(actor, action, subject_id=comment.author_id, new_value=f"comment:{comment.id}")
    log.info("%s comment %s by %s", action, comment.id, actor.id)


def set_comment_hidden(actor: User, comment: Comment, hidden: bool) -> None:
    """Hide a comment behind a placeholder (replies stay), or restore it. A moderator's decision ends any review
    after reports."""
    _moderation(actor, comment, AuditAction.COMMENT_HIDDEN if hidden else AuditAction.COMMENT_RESTORED)
    change_hidden(comment, hidden=hidden)


def change_hidden(comment: Comment, *, hidden: bool, review_reasons: str | None = None) -> None:
    """The one place a comment's hiding changes, with the thread's count; `review_reasons` marks a hiding after
    reports that awaits a moderator (app.services.flagging). Callers check who may, and record it."""
    if comment.is_deleted:
        return
    was_counted = comment.counts_as_visible
    comment.hidden_at = (comment.hidden_at or utcnow()) if hidden else None
    comment.review_reasons = review_reasons if hidden else None
    if was_counted != comment.counts_as_visible:
        _count_change(comment, -1 if was_counted else +1)


def approve_comment(actor: User, comment: Comment) -> None:
    """Publish a comment that was held for approval."""
    _moderation(actor, comment, AuditAction.COMMENT_APPROVED)
    if not comment.is_pending:
        return
    comment.status = Status.PUBLISHED
    if comment.counts_as_visible:
        _count_change(comment, +1)
        comment.post.last_activity_at = utcnow()
        notify_about_comment(comment)
