"""Account use cases: register, verify, log in and out, reset and change password, change email
and profile."""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app import site
from app.extensions import db
from app.mail import links, queue_mail
from app.models.notification import Follow, FollowTarget, Notification
from app.models.types import utcnow
from app.models.user import Role, User
from app.security import log_security_event
from app.services import mail_preferences, screening
from app.services.errors import AccountAwaitingApproval, AccountSuspended, DomainError, InvalidToken
from app.services.passwords import check_password_rules, hash_password, password_matches
from app.services.tokens import make_token, password_fingerprint, read_token

log = logging.getLogger(__name__)
PEOPLE_PER_PAGE = 50
HANDLE_PATTERN = re.compile(r"^[a-z0-9_]{3,30}$")


def _locale_for(user: User) -> str | None:
    """Mail about one's own account: the account's language, else the one the page was shown in."""
    return user.locale or (str(get_locale()) if has_request_context() else None)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def load_for_session(user_id: int) -> User | None:
    """The person behind a session cookie, with the bell's count of unread notifications in the same statement
    (every page a signed-in person opens shows it)."""
    unread = (select(func.count()).select_from(Notification)
              .where(Notification.user_id == User.id, Notification.read_at.is_(None))
              .correlate(User).scalar_subquery())
    row = db.session.execute(select(User, unread).where(User.id == user_id)).first()
    if row is None:
        return None
    user, user.unread_notifications = row[0], row[1]  # a plain attribute, read by notifications.unread_count
    return user


def find_people(text: str, page: int):
    """Accounts whose name or email contains `text`, a page at a time (the admins' list of people)."""
    query = select(User).order_by(User.display_name, User.id)
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(pattern), func.lower(User.email).like(pattern)))
    return db.paginate(query, page=page, per_page=PEOPLE_PER_PAGE, error_out=False)


def create_account(
    email: str, display_name: str, password: str, *, role: Role = Role.ALUMNUS,
    locale: str | None = None, verified: bool = False, approved: bool = True,
) -> User:
    """Create an account (used by registration and the command line)."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_l("An account with this email address already exists."), "email")
    check_password_rules(password, email=email, display_name=display_name)

    user = User(
        email=email, display_name=display_name.strip(), password_hash=hash_password(password),
        role=role, locale=locale, email_verified_at=utcnow() if verified else None,
        handle=unique_handle(display_name), auto_follow=True, awaiting_approval=not approved,
    )
    db.session.add(user)
    db.session.flush()
    log.info("account %s created with role %s", user.id, role.value)
    return user


def register(email: str, display_name: str, password: str, locale: str | None, *,
             wants_news: bool = False) -> User | None:
    """Register an unverified alumnus and mail a verification link (and, for news by mail, the double opt-in).

    A taken address gets a mail to its owner instead, and the caller answers the same either
    way, so the form cannot be used to find out who has an account. The name is screened first, for the same
    reason: a refused name says nothing about the address.
    """
    screen_name(None, display_name)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_mail(existing.email, "account_exists", locale=existing.locale or locale, user=existing,
                   login_url=links.login(),
                   reset_url=links.password_reset_request())
        log_security_event("register.existing_email", existing)
        return None
    user = create_account(email, display_name, password, locale=locale,
                          approved=site.get("registration_mode") != "approval")
    if site.get("new_accounts_follow_events"):
        db.session.add(Follow(user_id=user.id, target=FollowTarget.EVENTS, target_id=0))  # the bell only
    send_verification(user)
    if wants_news:
        mail_preferences.opt_in_to_news(user)
    log_security_event("register", user)
    return user


def send_verification(user: User) -> None:
    """Mail a fresh verification link."""
    token = make_token("verify-email", {"uid": user.id, "email": user.email})
    queue_mail(user.email, "verify_email", locale=_locale_for(user), user=user,
               url=links.email_verification(token))


def verify_email(token: str) -> User:
    """Mark the address in the token as verified (again is fine)."""
    payload = read_token("verify-email", token)
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise InvalidToken(_l("This link is not valid. Please request a new one."))
    if not user.is_verified:
        user.email_verified_at = utcnow()
        log_security_event("email.verified", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown email and wrong password look the same; the right
    password of a suspended account raises AccountSuspended."""
    user = find_user_by_email(email)
    if not password_matches(user.password_hash if user else None, password) or user is None:
        log_security_event("login.failed", user)
        return None
    if user.is_suspended:
        log_security_event("login.suspended", user)
        raise AccountSuspended(user)
    if user.awaiting_approval:
        log_security_event("login.awaiting_approval", user)
        raise AccountAwaitingApproval()
    return user


def record_login(user: User, page_locale: str | None = None) -> None:
    """Note the login. An account without a stored language (made on the command line, or before languages
    were stored) keeps the one its pages are shown in, so the mail sent to it later is in that language."""
    user.last_login_at = utcnow()
    if user.locale is None and page_locale:
        user.locale = page_locale
    log_security_event("login", user)


def end_all_sessions(user: User, reason: str) -> None:
    """Invalidate every session and remember cookie of this user, on every device."""
    user.session_version += 1
    log_security_event("sessions.ended", user, reason=reason)


def set_password(user: User, new_password: str, reason: str) -> None:
    """Set a password chosen for the person (command line); every session of theirs ends."""
    user.password_hash = hash_password(new_password)
    end_all_sessions(user, reason)


def screen_name(user: User | None, display_name: str) -> None:
    """A display name someone chose, against the watched words (DomainError at the field)."""
    screening.screen(user, {"display_name": display_name}, where=screening.NAME)


def update_profile(user: User, display_name: str, locale: str | None) -> None:
    """Change display name and preferred language."""
    if display_name.strip() != user.display_name:
        screen_name(user, display_name)
    user.display_name = display_name.strip()
    user.locale = locale or None


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password after re-checking the current one; ends all other sessions."""
    if not password_matches(user.password_hash, current_password):
        log_security_event("password.change_failed", user)
        raise DomainError(_l("This is not your current password."), "current_password")
    check_password_rules(new_password, email=user.email, display_name=user.display_name)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user, "password changed")
    queue_mail(user.email, "password_changed", locale=_locale_for(user), user=user,
               reset_url=links.password_reset_request())
    log_security_event("password.changed", user)


def request_email_change(user: User, new_email: str, current_password: str) -> None:
    """Mail a confirmation link to the new address, and a notice to the current one."""
    if not password_matches(user.password_hash, current_password):
        log_security_event("email.change_failed", user)
        raise DomainError(_l("This is not your current password."), "current_password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise DomainError(_l("This is already your email address."), "email")
    if find_user_by_email(new_email) is not None:
        raise DomainError(_l("An account with this email address already exists."), "email")
    token = make_token("change-email", {"uid": user.id, "old": user.email, "new": new_email})
    queue_mail(new_email, "confirm_email_change", locale=_locale_for(user), user=user,
               url=links.email_change(token))
    queue_mail(user.email, "email_change_requested", locale=_locale_for(user), user=user, new_email=new_email)
    log_security_event("email.change_requested", user)


def confirm_email_change(token: str) -> User:
    """Switch to the new address from the token; the old address is told."""
    payload = read_token("change-email", token)
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("old"):
        raise InvalidToken(_l("This link has already been used or is no longer valid."))
    if find_user_by_email(payload["new"]) is not None:
        raise InvalidToken(_l("An account with this email address already exists."))
    old_email = user.email
    user.email = payload["new"]
    user.email_verified_at = utcnow()
    queue_mail(old_email, "email_changed", locale=_locale_for(user), user=user, new_email=user.email)
    log_security_event("email.changed", user)
    return user


def request_password_reset(email: str, locale: str | None) -> None:
    """Mail a reset link when the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        log_security_event("reset.unknown_email")
        return
    token = make_token("reset-password", {"uid": user.id, "fp": password_fingerprint(user.password_hash)})
    queue_mail(user.email, "reset_password", locale=user.locale or locale, user=user,
               url=links.password_reset(token))
    log_security_event("reset.requested", user)


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to, if the link is still good (unused, unexpired)."""
    payload = read_token("reset-password", token)
    user = db.session.get(User, payload.get("uid"))
    if user is None or password_fingerprint(user.password_hash) != payload.get("fp"):
        raise InvalidToken(_l("This link has already been used or is no longer valid."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link, and every session, stop working."""
    user = user_for_reset_token(token)
    check_password_rules(new_password, email=user.email, display_name=user.display_name)
    user.password_hash = hash_password(new_password)
    if not user.is_verified:  # the link proved the mailbox is theirs
        user.email_verified_at = utcnow()
    end_all_sessions(user, "password reset")
    queue_mail(user.email, "password_changed", locale=_locale_for(user), user=user,
               reset_url=links.password_reset_request())
    log_security_event("reset.completed", user)
    return user


def renew_calendar_token(user: User) -> str:
    """A new secret for the personal calendar feed; the old URL stops working."""
    user.calendar_token = secrets.token_urlsafe(24)
    return user.calendar_token


# ---------------------------------------------------------------- @handles (for mentions)


def handle_from_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.replace("ß", "ss")).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:24]
    return base if len(base) >= 3 else f"user_{base}".strip("_")


def unique_handle(name: str) -> str:
    """A free handle derived from the name: ada_lovelace, ada_lovelace2, ..."""
    base = handle_from_name(name)
    taken = set(db.session.scalars(select(User.handle).where(User.handle.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def change_handle(user: User, handle: str) -> None:
    """Choose another @handle (lower case letters, digits, underscore)."""
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE_PATTERN.match(handle):
        raise DomainError(_l("Use 3 to 30 lower-case letters, digits or underscores."), "handle")
    owner = db.session.scalar(select(User.id).where(User.handle == handle))
    if owner is not None and owner != user.id:
        raise DomainError(_l("This handle is taken."), "handle")
    if handle != user.handle:
        screening.screen(user, {"handle": handle}, where=screening.NAME)
    user.handle = handle


def find_by_handle(handle: str) -> User | None:
    """The person with this handle ("@ada" or "ada"), if any."""
    handle = handle.strip().lstrip("@").lower()[:30]
    return db.session.scalar(select(User).where(User.handle == handle)) if handle else None
