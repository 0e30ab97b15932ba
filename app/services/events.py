"""Event use cases for organizers: create, edit, duplicate, cancel."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from app import policy
from app.content import excerpt_from_html, render_markdown
from app.extensions import db
from app.mail import links, queue_mail
from app.models.event import Event, Signup, SignupStatus
from app.models.post import Post, PostKind
from app.models.types import utcnow
from app.models.user import User
from app.services import attachments as attachment_service
from app.services import screening
from app.services.errors import DomainError, PermissionDenied
from app.services.notifications import notify_followers_of_events
from app.services.signups import confirmed_seats, lock_event, promote_waitlist

log = logging.getLogger(__name__)


@dataclass
class EventDetails:
    """What an organizer fills in; times are aware datetimes (converted from the event's zone)."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    place: str
    online_url: str
    visibility: str
    capacity: int | None
    signup_opens_at: datetime | None
    signup_closes_at: datetime | None
    waitlist_enabled: bool
    max_guests: int
    note_label: str


def _check(details: EventDetails) -> None:
    if details.ends_at < details.starts_at:
        raise DomainError(_l("The end must not be before the start."), "ends_at")
    if details.capacity is not None and details.capacity < 0:
        raise DomainError(_l("The number of seats cannot be negative."), "capacity")
    if details.signup_opens_at and details.signup_closes_at and details.signup_closes_at < details.signup_opens_at:
        raise DomainError(_l("Sign-up must close after it opens."), "signup_closes_at")
    if details.signup_closes_at and details.signup_closes_at > details.ends_at:
        raise DomainError(_l("Sign-up must close before the event ends."), "signup_closes_at")


def _screen(organizer: User, details: EventDetails) -> EventDetails:
    """The event's texts against the watched words (organizers are volunteers: only block and censor apply)."""
    verdict = screening.screen(organizer, {"title": details.title, "description": details.description,
                                           "place": details.place, "note_label": details.note_label},
                               where=screening.EVENT)
    texts = verdict.texts
    return replace(details, title=texts["title"], description=texts["description"], place=texts["place"],
                   note_label=texts["note_label"])


def _apply(event: Event, details: EventDetails) -> None:
    event.title = details.title.strip()
    event.description_source = details.description
    event.description_html = render_markdown(details.description)
    for name in ("starts_at", "ends_at", "timezone", "place", "online_url", "visibility", "capacity",
                 "signup_opens_at", "signup_closes_at", "waitlist_enabled", "max_guests", "note_label"):
        setattr(event, name, getattr(details, name))


def _sync_discussion(event: Event, author: User) -> None:
    """The event's discussion post follows its title and visibility."""
    if event.discussion is None:
        event.discussion = Post(kind=PostKind.EVENT, author=author, body_source="", body_html="", excerpt="")
        db.session.add(event.discussion)
    event.discussion.title = event.title
    event.discussion.visibility = event.visibility
    event.discussion.excerpt = excerpt_from_html(event.description_html)


def create_event(organizer: User, details: EventDetails, attachments: list | None = None) -> Event:
    """Publish an event (with its photos and files, each photo described)."""
    if not policy.can_manage_events(organizer):
        raise PermissionDenied(_l("Only volunteers create events."))
    _check(details)
    details = _screen(organizer, details)
    attachment_service.require_descriptions(attachments or [])
    event = Event(created_by=organizer)
    _apply(event, details)
    _sync_discussion(event, organizer)
    db.session.add(event)
    db.session.flush()
    if attachments:
        attachment_service.attach(attachments, event=event)
    notify_followers_of_events(event)
    log.info("event %s created by %s", event.id, organizer.id)
    return event


def edit_event(organizer: User, event: Event, details: EventDetails, attachments: list | None = None) -> None:
    """Change an event (and, when given, its photos and files). More seats promote the waitlist; fewer never
    remove confirmed people."""
    if not policy.can_manage_events(organizer):
        raise PermissionDenied(_l("Only volunteers edit events."))
    _check(details)
    details = _screen(organizer, details)
    attachment_service.require_descriptions(attachments or [])
    lock_event(event.id)
    taken = confirmed_seats(event.id)
    if details.capacity is not None and details.capacity < taken:
        raise DomainError(lazy_ngettext("%(num)d seat is already taken; the capacity cannot be lower.",
                                        "%(num)d seats are already taken; the capacity cannot be lower.", taken),
                          "capacity")
    _apply(event, details)
    _sync_discussion(event, organizer)
    if attachments is not None:
        attachment_service.attach(attachments, event=event)
    db.session.flush()
    promote_waitlist(event)
    log.info("event %s edited by %s", event.id, organizer.id)


def duplicate_details(event: Event) -> EventDetails:
    """The details of an event, to prefill a new one (dates kept for the organizer to change)."""
    return EventDetails(
        title=event.title, description=event.description_source, starts_at=event.starts_at, ends_at=event.ends_at,
        timezone=event.timezone, place=event.place, online_url=event.online_url, visibility=event.visibility,
        capacity=event.capacity, signup_opens_at=event.signup_opens_at, signup_closes_at=event.signup_closes_at,
        waitlist_enabled=event.waitlist_enabled, max_guests=event.max_guests, note_label=event.note_label)


def cancel_event(organizer: User, event: Event) -> int:
    """Cancel an event and tell everyone signed up; returns how many were told."""
    if not policy.can_manage_events(organizer):
        raise PermissionDenied(_l("Only volunteers cancel events."))
    if event.is_cancelled:
        return 0
    event.cancelled_at = utcnow()
    signups = db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.status != SignupStatus.CANCELLED)).all()
    for signup in signups:
        queue_mail(signup.user.email, "event_cancelled", locale=signup.user.locale,
                   user=signup.user, event=event, url=links.event(event.id))
    log.info("event %s cancelled by %s, %s attendees told", event.id, organizer.id, len(signups))
    return len(signups)


def message_attendees(organizer: User, event: Event, subject: str, body: str) -> int:
    """Mail every confirmed attendee; returns how many."""
    if not policy.can_manage_events(organizer):
        raise PermissionDenied(_l("Only volunteers write to attendees."))
    signups = db.session.scalars(select(Signup).where(
        Signup.event_id == event.id, Signup.status == SignupStatus.CONFIRMED)).all()
    for signup in signups:
        queue_mail(signup.user.email, "event_message", locale=signup.user.locale,
                   user=signup.user, event=event, subject=subject.strip(), body=body,
                   sender=organizer.display_name, reply_to=organizer.email,
                   url=links.event(event.id))
    log.info("event %s: %s attendees written to by %s", event.id, len(signups), organizer.id)
    return len(signups)


def upcoming_and_past(visible, past: bool, limit: int = 30, with_description: bool = False) -> list[Event]:
    """Events under the policy's `visible` clause: upcoming soonest first, or past latest first. Lists show no
    description (most of an event's bytes); the calendar feed asks for it."""
    now = utcnow()
    query = select(Event).where(visible)
    if not with_description:
        query = query.options(defer(Event.description_source), defer(Event.description_html))
    query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc()) if past else \
        query.where(Event.ends_at >= now).order_by(Event.starts_at)
    return list(db.session.scalars(query.limit(limit)))


def counts(event_ids: list[int]) -> dict[int, int]:
    """Waitlist length per event, in one query (for lists)."""
    if not event_ids:
        return {}
    rows = db.session.execute(select(Signup.event_id, func.count()).where(
        Signup.event_id.in_(event_ids), Signup.status == SignupStatus.WAITLISTED)
        .group_by(Signup.event_id))
    return dict(rows.all())


def add_photos(user: User, event: Event, attachments: list, *, signed_up: bool) -> None:
    """After an event, its attendees (and volunteers) add their pictures to its page: the event's memory."""
    if event.ends_at > utcnow() or not policy.can_add_event_photos(user, event, signed_up):
        raise PermissionDenied(_l("Photos can be added after the event by those who took part."))
    attachment_service.require_descriptions(attachments)
    attachment_service.attach(attachments, event=event, start=len(attachment_service.of(event=event)))
