"""Account use cases: register, verify, log in and out, reset and change password, change email
and profile."""

from __future__ import annotations

import logging

from flask import has_request_context, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.mail import queue_mail
from app.models.types import utcnow
from app.models.user import Role, User
from app.security import log_security_event
from app.services.errors import DomainError, InvalidToken
from app.services.passwords import check_password_rules, hash_password, password_matches
from app.services.tokens import make_token, password_fingerprint, read_token

log = logging.getLogger(__name__)


def _locale_for(user: User) -> str | None:
    """Mail about one's own account: the account's language, else the one the page was shown in."""
    return user.locale or (str(get_locale()) if has_request_context() else None)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_account(
    email: str, display_name: str, password: str, *, role: Role = Role.ALUMNUS,
    locale: str | None = None, verified: bool = False,
) -> User:
    """Create an account (used by registration and the command line)."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_l("An account with this email address already exists."), "email")
    check_password_rules(password, email=email, display_name=display_name)
    from app.services.notifications import unique_handle

    user = User(
        email=email, display_name=display_name.strip(), password_hash=hash_password(password),
        role=role.value, locale=locale, email_verified_at=utcnow() if verified else None,
        handle=unique_handle(display_name), auto_follow=True,
    )
    db.session.add(user)
    db.session.flush()
    log.info("account %s created with role %s", user.id, role.value)
    return user


def register(email: str, display_name: str, password: str, locale: str | None) -> User | None:
    """Register an unverified alumnus and mail a verification link.

    A taken address gets a mail to its owner instead, and the caller answers the same either
    way, so the form cannot be used to find out who has an account.
    """
    existing = find_user_by_email(email)
    if existing is not None:
        queue_mail(existing.email, "account_exists", locale=existing.locale or locale, user=existing,
                   login_url=url_for("auth.login", _external=True),
                   reset_url=url_for("auth.reset_request", _external=True))
        log_security_event("register.existing_email", existing)
        return None
    user = create_account(email, display_name, password, locale=locale)
    send_verification(user)
    log_security_event("register", user)
    return user


def send_verification(user: User) -> None:
    """Mail a fresh verification link."""
    token = make_token("verify-email", {"uid": user.id, "email": user.email})
    queue_mail(user.email, "verify_email", locale=_locale_for(user), user=user,
               url=url_for("auth.verify_email", token=token, _external=True))


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
    """The user for these credentials, or None. Unknown email and wrong password look the same."""
    user = find_user_by_email(email)
    if not password_matches(user.password_hash if user else None, password) or user is None:
        log_security_event("login.failed", user)
        return None
    if user.is_suspended:
        log_security_event("login.suspended", user)
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    log_security_event("login", user)


def end_all_sessions(user: User, reason: str) -> None:
    """Invalidate every session and remember cookie of this user, on every device."""
    user.session_version += 1
    log_security_event("sessions.ended", user, reason=reason)


def update_profile(user: User, display_name: str, locale: str | None) -> None:
    """Change display name and preferred language."""
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
               reset_url=url_for("auth.reset_request", _external=True))
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
               url=url_for("account.confirm_email", token=token, _external=True))
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
               url=url_for("auth.reset_password", token=token, _external=True))
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
               reset_url=url_for("auth.reset_request", _external=True))
    log_security_event("reset.completed", user)
    return user


def renew_calendar_token(user: User) -> str:
    """A new secret for the personal calendar feed; the old URL stops working."""
    import secrets

    user.calendar_token = secrets.token_urlsafe(24)
    return user.calendar_token
