"""A person as moderators see them: every warning, silence and suspension with its reason, what was reported about
their content, and the steps a moderator may take (warn, silence; admins also suspend; lift)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.i18n import SANCTION_ENDING_LABELS, SANCTION_KIND_LABELS
from app.models.sanction import SanctionKind
from app.models.types import utcnow
from app.models.user import User
from app.moderation import bp
from app.moderation.forms import REASON_TEMPLATE_LABELS, SanctionForm
from app.security import safe_next
from app.services import new_account_limits, sanctions
from app.services.errors import DomainError, PermissionDenied


def _load(user_id: int) -> User:
    subject = db.get_or_404(User, user_id)
    if subject.erased_at is not None:
        abort(404)
    return subject


def _may(kind: SanctionKind):
    return policy.can_suspend if kind == SanctionKind.SUSPENSION else policy.can_sanction


@bp.get("/people/<int:user_id>")
@policy.require(policy.can_moderate)
def person(user_id: int):
    subject = _load(user_id)
    return render_template("moderation/person.html", subject=subject, history=sanctions.history(subject),
                           record=sanctions.content_record(subject), now=utcnow(), form=ConfirmForm(),
                           new_until=new_account_limits.limited_until(subject), kind_labels=SANCTION_KIND_LABELS,
                           ending_labels=SANCTION_ENDING_LABELS)


@bp.route("/people/<int:user_id>/<any(warning, silence, suspension):kind>", methods=["GET", "POST"])
@policy.require(policy.can_moderate)
def sanction(user_id: int, kind: str):
    """Asks first: the reason the person reads (a link starts it with a ready one, in the person's language) and,
    but for a warning, how long."""
    subject, chosen = _load(user_id), SanctionKind(kind)
    if not _may(chosen)(current_user, subject):
        abort(403)
    form = SanctionForm()
    template = request.args.get("template", "")
    if not form.is_submitted():
        form.duration.data = "7"  # a length is always chosen, never "for ever" by accident
        if template in REASON_TEMPLATE_LABELS:  # a link: the reason starts filled in
            form.reason.data = sanctions.reason_template(template, subject)
    if form.validate_on_submit():
        try:
            _decide(chosen, subject, form)
        except DomainError as error:
            populate_errors(form, error)
        else:
            return redirect(url_for("moderation.person", user_id=subject.id))
    return render_template("moderation/sanction.html", form=form, subject=subject, kind=chosen,
                           templates=REASON_TEMPLATE_LABELS), 400 if form.errors else 200


def _decide(kind: SanctionKind, subject: User, form: SanctionForm) -> None:
    if kind == SanctionKind.WARNING:
        sanctions.warn(current_user, subject, form.reason.data)
        flash(_("%(name)s has been warned: a note in their notifications and a mail.", name=subject.display_name),
              "success")
        return
    until = sanctions.end_of(form.duration.data, form.until.data)
    if kind == SanctionKind.SILENCE:
        sanctions.silence(current_user, subject, form.reason.data, until)
        flash(_("%(name)s is silenced and has been told by mail.", name=subject.display_name), "success")
    else:
        sanctions.suspend(current_user, subject, form.reason.data, until)
        flash(_("%(name)s is suspended and has been told by mail.", name=subject.display_name), "success")


@bp.post("/people/<int:user_id>/lift/<any(silence, suspension):kind>")
@policy.require(policy.can_moderate)
def lift(user_id: int, kind: str):
    subject = _load(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        lifted = sanctions.lift(current_user, subject, SanctionKind(kind))
    except PermissionDenied:
        abort(403)
    if lifted:
        flash(_("%(name)s can write again.", name=subject.display_name) if kind == "silence"
              else _("%(name)s can log in again.", name=subject.display_name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("moderation.person", user_id=subject.id)))
