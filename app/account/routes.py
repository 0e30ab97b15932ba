"""A person's own account: name, language, email address, password."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_required, login_user, logout_user

from app import limits
from app.account import bp
from app.account.forms import (
    DataExportForm,
    DeleteAccountForm,
    EmailForm,
    PasswordForm,
    ProfileForm,
    PublicProfileForm,
)
from app.extensions import limiter
from app.forms import ConfirmForm, populate_errors
from app.i18n import LOCALE_COOKIE
from app.models.user import ProfileVisibility
from app.services import accounts, data_export, erasure, profiles
from app.services.errors import DomainError, InvalidToken, PermissionDenied
from app.services.membership import latest_application
from app.services.signups import upcoming_signups


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, form.display_name.data, form.locale.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Your settings are saved."), "success")
            response = redirect(url_for("account.settings"))
            # The language chosen here wins over an earlier choice made with the switch on this device.
            response.delete_cookie(LOCALE_COOKIE)
            return response
    if not form.is_submitted():
        form.locale.data = current_user.locale or ""
    return render_template("account/settings.html", form=form, resend_form=ConfirmForm(),
                           my_events=upcoming_signups(current_user),
                           application=latest_application(current_user)), 400 if form.errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The person's own choices for their profile page and their picture."""
    form = PublicProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            profiles.update(current_user, bio=form.bio.data or "",
                            visibility=ProfileVisibility(form.profile_visibility.data),
                            show_activity=form.show_activity.data)
            if form.remove_avatar.data:
                profiles.remove_avatar(current_user)
            elif form.avatar.data and form.avatar.data.filename:
                profiles.set_avatar(current_user, form.avatar.data.stream)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form), 400 if form.errors else 200


@bp.route("/data", methods=["GET", "POST"])
@login_required
@limiter.limit(limits.data_export, key_func=limits.per_person, methods=["POST"])
def download_data():
    """Download my data: everything stored about the person, after entering the password again."""
    form = DataExportForm()
    if form.validate_on_submit():
        try:
            data_export.check_password(current_user, form.current_password.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            archive = data_export.build(current_user)
            name = f"alumni-commons-{current_user.handle or current_user.id}-{date.today().isoformat()}.zip"
            response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name=name)
            response.headers["Cache-Control"] = "private, no-store"
            return response
    return render_template("account/data.html", form=form, inventory=data_export.EXPORTED), (
        400 if form.errors else 200)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete my account: explained, the password again, a choice about what one wrote; undone by logging in
    within the grace period."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            erasure.request_deletion(current_user, form.current_password.data,
                                     keep_content=form.content.data != "delete")
        except PermissionDenied as error:
            form.form_errors.append(error.message)
        except DomainError as error:
            populate_errors(form, error)
        else:
            days = current_app.config["ACCOUNT_DELETION_GRACE_DAYS"]
            logout_user()
            flash(_("Your account will be deleted in %(days)d days. Changed your mind? Just log in before then.",
                    days=days), "info")
            return redirect(url_for("feed.index"))
    return render_template("account/delete.html", form=form,
                           days=current_app.config["ACCOUNT_DELETION_GRACE_DAYS"]), 400 if form.errors or \
        form.form_errors else 200


@bp.post("/calendar-token")
@login_required
def new_calendar_token():
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.renew_calendar_token(current_user)
        flash(_("Your personal calendar address is renewed. The old address no longer works."), "success")
    return redirect(url_for("account.settings") + "#calendar")


@bp.route("/email", methods=["GET", "POST"])
@fresh_login_required
def change_email():
    form = EmailForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(current_user, form.email.data, form.current_password.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Almost done: please open the link we have sent to %(email)s.", email=form.email.data),
                  "info")
            return redirect(url_for("account.settings"))
    return render_template("account/email.html", form=form), 400 if form.errors else 200


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_email_change(token)
        except InvalidToken as error:
            flash(error.message, "error")
        else:
            flash(_("Your email address has been changed."), "success")
        return redirect(url_for("account.settings" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm.html", form=form, title=_("Confirm your new email address"),
                           button=_("Use this email address"))


@bp.route("/password", methods=["GET", "POST"])
@fresh_login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            # Other devices are logged out; this one continues with the new session version.
            login_user(current_user._get_current_object(), fresh=True)
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("account.settings"))
    return render_template("account/password.html", form=form), 400 if form.errors else 200
