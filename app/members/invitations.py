"""Invitations: volunteers invite by address list or CSV; the invited accept with one link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.members import bp
from app.members.forms import AcceptAsMemberForm, AcceptInvitationForm, InvitationForm
from app.models.membership import Invitation
from app.services import mail_preferences, membership
from app.services.errors import DomainError, InvalidToken


@bp.route("/invitations", methods=["GET", "POST"])
@policy.require(policy.can_invite)
def invitations():
    form = InvitationForm()
    report = None
    if form.validate_on_submit():
        upload = form.csv_file.data if getattr(form.csv_file.data, "filename", "") else None
        try:
            text = membership.invitation_text(form.addresses.data or "", upload)
            report = membership.invite_many(current_user, text)
        except DomainError as error:
            populate_errors(form, error)
    rows = membership.recent_invitations()
    return render_template("members/invitations.html", form=form, report=report, invitations=rows,
                           state=membership.invitation_state, confirm=ConfirmForm()), (
        400 if form.errors or (report and report.skipped and not report.invited) else 200)


@bp.post("/invitations/<int:invitation_id>/<any(resend, revoke):action>")
@policy.require(policy.can_invite)
def invitation_action(invitation_id: int, action: str):
    invitation = db.get_or_404(Invitation, invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        (membership.resend if action == "resend" else membership.revoke)(current_user, invitation)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The invitation is sent again.") if action == "resend" else _("The invitation is withdrawn."),
              "success")
    return redirect(url_for("members.invitations"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = membership.invitation_for_token(token)
    except InvalidToken as error:
        return render_template("errors/link_invalid.html", message=error.message), 400
    logged_in = current_user.is_authenticated
    form = AcceptAsMemberForm() if logged_in else AcceptInvitationForm(display_name=invitation.name)
    if form.validate_on_submit():
        try:
            user = membership.accept(token, current_user if logged_in else None,
                                     display_name=getattr(form, "display_name", None) and form.display_name.data,
                                     password=getattr(form, "password", None) and form.password.data,
                                     wants_news=form.news_mail.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            if not logged_in:
                login_user(user)
            flash(_("Welcome! You are now a member."), "success")
            return redirect(url_for("members.home"))
    return render_template("members/accept_invitation.html", form=form, invitation=invitation, logged_in=logged_in,
                           gets_news=logged_in and mail_preferences.gets_news(current_user)), (
        400 if form.errors else 200)
