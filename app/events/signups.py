"""Signing up and cancelling (also by mailed link), and the organizers' attendee pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import limits, policy
from app.events import bp
from app.events.forms import AddAttendeeForm, MessageForm, SignupForm
from app.extensions import db, limiter
from app.forms import ConfirmForm, populate_errors
from app.loaders import load_event
from app.models.event import Signup, SignupStatus
from app.services import events as event_service
from app.services import signups
from app.services.accounts import find_user_by_email
from app.services.errors import DomainError, InvalidToken, PermissionDenied
from app.spreadsheet import csv_download


@bp.post("/<int:event_id>/signup")
@login_required
@limiter.limit(limits.posting, key_func=limits.per_person)
def signup(event_id: int):
    event = load_event(event_id)
    if not policy.can_take_part(current_user):
        flash(_("Please confirm your email address first. We have sent you a link."), "error")
        return redirect(url_for("events.show", event_id=event.id))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            signup = signups.sign_up(current_user, event, guests=form.guests.data or 0,
                                                 note=form.note.data or "")
        except PermissionDenied:
            abort(403)
        except DomainError as error:
            populate_errors(form, error)
        else:
            if signup.is_confirmed:
                flash(_("You are signed up. We have sent you a confirmation with a calendar entry."), "success")
            else:
                flash(_("The event is full: you are on the waitlist at place %(num)d. We will write to you if a "
                        "seat becomes free.", num=signups.waitlist_position(signup)), "info")
            return redirect(url_for("events.show", event_id=event.id) + "#signup")
    for message in [*form.form_errors, *form.guests.errors, *form.note.errors]:
        flash(message, "error")
    return redirect(url_for("events.show", event_id=event.id) + "#signup"), 303


@bp.route("/<int:event_id>/cancel-signup", methods=["GET", "POST"])
@login_required
def cancel_signup(event_id: int):
    """Asks first (the seat goes to the next person at once), as the mailed cancel link does."""
    event = load_event(event_id)
    signup = signups.signup_of(current_user, event)
    if signup is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        signups.cancel(signup)
        flash(_("Your sign-up is cancelled."), "success")
        return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/cancel_signup.html", signup=signup, event=event, form=form)


@bp.route("/cancel/<token>", methods=["GET", "POST"])
def cancel_by_link(token: str):
    """The link from the confirmation mail: works without logging in; GET only asks."""
    try:
        signup = signups.signup_for_token(token)
    except InvalidToken as error:
        return render_template("errors/link_invalid.html", message=error.message, back_url=url_for("events.index"),
                               back_label=_("Go to the events")), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        signups.cancel(signup)
        flash(_("Your sign-up is cancelled."), "success")
        return redirect(url_for("events.cancel_by_link", token=token))
    return render_template("events/cancel_signup.html", signup=signup, event=signup.event,
                           form=form)


@bp.get("/<int:event_id>/attendees")
@policy.require(policy.can_manage_events)
def attendees(event_id: int):
    event = load_event(event_id)
    rows = signups.attendees(event)
    groups = {status.value: [r for r in rows if r.status == status] for status in SignupStatus}
    return render_template("events/attendees.html", event=event, groups=groups, add_form=AddAttendeeForm(),
                           form=ConfirmForm())


@bp.get("/<int:event_id>/attendees.csv")
@policy.require(policy.can_manage_events)
def attendees_csv(event_id: int):
    event = load_event(event_id)
    zone = ZoneInfo(event.timezone)  # the event's own time, named in the header, as organizers read it
    labels = {"confirmed": _("confirmed"), "waitlisted": _("waitlist"), "cancelled": _("cancelled")}
    header = [_("Name"), _("Email address"), _("Status"), _("Guests"), event.note_label or _("Note"),
              _("Signed up (%(zone)s)", zone=event.timezone)]
    rows = [[row.user.display_name, row.user.email, labels[row.status], row.guests, row.note,
             row.queued_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")] for row in signups.attendees(event)]
    return csv_download([header, *rows], f"attendees-event-{event.id}.csv")


@bp.route("/<int:event_id>/message", methods=["GET", "POST"])
@policy.require(policy.can_manage_events)
def message(event_id: int):
    event = load_event(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        sent = event_service.message_attendees(current_user, event, form.subject.data, form.body.data)
        flash(ngettext("Your message was sent to %(num)d attendee.", "Your message was sent to %(num)d attendees.",
                       sent), "success")
        return redirect(url_for("events.attendees", event_id=event.id))
    return render_template("events/message.html", event=event, form=form), 400 if form.errors else 200


@bp.post("/<int:event_id>/attendees/add")
@policy.require(policy.can_manage_events)
def add_attendee(event_id: int):
    event = load_event(event_id)
    form = AddAttendeeForm()
    if not form.validate_on_submit():
        flash(" ".join(str(m) for m in form.email.errors) or _("Please enter an email address."), "error")
        return redirect(url_for("events.attendees", event_id=event.id))
    person = find_user_by_email(form.email.data)
    if person is None or not policy.can_read_event(person, event):
        flash(_("There is no account with this address that may see this event."), "error")
        return redirect(url_for("events.attendees", event_id=event.id))
    try:
        signup = signups.sign_up(person, event, by_organizer=True)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s is added (%(status)s).", name=person.display_name,
                status=_("confirmed") if signup.is_confirmed else _("waitlist")), "success")
    return redirect(url_for("events.attendees", event_id=event.id))


@bp.post("/<int:event_id>/attendees/<int:signup_id>/remove")
@policy.require(policy.can_manage_events)
def remove_attendee(event_id: int, signup_id: int):
    event = load_event(event_id)
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.event_id != event.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        signups.cancel(signup, by_organizer=True)
        flash(_("%(name)s is removed from the event.", name=signup.user.display_name), "success")
    return redirect(url_for("events.attendees", event_id=event.id))
