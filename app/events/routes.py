"""Events: the list, an event's page, organizers' create/edit/duplicate/cancel, iCalendar files."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import attaching, policy
from app.caching import anonymous_cache
from app.comment_html import ThreadRenderer
from app.events import bp
from app.events.forms import EventForm, PhotosForm, SignupForm
from app.extensions import db
from app.forms import CommentForm, ConfirmForm, populate_errors
from app.loaders import load_event
from app.models.notification import FollowTarget
from app.models.post import Visibility
from app.models.types import utcnow
from app.services import events as event_service
from app.services import feed_queries, signups, threads
from app.services.calendars import event_ics, feed_ics
from app.services.errors import DomainError
from app.services.notifications import is_following
from app.templating import DateTexts

PAGE_SIZE = 30


@bp.get("/")
@anonymous_cache
def index():
    past = request.args.get("when") == "past"
    events = event_service.upcoming_and_past(policy.public_events(), past)
    return render_template("events/index.html", events=events, past=past,
                           mine=signups.signups_for(current_user, events),
                           following=is_following(current_user, FollowTarget.EVENTS, 0))


@bp.get("/mine")
@login_required
def mine():
    """The events the person signed up for, to read on the way (also offline: app.webapp.saving); changing a
    sign-up happens on the event's page or the account page."""
    mine = [signup for signup in signups.upcoming_signups(current_user)
            if policy.can_read_event(current_user, signup.event)]  # a member no longer: their events go too
    return render_template("events/mine.html", signups=mine)


@bp.get("/<int:event_id>")
@anonymous_cache
def show(event_id: int):
    event = load_event(event_id)
    signup = signups.signup_of(current_user, event)
    position = signups.waitlist_position(signup) if signup and signup.is_waitlisted \
        else None
    comments = thread = None
    if event.discussion:
        start = request.args.get("start", "")
        comments = threads.thread_slice(event.discussion, start=int(start) if start.isdigit() and len(start) < 10
                                        else None)
        _post_liked, liked = feed_queries.liked_by(current_user, event.discussion)
        _own, files = attaching.visible_with_comments(event.discussion, comments.comment_ids())
        thread = ThreadRenderer(current_user, event.discussion, liked, files, DateTexts())
    return render_template("events/show.html", event=event, signup=signup, position=position,
                           closed_reason=signups.signup_closed_reason(event), comments=comments, thread=thread,
                           attachments=attaching.visible(event=event),
                           can_add_photos=_can_add_photos(event, signup),
                           # Forms make a CSRF token and so a session cookie: none for visitors.
                           **(_event_forms() if current_user.is_authenticated else {}))


def _can_add_photos(event, signup) -> bool:
    return event.ends_at <= utcnow() and policy.can_add_event_photos(
        current_user, event, signed_up=bool(signup and signup.is_confirmed))


@bp.route("/<int:event_id>/photos", methods=["GET", "POST"])
@login_required
def photos(event_id: int):
    """After the event: attendees add their pictures to its page."""
    event = load_event(event_id)
    signup = signups.signup_of(current_user, event)
    if not _can_add_photos(event, signup):
        abort(403)
    form = PhotosForm()
    files = attaching.from_request(current_user) if form.is_submitted() else attaching.Choices()
    if form.validate_on_submit() and files.items and files.ready(form):
        try:
            event_service.add_photos(current_user, event, files.items, signed_up=True)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Thank you! Your photos are on the event's page."), "success")
            return redirect(url_for("events.show", event_id=event.id) + "#photos")
    return render_template("events/photos.html", event=event, form=form, files=files), 400 if form.errors else 200


def _event_forms() -> dict:
    return {"form": SignupForm(), "comment_form": CommentForm(), "confirm_form": ConfirmForm()}


def _aware(value: datetime | None, zone: str) -> datetime | None:
    return value.replace(tzinfo=ZoneInfo(zone)) if value else None


def _details(form: EventForm) -> event_service.EventDetails:
    zone = form.timezone.data
    return event_service.EventDetails(
        title=form.title.data, description=form.description.data or "", starts_at=_aware(form.starts_at.data, zone),
        ends_at=_aware(form.ends_at.data, zone), timezone=zone, place=form.place.data or "",
        online_url=form.online_url.data or "",
        visibility=Visibility.MEMBERS if form.visibility.data == "members" else Visibility.PUBLIC,
        capacity=form.capacity.data, signup_opens_at=_aware(form.signup_opens_at.data, zone),
        signup_closes_at=_aware(form.signup_closes_at.data, zone), waitlist_enabled=form.waitlist_enabled.data,
        max_guests=form.max_guests.data or 0, note_label=form.note_label.data or "")


def _fill(form: EventForm, details: event_service.EventDetails) -> None:
    zone = ZoneInfo(details.timezone)
    for name in ("title", "timezone", "place", "online_url", "visibility", "capacity", "waitlist_enabled",
                 "max_guests", "note_label"):
        getattr(form, name).data = getattr(details, name)
    form.description.data = details.description
    for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        value = getattr(details, name)
        getattr(form, name).data = value.astimezone(zone).replace(tzinfo=None) if value else None


@bp.route("/new", methods=["GET", "POST"])
@policy.require(policy.can_manage_events)
def new():
    form = EventForm()
    source_id = request.args.get("from")
    if not form.is_submitted() and source_id:
        _fill(form, event_service.duplicate_details(load_event(source_id)))
        form.title.data = _("%(title)s (copy)", title=form.title.data)
    files = attaching.from_request(current_user) if form.is_submitted() else attaching.Choices()
    if form.validate_on_submit() and files.ready(form):
        try:
            event = event_service.create_event(current_user, _details(form), attachments=files.items)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("The event is published."), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/edit.html", form=form, event=None, files=files), 400 if form.errors else 200


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@policy.require(policy.can_manage_events)
def edit(event_id: int):
    event = load_event(event_id)
    form = EventForm()
    if not form.is_submitted():
        _fill(form, event_service.duplicate_details(event))
    files = attaching.from_request(current_user, event=event) if form.is_submitted() else attaching.current(event=event)
    if form.validate_on_submit() and files.ready(form):
        try:
            event_service.edit_event(current_user, event, _details(form), attachments=files.items)
        except DomainError as error:
            db.session.rollback()
            populate_errors(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/edit.html", form=form, event=event, files=files), 400 if form.errors else 200


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@policy.require(policy.can_manage_events)
def cancel(event_id: int):
    event = load_event(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        told = event_service.cancel_event(current_user, event)
        flash(ngettext("The event is cancelled. %(num)d person was told by mail.",
                       "The event is cancelled. %(num)d people were told by mail.", told), "success")
        return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/cancel.html", event=event, form=form)


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<int:event_id>.ics")
def event_calendar(event_id: int):
    event = load_event(event_id)
    signup = signups.signup_of(current_user, event)
    return _ics(event_ics(event, with_online_link=policy.can_see_online_link(current_user, event, signup)),
                f"event-{event.id}.ics")


def public_calendar():
    """/events.ics: public events only, as read by calendar programs."""
    events = event_service.upcoming_and_past(policy.public_events(), past=False, limit=500, with_description=True)
    return _ics(feed_ics(events), "events.ics")


@bp.record_once
def _register_public_calendar(state) -> None:
    # /events.ics sits beside the blueprint's /events/ prefix, so the app itself carries the rule.
    state.app.add_url_rule("/events.ics", endpoint="events.public_calendar", view_func=public_calendar)


@bp.get("/calendar/<token>.ics")
def personal_calendar(token: str):
    """The events someone is signed up for; the token in the URL is the only credential."""
    found = signups.personal_calendar(token)
    if found is None:
        abort(404)
    events, confirmed = found
    return _ics(feed_ics(events, name=_("My events"), online_links_for=confirmed), "my-events.ics")

