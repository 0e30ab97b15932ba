"""The dashboard (volunteers and admins), its CSV downloads, and the goals admins set."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.i18n import MAIL_KIND_LABELS
from app.models.goal import Goal, GoalPeriod
from app.organizer import bp, figures
from app.organizer.forms import GoalForm
from app.services import dashboard
from app.services import goals as goal_service
from app.services.errors import DomainError
from app.spreadsheet import csv_download


def _period_kind() -> GoalPeriod:
    """`?period=week|month`; anything else (absent, junk, repeated) falls back to weeks."""
    value = request.args.get("period", "")
    return next((kind for kind in GoalPeriod if kind.value == value), GoalPeriod.WEEK)


@bp.get("/")
@policy.require(policy.can_view_dashboard)
def dashboard_page():
    kind = _period_kind()
    measured = {kind: dashboard.measurements(kind)}
    now = measured[kind].periods.now
    goals = goal_service.active_goals()
    for other in {goal.period for goal in goals} - {kind}:
        measured[other] = dashboard.measurements(other, now=now)
    progress = figures.goal_figures(goal_service.progress(goals, measured), measured)
    return render_template("organizer/dashboard.html", kind=kind, periods=figures.PERIOD_LABELS,
                           sections=figures.sections(measured[kind]), progress=progress,
                           snapshot=dashboard.snapshot(now), mail_labels=MAIL_KIND_LABELS, figures=figures)


@bp.get("/export/<key>.csv")
@policy.require(policy.can_view_dashboard)
def export(key: str):
    """One series as CSV: the period's first day, its name, the value as the page shows it (also "<5")."""
    if key not in figures.SERIES_LABELS:
        abort(404)
    kind = _period_kind()
    measured = dashboard.measurements(kind)
    _axis, names = figures.period_names(measured.periods)
    header = [_("First day"), _("Period"), str(figures.SERIES_LABELS[key])]
    rows = [[day.isoformat(), name, value if value is not None else ""]
            for day, name, value in zip(measured.periods.days[:-1], names, measured.shown(key), strict=True)]
    return csv_download([header, *rows], f"{key.replace('_', '-')}-{kind.value}s.csv")


@bp.route("/goals", methods=["GET", "POST"])
@policy.require(policy.can_set_goals)
def goals():
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goal_service.set_goal(current_user, *form.chosen())
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("The goal is set."), "success")
            return redirect(url_for("organizer.goals"))
    return render_template("organizer/goals.html", form=form, goals=goal_service.active_goals(),
                           figures=figures), 400 if form.errors else 200


@bp.post("/goals/<int:goal_id>/archive")
@policy.require(policy.can_set_goals)
def archive_goal(goal_id: int):
    goal = db.get_or_404(Goal, goal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    goal_service.archive_goal(current_user, goal)
    flash(_("The goal is archived."), "success")
    return redirect(url_for("organizer.goals"))
