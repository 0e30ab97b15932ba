"""Register, verify, log in and out, reset a forgotten password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app import limits, policy, site
from app.auth import bp
from app.auth.forms import FirstAdminForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from app.extensions import limiter
from app.forms import ConfirmForm, populate_errors
from app.security import log_security_event, safe_next
from app.services import accounts, erasure, push, setup
from app.services.errors import AccountAwaitingApproval, AccountSuspended, DomainError, InvalidToken
from app.templating import format_until


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(limits.registration_per_address, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("feed.index"))
    if site.get("registration_mode") == "invitation":
        # The page stays, so a link to it explains itself; a POST is refused like the missing form.
        return render_template("auth/register_closed.html"), 403 if request.method == "POST" else 200
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register(form.email.data, form.display_name.data, form.password.data, str(get_locale()),
                              wants_news=form.news_mail.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.get("/check-email")
def check_email():
    return render_template("auth/check_email.html")


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    # GET only shows a button: mail scanners that open links must not change anything.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = accounts.verify_email(token)
        except InvalidToken as error:
            flash(error.message, "error")
            return redirect(url_for("account.settings" if current_user.is_authenticated else "auth.login"))
        flash(_("Thank you, your email address is confirmed."), "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("feed.index"))
        return redirect(url_for("auth.login"))
    return render_template("auth/confirm.html", form=form, title=_("Confirm your email address"),
                           button=_("Confirm email address"))


@bp.post("/verify/resend")
@login_required
@limiter.limit(limits.verification_resend)
def resend_verification():
    form = ConfirmForm()
    if form.validate_on_submit() and not current_user.is_verified:
        accounts.send_verification(current_user)
        flash(_("We have sent you a new confirmation link."), "success")
    return redirect(url_for("account.settings"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.login_per_address, methods=["POST"])
@limiter.limit(limits.login_per_account, key_func=limits.per_account_typed, methods=["POST"],
               deduct_when=limits.login_failed)
def login():
    next_url = safe_next(request.args.get("next"), url_for("feed.index"))
    if current_user.is_authenticated and request.method == "GET" and session.get("_fresh"):
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        user, problem = _authenticate(form)
        if user is None:
            form.form_errors.append(problem)
        else:
            if not request.args.get("next") and policy.can_change_settings(user) and not setup.is_finished():
                next_url = url_for("admin.setup")  # the first admin login continues with the setup
            session.clear()  # a new session at login: nothing planted before it survives
            login_user(user, remember=form.remember.data)
            accounts.record_login(user, str(get_locale()))
            if erasure.cancel_deletion(user):
                flash(_("Welcome back! Your account is no longer going to be deleted."), "success")
            else:
                flash(_("Welcome back, %(name)s!", name=user.display_name), "success")
            return redirect(next_url)
    return render_template("auth/login.html", form=form, next=request.args.get("next")), (
        400 if form.errors or form.form_errors else 200)


def _authenticate(form: LoginForm):
    """(the user, "") or (None, what to tell the person)."""
    try:
        user = accounts.authenticate(form.email.data, form.password.data)
    except AccountSuspended as suspended:
        return None, _suspended_message(suspended)
    except AccountAwaitingApproval:
        return None, _("Your account is waiting for an admin to approve it. We will write to you.")
    return user, "" if user else _("Email address or password is not correct.")


def _suspended_message(suspended: AccountSuspended) -> str:
    text = (_("Your account is suspended until %(date)s.", date=format_until(suspended.until))
            if suspended.until else _("Your account is suspended."))
    if suspended.reason:
        text += " " + _("Reason: %(reason)s", reason=suspended.reason)
    return text


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("feed.index"))
    accounts.end_all_sessions(current_user, "logout")
    push.forget_at_logout(current_user, session.get("push_device"))
    log_security_event("logout", current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    response = redirect(url_for("feed.index"))
    # The browser forgets what it kept of this person's pages; the service worker's own caches are emptied by
    # app/static/js/webapp.js and by the next page's X-Offline-Cache header (app.webapp.saving).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(limits.reset_per_address, methods=["POST"])
@limiter.limit(limits.reset_per_account, key_func=limits.per_account_typed, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, str(get_locale()))
        flash(_("If an account exists for this address, we have sent it a link to choose a new "
                "password. Please check your inbox."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        accounts.user_for_reset_token(token)
    except InvalidToken as error:
        flash(error.message, "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password has been changed. Please log in with the new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


@bp.route("/first-admin/<token>", methods=["GET", "POST"])
@limiter.limit(limits.registration_per_address, methods=["POST"])
def first_admin(token: str):
    """The operator's link from `flask setup-link`: the first admin account, then the setup."""
    try:
        setup.check_first_admin_token(token)
    except InvalidToken as error:
        flash(error.message, "error")
        return redirect(url_for("auth.login"))
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            user = setup.create_first_admin(token, form.email.data, form.display_name.data, form.password.data,
                                            str(get_locale()))
        except InvalidToken as error:
            flash(error.message, "error")
            return redirect(url_for("auth.login"))
        except DomainError as error:
            populate_errors(form, error)
        else:
            session.clear()
            login_user(user)
            flash(_("Welcome, %(name)s! Your admin account is ready. Now a few steps to make the site your "
                    "association's own.", name=user.display_name), "success")
            return redirect(url_for("admin.setup"))
    return render_template("auth/first_admin.html", form=form), 400 if form.errors else 200
