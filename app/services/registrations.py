"""Sign-ups: confirmed or waitlisted, never overbooked, waitlist promoted in order.

Every change to an event's seats first locks the event row (SELECT ... FOR UPDATE on PostgreSQL; a
write on SQLite, which takes the database's write lock), then counts the confirmed seats afresh
inside that lock. Concurrent sign-ups therefore queue up one behind the other, and a CHECK
constraint on events refuses an overbooked row should any code path ever get this wrong.
"""

from __future__ import annotations

import logging

from flask import current_app, has_request_context, url_for
from flask_babel import get_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update

from app import policy
from app.database import insert_if_absent
from app.extensions import db
from app.mail import queue_mail
from app.models.event import Event, Registration, RegistrationStatus
from app.models.types import utcnow
from app.models.user import User
from app.services.calendars import event_ics
from app.services.errors import DomainError, InvalidToken, PermissionDenied
from app.services.tokens import make_token, read_token

log = logging.getLogger(__name__)
CONFIRMED = RegistrationStatus.CONFIRMED.value
WAITLISTED = RegistrationStatus.WAITLISTED.value
CANCELLED = RegistrationStatus.CANCELLED.value


def lock_event(event_id: int) -> Event:
    """Hold the event row for the rest of the transaction and return it freshly loaded."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE; a no-op write takes the write lock (waits on busy_timeout).
        db.session.execute(update(Event).where(Event.id == event_id).values(seats_taken=Event.seats_taken))
    return db.session.scalars(select(Event).where(Event.id == event_id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def confirmed_seats(event_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(1 + Registration.guests), 0)).where(
        Registration.event_id == event_id, Registration.status == CONFIRMED)) or 0


def registration_of(user: User, event: Event) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                        Registration.user_id == user.id))


def upcoming_registrations(user: User) -> list[Registration]:
    """"My events": sign-ups for events that have not ended, soonest first."""
    from sqlalchemy.orm import contains_eager

    return list(db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, Registration.status != CANCELLED, Event.ends_at >= utcnow())
        .options(contains_eager(Registration.event)).order_by(Event.starts_at)))


def waitlist_position(registration: Registration) -> int:
    """1 for the first in line."""
    return db.session.scalar(select(func.count()).where(
        Registration.event_id == registration.event_id, Registration.status == WAITLISTED,
        or_(Registration.queued_at < registration.queued_at,
            and_(Registration.queued_at == registration.queued_at, Registration.id <= registration.id))))


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


def sign_up(user: User, event: Event, *, guests: int = 0, note: str = "", by_organizer: bool = False) -> Registration:
    """Sign up: confirmed while seats last, then waitlisted (if the event has a waitlist).

    Signing up twice returns the existing registration unchanged.
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
    existing = registration_of(user, event)
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
        insert_if_absent(Registration, event_id=event.id, user_id=user.id, **values)
        registration = registration_of(user, event)
    else:
        registration = existing
        for key, value in values.items():
            setattr(registration, key, value)
    _recount(event)
    db.session.flush()
    _confirm_by_mail(registration)
    log.info("user %s signed up for event %s: %s", user.id, event.id, status)
    return registration


def cancel(registration: Registration, *, by_organizer: bool = False) -> None:
    """Cancel a sign-up; a freed seat goes to the first on the waitlist at once."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status == CANCELLED:
        return
    registration.status = CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()
    _recount(event)
    promote_waitlist(event)
    log.info("registration %s for event %s cancelled%s", registration.id, event.id,
             " by an organizer" if by_organizer else "")


def promote_waitlist(event: Event) -> list[Registration]:
    """Move people up from the waitlist, in order, while their seats fit. Call with the event locked."""
    if event.is_cancelled:
        return []
    promoted = []
    taken = confirmed_seats(event.id)
    waiting = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == WAITLISTED)
        .order_by(Registration.queued_at, Registration.id)).all()
    for registration in waiting:
        if event.capacity is not None and taken + registration.seats > event.capacity:
            break  # strictly in order: nobody jumps the queue because their party is smaller
        registration.status = CONFIRMED
        registration.confirmed_at = utcnow()
        taken += registration.seats
        promoted.append(registration)
        queue_mail(registration.user.email, "event_promoted", locale=registration.user.locale,
                   user=registration.user, event=event, **_links(registration),
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


def cancel_token(registration: Registration) -> str:
    return make_token("cancel-registration", {"rid": registration.id, "uid": registration.user_id})


def registration_for_token(token: str) -> Registration:
    payload = read_token("cancel-registration", token)
    registration = db.session.get(Registration, payload.get("rid"))
    if registration is None or registration.user_id != payload.get("uid"):
        raise InvalidToken(_l("This link is not valid. Please request a new one."))
    return registration


def _links(registration: Registration) -> dict:
    return {"url": url_for("events.show", event_id=registration.event_id, _external=True),
            "cancel_url": url_for("events.cancel_by_link", token=cancel_token(registration), _external=True)}


def _confirm_by_mail(registration: Registration) -> None:
    event = registration.event
    attachments = []
    if registration.status == CONFIRMED:
        attachments = [("event.ics", "text/calendar", event_ics(event, with_online_link=True))]
    position = waitlist_position(registration) if registration.status == WAITLISTED else None
    # The person signing up is the one on the page: without a stored language, use the page's.
    locale = registration.user.locale or (str(get_locale()) if has_request_context() else None)
    queue_mail(registration.user.email, "event_signup", locale=locale, user=registration.user,
               event=event, registration=registration, position=position, attachments=attachments,
               **_links(registration))


def send_reminders() -> int:
    """Mail confirmed attendees of events starting within the reminder window, once per person.

    Each reminder is claimed by a guarded UPDATE (reminder_sent_at IS NULL), so concurrent runs
    never both send the same one.
    """
    from datetime import timedelta

    from app.models.notification import MailKind
    from app.services.mailings import unsubscribe_url, wants

    now = utcnow()
    window = now + timedelta(hours=current_app.config["REMINDER_HOURS"])
    due = db.session.scalars(select(Registration.id).join(Event, Event.id == Registration.event_id).where(
        Registration.status == CONFIRMED, Registration.reminder_sent_at.is_(None), Event.cancelled_at.is_(None),
        Event.starts_at > now, Event.starts_at <= window)).all()
    sent = 0
    for registration_id in due:
        claimed = db.session.execute(update(Registration).where(
            Registration.id == registration_id, Registration.reminder_sent_at.is_(None),
            Registration.status == CONFIRMED).values(reminder_sent_at=now))
        if claimed.rowcount != 1:
            continue
        registration = db.session.get(Registration, registration_id)
        if not wants(registration.user, MailKind.REMINDERS):
            continue  # claimed all the same: turning reminders back on later does not resend old ones
        unsubscribe = unsubscribe_url(registration.user, MailKind.REMINDERS)
        queue_mail(registration.user.email, "event_reminder", locale=registration.user.locale,
                   user=registration.user, event=registration.event, unsubscribe_url=unsubscribe,
                   headers={"List-Unsubscribe": f"<{unsubscribe}>",
                            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}, **_links(registration))
        sent += 1
    return sent
