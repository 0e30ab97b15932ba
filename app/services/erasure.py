"""Delete my account (GDPR Art. 17): asked for with the password, undone by logging in within the grace period,
then erased for good by the worker's nightly job (or at once by an admin, audited).

Erasing removes what is about the person — the inventory of app.services.data_export says where that is —
and keeps the shape of conversations: the account row stays as an anonymous "former member" (so threads and
sign-up counts stay consistent), every personal field of it is overwritten. What they wrote is kept under
that anonymous name, or emptied, as they chose (comments become the usual "deleted" placeholder, so replies
keep their place). Event sign-ups are cancelled like any cancel: freed seats go to the waitlist in order.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from app import site
from app.database import after_commit
from app.extensions import db
from app.models import (
    AnnouncementDelivery,
    Attachment,
    CommentLike,
    DigestClaim,
    Follow,
    Invitation,
    MailPreference,
    MemberProfile,
    MembershipApplication,
    NewsConsent,
    Notification,
    OutgoingMail,
    PostLike,
    PushChoice,
    PushSubscription,
    Report,
    Sanction,
)
from app.models.audit import AuditAction
from app.models.event import Signup, SignupStatus
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import Role, User
from app.security import log_security_event
from app.services import attachments, audit, ideas, profiles, signups, uploads
from app.services.accounts import end_all_sessions
from app.services.errors import DomainError, PermissionDenied
from app.services.passwords import hash_password, password_matches

log = logging.getLogger(__name__)


def _last_admin(user: User) -> bool:
    if user.role != Role.ADMIN:
        return False
    return (db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) or 0) <= 1


def request_deletion(user: User, password: str, *, keep_content: bool) -> None:
    """Ask for erasure: every session ends now; logging in again within the grace period undoes it."""
    if not password_matches(user.password_hash, password or ""):
        raise DomainError(_l("This is not your current password."), "current_password")
    if _last_admin(user):
        raise PermissionDenied(_l("You are the last admin. Make someone else an admin first, then delete your "
                                  "account."))
    user.deletion_requested_at = utcnow()
    user.deletion_keeps_content = keep_content
    end_all_sessions(user, "deletion requested")
    log_security_event("account.deletion_requested", user)


def cancel_deletion(user: User) -> bool:
    """Logging in during the grace period keeps the account; True when a deletion was pending."""
    if user.deletion_requested_at is None or user.erased_at is not None:
        return False
    user.deletion_requested_at = None
    log_security_event("account.deletion_cancelled", user)
    return True


def erase_due() -> int:
    """The nightly job: erase the accounts whose grace period is over."""
    cutoff = utcnow() - timedelta(days=current_app.config["ACCOUNT_DELETION_GRACE_DAYS"])
    due = db.session.scalars(select(User).where(User.deletion_requested_at < cutoff,
                                                User.erased_at.is_(None))).all()
    for user in due:
        erase(user)
    return len(due)


def erase_by_admin(actor: User, user: User, *, keep_content: bool = True) -> None:
    if actor.role != Role.ADMIN or actor.id == user.id:
        raise PermissionDenied(_l("Only another admin may erase an account."))
    if _last_admin(user):
        raise PermissionDenied(_l("The last admin cannot be erased."))
    user.deletion_keeps_content = keep_content
    erase(user, actor)


def erase(user: User, actor: User | None = None) -> None:
    """Remove the person from every table of the inventory, now, in this transaction."""
    if user.erased_at is not None:
        return
    _cancel_signups(user)
    _remove_likes(user)
    ideas.withdraw_votes(user)
    _remove_own_rows(user)
    _remove_files(user)
    _remove_offers(user)
    if not user.deletion_keeps_content:
        _empty_content(user)
    _anonymise(user)
    audit.record(actor, AuditAction.ACCOUNT_ERASED, subject_id=user.id)
    log.info("account %s erased%s", user.id, f" by admin {actor.id}" if actor else "")


def _cancel_signups(user: User) -> None:
    for signup in db.session.scalars(select(Signup).where(Signup.user_id == user.id,
                                                          Signup.status != SignupStatus.CANCELLED)).all():
        signups.cancel(signup)  # a freed seat goes to the first on the waitlist
    db.session.execute(update(Signup).where(Signup.user_id == user.id).values(note="", guests=0))


def _remove_likes(user: User) -> None:
    for like in db.session.scalars(select(PostLike).where(PostLike.user_id == user.id)).all():
        db.session.execute(update(Post).where(Post.id == like.post_id).values(like_count=Post.like_count - 1))
    for comment_like in db.session.scalars(select(CommentLike).where(CommentLike.user_id == user.id)).all():
        db.session.execute(update(Comment).where(Comment.id == comment_like.comment_id)
                           .values(like_count=Comment.like_count - 1))
    db.session.execute(delete(PostLike).where(PostLike.user_id == user.id))
    db.session.execute(delete(CommentLike).where(CommentLike.user_id == user.id))


def _remove_own_rows(user: User) -> None:
    for model in (Follow, Notification, MailPreference, DigestClaim, AnnouncementDelivery, MembershipApplication,
                  NewsConsent, Sanction, PushSubscription, PushChoice):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))
    db.session.execute(update(Invitation).where(Invitation.accepted_by_id == user.id).values(accepted_by_id=None))
    db.session.execute(update(Report).where(Report.reporter_id == user.id).values(reporter_id=None, note=""))
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.recipient == user.email))
    entry = db.session.get(MemberProfile, user.id)
    if entry is not None:
        photo = entry.photo_name
        db.session.delete(entry)
        if photo:
            after_commit(lambda: uploads.delete("photos", photo))


def _remove_offers(user: User) -> None:
    """Offers on the jobs board go with their poster: nobody would answer an application to an erased account."""
    for offer in db.session.scalars(select(Opportunity).where(Opportunity.author_id == user.id)).all():
        db.session.delete(offer)  # through the session, so the search index forgets it too


def _remove_files(user: User) -> None:
    for attachment in db.session.scalars(select(Attachment).where(Attachment.owner_id == user.id)).all():
        if attachment.is_draft or not user.deletion_keeps_content:
            attachments.remove(attachment)
    profiles.remove_avatar(user)


def _empty_content(user: User) -> None:
    """The person chose to take their words with them: comments become placeholders, posts are hidden and
    emptied (others' replies under them stay readable to moderators, nobody else)."""
    for comment in db.session.scalars(select(Comment).where(Comment.author_id == user.id,
                                                            Comment.deleted_at.is_(None))).all():
        comment.deleted_at, comment.body_source, comment.body_html = utcnow(), "", ""
    for post in db.session.scalars(select(Post).where(Post.author_id == user.id)).all():
        post.title, post.body_source, post.body_html, post.excerpt = "—", "", "", ""
        post.hidden_at = post.hidden_at or utcnow()


def _anonymise(user: User) -> None:
    with force_locale(site.get("default_locale")):
        user.display_name = _("Former member")
    user.email = f"erased-{user.id}@erased.invalid"
    user.handle = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.bio, user.locale, user.calendar_token, user.mail_consent_at = "", None, None, None
    user.email_verified_at, user.last_login_at, user.suspension_reason, user.silence_reason = None, None, "", ""
    user.role = Role.ALUMNUS
    user.session_version += 1
    user.erased_at = utcnow()
