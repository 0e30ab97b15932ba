"""Sign-ups: confirmed or waitlisted, never overbooked, waitlist promoted in order.

Every change to an event's seats first locks the event row (SELECT ... FOR UPDATE on PostgreSQL; a
write on SQLite, which takes the database's write lock), then counts the confirmed seats afresh
inside that lock. Concurrent sign-ups therefore queue up one behind the other, and a CHECK
constraint on events refuses an overbooked row should any code path ever get this wrong.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import has_request_context
from flask_babel import get_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

from app import policy, site
from app.database import insert_if_absent, rows_changed
from app.extensions import db
from app.mail import links, queue_mail
from app.models.event import Event, Signup, SignupStatus
from app.models.notification import MailKind
from app.models.types import utcnow
from app.models.user import User
from app.services.calendars import event_ics
from app.services.errors import DomainError, InvalidToken, PermissionDenied
from app.services.mail_preferences import unsubscribe_url, wants
from app.services.tokens import make_token, read_token

log = logging.getLogger(__name__)
CONFIRMED = SignupStatus.CONFIRMED
WAITLISTED = SignupStatus.WAITLISTED
CANCELLED = SignupStatus.CANCELLED


def lock_event(event_id: int) -> Event:
    """Hold the event row for the rest of the transaction and return it freshly loaded."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE; a no-op write takes the write lock (waits on busy_timeout).
        db.session.execute(update(Event).where(Event.id == event_id).values(seats_taken=Event.seats_taken))
    return db.session.scalars(select(Event).where(Event.id == event_id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def confirmed_seats(event_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(1 + Signup.guests), 0)).where(
        Signup.event_id == event_id, Signup.status == CONFIRMED)) or 0


def signup_of(user: User, event: Event) -> Signup | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(select(Signup).where(Signup.event_id == event.id,
                                                        Signup.user_id == user.id))


def signups_for(user, events: list[Event]) -> dict[int, Signup]:
    """The person's sign-ups for these events, by event id (one query; none for visitors)."""
    if user is None or not user.is_authenticated or not events:
        return {}
    return {signup.event_id: signup for signup in db.session.scalars(select(Signup).where(
        Signup.user_id == user.id, Signup.event_id.in_([event.id for event in events])))}


def personal_calendar(token: str) -> tuple[list[Event], set[int]] | None:
    """The events the owner of this calendar token signed up for (and may still see), and the ids of those
    they are confirmed for (whose online link the feed carries); None for an unknown token."""
    user = db.session.scalar(select(User).where(User.calendar_token == token)) if len(token) >= 20 else None
    if user is None or user.is_suspended:
        return None
    rows = db.session.scalars(select(Signup).where(Signup.user_id == user.id, Signup.status != CANCELLED)
                              .options(joinedload(Signup.event))).all()
    events = [row.event for row in rows if policy.can_read_event(user, row.event)]
    return events, {row.event_id for row in rows if row.status == CONFIRMED}


def attendees(event: Event) -> list[Signup]:
    """Everyone who signed up (also cancelled), in the order they did, with their accounts."""
    return list(db.session.scalars(select(Signup).where(Signup.event_id == event.id)
                                   .options(joinedload(Signup.user)).order_by(Signup.queued_at, Signup.id)))


def upcoming_signups(user: User) -> list[Signup]:
    """"My events": sign-ups for events that have not ended, soonest first."""
    return list(db.session.scalars(
        select(Signup).join(Event, Event.id == Signup.event_id)
        .where(Signup.user_id == user.id, Signup.status != CANCELLED, Event.ends_at >= utcnow())
        .options(contains_eager(Signup.event)).order_by(Event.starts_at)))


def waitlist_position(signup: Signup) -> int:
    """1 for the first in line."""
    return db.session.scalars(select(func.count()).where(
        Signup.event_id == signup.event_id, Signup.status == WAITLISTED,
        or_(Signup.queued_at < signup.queued_at,
            and_(Signup.queued_at == signup.queued_at, Signup.id <= signup.id)))).one()


def signup_closed_reason(event: Event):
    """Why nobody can sign up right now, or None."""
    now = utcnow()
    if event.is_cancelled:
        return _l("This event has been cancelled.")
    if event.starts_at <= now:
        return _l("This event has already started.")
    if event.signup_opens_at and now < event.signup_opens_at:
        return _l("Sign-up has not opened yet.")
    if event.signup_closes_at and now >= event.signup_closes_at:
        return _l("Sign-up has closed.")
    return None


def sign_up(user: User, event: Event, *, guests: int = 0, note: str = "", by_organizer: bool = False) -> Signup:
    """Sign up: confirmed while seats last, then waitlisted (if the event has a waitlist).

    Signing up twice returns the existing signup unchanged.
    """
    if not by_organizer:
        if not policy.can_sign_up(user, event):
            raise PermissionDenied(_l("You may not sign up for this event."))
        reason = signup_closed_reason(event)
        if reason:
            raise DomainError(reason)
    if guests < 0 or guests > event.max_guests:
        raise DomainError(lazy_ngettext("You can bring at most %(num)d guest.", "You can bring at most %(num)d guests.",
                                        event.max_guests), "guests")
    event = lock_event(event.id)
    existing = signup_of(user, event)
    if existing is not None and existing.status != CANCELLED:
        return existing
    seats = 1 + guests
    fits = event.capacity is None or confirmed_seats(event.id) + seats <= event.capacity
    if not fits and not event.waitlist_enabled:
        raise DomainError(_l("This event is fully booked."))
    status = CONFIRMED if fits else WAITLISTED
    now = utcnow()
    values = {"status": status, "guests": guests, "note": note.strip(), "queued_at": now,
              "confirmed_at": now if fits else None, "cancelled_at": None, "reminder_sent_at": None}
    if existing is None:
        insert_if_absent(Signup, event_id=event.id, user_id=user.id, **values)
        signup = db.session.scalars(select(Signup).where(Signup.event_id == event.id,
                                                         Signup.user_id == user.id)).one()
    else:
        signup = existing
        for key, value in values.items():
            setattr(signup, key, value)
    _recount(event)
    db.session.flush()
    _confirm_by_mail(signup)
    log.info("user %s signed up for event %s: %s", user.id, event.id, status)
    return signup


def cancel(signup: Signup, *, by_organizer: bool = False) -> None:
    """Cancel a sign-up; a freed seat goes to the first on the waitlist at once."""
    event = lock_event(signup.event_id)
    db.session.refresh(signup)
    if signup.status == CANCELLED:
        return
    signup.status = CANCELLED
    signup.cancelled_at = utcnow()
    db.session.flush()
    _recount(event)
    promote_waitlist(event)
    log.info("signup %s for event %s cancelled%s", signup.id, event.id,
             " by an organizer" if by_organizer else "")


def promote_waitlist(event: Event) -> list[Signup]:
    """Move people up from the waitlist, in order, while their seats fit. Call with the event locked."""
    if event.is_cancelled:
        return []
    promoted = []
    taken = confirmed_seats(event.id)
    waiting = db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.status == WAITLISTED)
        .order_by(Signup.queued_at, Signup.id)).all()
    for signup in waiting:
        if event.capacity is not None and taken + signup.seats > event.capacity:
            break  # strictly in order: nobody jumps the queue because their party is smaller
        signup.status = CONFIRMED
        signup.confirmed_at = utcnow()
        taken += signup.seats
        promoted.append(signup)
        queue_mail(signup.user.email, "event_promoted", locale=signup.user.locale,
                   user=signup.user, event=event, **_links(signup),
                   attachments=[("event.ics", "text/calendar", event_ics(event, with_online_link=True))])
    if promoted:
        db.session.flush()
        _recount(event)
        log.info("event %s: %s promoted from the waitlist", event.id, len(promoted))
    return promoted


def _recount(event: Event) -> None:
    """Store the counted seats on the event (the CHECK constraint guards the capacity)."""
    db.session.flush()
    event.seats_taken = confirmed_seats(event.id)
    db.session.flush()


def cancel_token(signup: Signup) -> str:
    return make_token("cancel-registration", {"rid": signup.id, "uid": signup.user_id})


def signup_for_token(token: str) -> Signup:
    payload = read_token("cancel-registration", token)
    signup = db.session.get(Signup, payload.get("rid"))
    if signup is None or signup.user_id != payload.get("uid"):
        raise InvalidToken(_l("This link is not valid. Please request a new one."))
    return signup


def _links(signup: Signup) -> dict:
    return {"url": links.event(signup.event_id),
            "cancel_url": links.signup_cancellation(cancel_token(signup))}


def _confirm_by_mail(signup: Signup) -> None:
    event = signup.event
    attachments = []
    if signup.status == CONFIRMED:
        attachments = [("event.ics", "text/calendar", event_ics(event, with_online_link=True))]
    position = waitlist_position(signup) if signup.status == WAITLISTED else None
    # The person signing up is the one on the page: without a stored language, use the page's.
    locale = signup.user.locale or (str(get_locale()) if has_request_context() else None)
    queue_mail(signup.user.email, "event_signup", locale=locale, user=signup.user,
               event=event, signup=signup, position=position, attachments=attachments,
               **_links(signup))


def send_reminders() -> int:
    """Mail confirmed attendees of events starting within the reminder window, once per person.

    Each reminder is claimed by a guarded UPDATE (reminder_sent_at IS NULL), so concurrent runs
    never both send the same one.
    """
    now = utcnow()
    window = now + timedelta(hours=site.get("reminder_hours"))
    due = db.session.scalars(select(Signup.id).join(Event, Event.id == Signup.event_id).where(
        Signup.status == CONFIRMED, Signup.reminder_sent_at.is_(None), Event.cancelled_at.is_(None),
        Event.starts_at > now, Event.starts_at <= window)).all()
    sent = 0
    for signup_id in due:
        if rows_changed(update(Signup).where(Signup.id == signup_id, Signup.reminder_sent_at.is_(None),
                                             Signup.status == CONFIRMED).values(reminder_sent_at=now)) != 1:
            continue
        signup = db.session.get_one(Signup, signup_id)
        if not wants(signup.user, MailKind.REMINDERS):
            continue  # claimed all the same: turning reminders back on later does not resend old ones
        unsubscribe = unsubscribe_url(signup.user, MailKind.REMINDERS)
        queue_mail(signup.user.email, "event_reminder", locale=signup.user.locale,
                   user=signup.user, event=signup.event, unsubscribe_url=unsubscribe,
                   headers={"List-Unsubscribe": f"<{unsubscribe}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}, **_links(signup))
        sent += 1
    return sent
