"""The members area. Visitors are sent to log in; logged-in non-members learn how to join."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import wraps

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.members import bp
from app.members.forms import ApplicationForm, DecisionForm
from app.models.membership import MembershipApplication
from app.models.types import utcnow
from app.services import feed_queries, membership
from app.services.errors import DomainError, PermissionDenied
from app.services.events import upcoming_and_past


def members_only(view):
    """Visitors go to login (and come back); logged-in non-members see what the area offers."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not policy.can_enter_members_area(current_user):
            return render_template("members/not_a_member.html",
                                   application=membership.latest_application(current_user)), 403
        return view(*args, **kwargs)

    return wrapped


@bp.get("/")
@members_only
def home():
    # "New since your last visit" is kept in the session, so reading the page writes nothing.
    seen = session.get("members_seen_at")
    last_visit = datetime.fromtimestamp(seen, tz=UTC) if isinstance(seen, (int, float)) else None
    session["members_seen_at"] = utcnow().timestamp()
    page = feed_queries.feed_page(policy.members_area_posts(current_user), cursor=request.args.get("before"))
    events = upcoming_and_past(policy.members_area_events(current_user), past=False, limit=10)
    return render_template("members/home.html", page=page, events=events, last_visit=last_visit)


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply():
    if policy.is_member(current_user):
        return redirect(url_for("members.home"))
    if not policy.can_apply_for_membership(current_user):
        flash(_("Please confirm your email address first. We have sent you a link."), "error")
        return redirect(url_for("account.settings"))
    pending = membership.pending_application(current_user)
    form = ApplicationForm()
    if pending is None and form.validate_on_submit():
        try:
            membership.apply(current_user, form.programme.data, form.year.data, form.message.data or "")
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Thank you! Your application is sent. We will write to you when it is decided."), "success")
            return redirect(url_for("members.apply"))
    return render_template("members/apply.html", form=form, pending=pending), 400 if form.errors else 200


@bp.get("/applications")
@policy.require(policy.can_decide_membership)
def applications():
    return render_template("members/applications.html", pending=membership.open_applications(),
                           decided=membership.decided_applications(), form=DecisionForm())


@bp.post("/applications/<int:application_id>/<any(approve, decline):decision>")
@policy.require(policy.can_decide_membership)
def decide(application_id: int, decision: str):
    application = db.get_or_404(MembershipApplication, application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.reason.errors)) or _("Please try again."), "error")
        return redirect(url_for("members.applications"))
    try:
        membership.decide(current_user, application, decision == "approve", form.reason.data or "")
    except PermissionDenied:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s is now a member.", name=application.user.display_name) if decision == "approve"
              else _("The application is declined."), "success")
    return redirect(url_for("members.applications"))


@bp.route("/leave", methods=["GET", "POST"])
@members_only
def leave():
    if not policy.can_leave_membership(current_user):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        membership.leave(current_user)
        flash(_("You have left the membership. Your account stays, as an alumnus."), "success")
        return redirect(url_for("account.settings"))
    return render_template("members/leave.html", form=form)

