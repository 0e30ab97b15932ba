"""Who wants which mail how often: preferences per kind, double opt-in, one-click unsubscribe.

Kinds beyond the transactional (replies, followed threads, news, events) are mailed only after the
address owner confirmed by link; reminders are on by default and need no opt-in.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app import policy
from app.extensions import db
from app.mail import links, queue_mail
from app.models.notification import MailKind, MailMode, MailPreference
from app.models.types import utcnow
from app.models.user import User
from app.security import log_security_event
from app.services.errors import InvalidToken
from app.services.tokens import make_token, read_token

log = logging.getLogger(__name__)
# Kinds that are mailed only after the address owner confirmed (double opt-in).
NEEDS_CONSENT = (MailKind.REPLIES, MailKind.FOLLOWED, MailKind.NEWS, MailKind.EVENTS, MailKind.APPLICATIONS)
DEFAULTS = {kind: MailMode.OFF for kind in MailKind} | {MailKind.REMINDERS: MailMode.IMMEDIATELY}


def kinds_for(user: User) -> list[MailKind]:
    """The kinds of mail this person can choose (applications only for those who decide on them)."""
    return [kind for kind in MailKind if kind != MailKind.APPLICATIONS or policy.can_decide_membership(user)]


def preferences(user: User) -> dict[MailKind, MailMode]:
    stored = {row.kind: row.mode for row in db.session.scalars(
        select(MailPreference).where(MailPreference.user_id == user.id))}
    return {kind: stored.get(kind, DEFAULTS[kind]) for kind in MailKind}


def set_preferences(user: User, modes: dict[MailKind, MailMode]) -> bool:
    """Store the choice for every kind. Returns True when a confirmation mail was sent (double opt-in)."""
    now = utcnow()
    existing = {row.kind: row for row in db.session.scalars(
        select(MailPreference).where(MailPreference.user_id == user.id))}
    for kind, mode in modes.items():
        row = existing.get(kind)
        if row is None:
            db.session.add(MailPreference(user_id=user.id, kind=kind, mode=mode, sent_until=now))
        elif row.mode != mode:
            # Turning a kind off, or on again, restarts it now: nothing from the quiet time is mailed later.
            if row.mode == MailMode.OFF or mode == MailMode.OFF:
                row.sent_until = max(row.sent_until, now)
            row.mode = mode
    db.session.flush()
    wants_bulk = any(modes.get(kind, MailMode.OFF) != MailMode.OFF for kind in NEEDS_CONSENT)
    if wants_bulk and user.mail_consent_at is None:
        token = make_token("mail-consent", {"uid": user.id, "email": user.email})
        queue_mail(user.email, "mail_consent", locale=user.locale, user=user,
                   url=links.mail_consent(token))
        return True
    return False


def opt_in_to_news(user: User) -> bool:
    """The unticked "news by mail" box at registration and invitation, ticked: news right away (a digest chosen
    before stays). Nothing is mailed as news before the double opt-in; True when its confirmation mail went out."""
    if gets_news(user):
        return False
    log.info("user %s asked for news by mail", user.id)
    return set_preferences(user, {MailKind.NEWS: MailMode.IMMEDIATELY})


def gets_news(user: User) -> bool:
    """Whether news by mail is on for this person (confirmed or waiting for it): then it is not offered again."""
    return preferences(user)[MailKind.NEWS] != MailMode.OFF


def confirm_consent(token: str) -> User:
    payload = read_token("mail-consent", token)
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise InvalidToken("invalid")
    if user.mail_consent_at is None:
        user.mail_consent_at = utcnow()
    if user.email_verified_at is None:
        # The link reached this address, as a verification link would: someone who ticks "news" at registration
        # and confirms only this mail gets the news they asked for.
        user.email_verified_at = utcnow()
        log_security_event("email.verified", user)
    return user


def unsubscribe_url(user: User, *kinds: MailKind) -> str:
    """A link that turns these kinds off; a mail's List-Unsubscribe header names all kinds in it."""
    token = make_token("unsubscribe", {"uid": user.id, "kinds": [kind.value for kind in kinds]})
    return links.unsubscribe(token)


def kinds_in_token(token: str) -> list[MailKind]:
    payload = read_token("unsubscribe", token)
    names = payload.get("kinds") or ([payload["kind"]] if payload.get("kind") else [])
    if not names or not all(name in {k.value for k in MailKind} for name in names):
        raise InvalidToken("invalid")
    return [MailKind(name) for name in names]


def unsubscribe(token: str) -> tuple[User, list[MailKind]]:
    """Turn the kinds named in the link off (every such mail carries one; works without login)."""
    kinds = kinds_in_token(token)
    user = db.session.get(User, read_token("unsubscribe", token).get("uid"))
    if user is None:
        raise InvalidToken("invalid")
    set_preferences(user, dict.fromkeys(kinds, MailMode.OFF))
    log.info("user %s unsubscribed from %s mail", user.id, ", ".join(kind.value for kind in kinds))
    return user, kinds


def wants(user: User, kind: MailKind) -> bool:
    """Whether `user` gets this kind of mail at all (for the event reminders)."""
    row = db.session.get(MailPreference, (user.id, kind))
    mode = row.mode if row else DEFAULTS[kind]
    return mode != MailMode.OFF and (kind not in NEEDS_CONSENT or user.mail_consent_at is not None)
