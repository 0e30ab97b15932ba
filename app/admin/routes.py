"""Administration: people and roles, the audit log, the site pages, the settings."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import policy, queue
from app.admin import bp
from app.admin.forms import ConsentImportForm, PageForm, RoleForm, UserSearchForm
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.i18n import AUDIT_ACTION_LABELS, JOB_LABELS, LANGUAGE_NAMES, ROLE_LABELS
from app.loaders import page_number
from app.models.audit import AUTOMATIC_ACTIONS
from app.models.page import PAGE_SLUGS
from app.models.user import Role, User
from app.services import accounts, approval, audit, erasure, membership, news_consent, outbox, pages, roles
from app.services.errors import DomainError, PermissionDenied


@bp.get("/")
@policy.require(policy.can_change_roles)
def users():
    search = UserSearchForm(request.args)
    text = search.q.data if search.validate() else ""
    page = accounts.find_people(text or "", page_number())
    return render_template("admin/users.html", search=search, page=page, waiting=approval.waiting_accounts(),
                           consents=news_consent.latest_of(page.items))


@bp.post("/users/<int:user_id>/role")
@policy.require(policy.can_change_roles)
def change_role(user_id: int):
    subject = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Please choose a valid role."), "error")
        return redirect(url_for("admin.users"))
    try:
        changed = roles.change_role(current_user, subject, Role(form.role.data))
    except PermissionDenied:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.users", q=subject.email))
    if changed:
        flash(_("%(name)s is now: %(role)s.", name=subject.display_name, role=ROLE_LABELS[subject.role]),
              "success")
    return redirect(url_for("admin.users", q=request.args.get("q") or None))


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
@policy.require(policy.can_change_roles)
def erase(user_id: int):
    """Erase a person at once (a request under the GDPR, or a spam account), after a confirmation; audited."""
    subject = db.get_or_404(User, user_id)
    if subject.erased_at is not None or subject.id == current_user.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            erasure.erase_by_admin(current_user, subject, keep_content=request.form.get("content") != "delete")
        except PermissionDenied as error:
            flash(error.message, "error")
        else:
            flash(_("The account is erased."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/erase.html", form=form, subject=subject)


@bp.post("/users/<int:user_id>/approve")
@policy.require(policy.can_change_roles)
def approve(user_id: int):
    subject = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("decision") == "decline":
        if approval.decline(current_user, subject):
            flash(_("The registration of %(name)s is declined; they have been told.", name=subject.display_name),
                  "success")
    elif approval.approve(current_user, subject):
        flash(_("%(name)s can log in now and has been told by mail.", name=subject.display_name), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/end-membership")
@policy.require(policy.can_change_roles)
def end_membership(user_id: int):
    subject = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        membership.end_membership(current_user, subject)
    except PermissionDenied:
        abort(403)
    flash(_("The membership of %(name)s has ended.", name=subject.display_name), "success")
    return redirect(url_for("admin.users", q=subject.email))


@bp.get("/audit")
@policy.require(policy.can_view_audit_log)
def audit_log():
    page = audit.recent_entries(page_number())
    return render_template("admin/audit.html", page=page, action_labels=AUDIT_ACTION_LABELS,
                           automatic=AUTOMATIC_ACTIONS)


@bp.get("/jobs")
@policy.require(policy.can_view_audit_log)
def jobs():
    """Background work: the queue, each periodic job's last run, and mail that could not be sent."""
    return render_template("admin/jobs.html", mail=outbox.mail_state(), pending=queue.pending_count(),
                           runs=queue.last_runs(), periodic=queue.PERIODIC, job_labels=JOB_LABELS,
                           inline=current_app.config["JOBS_IMMEDIATE"])


@bp.get("/pages", endpoint="pages")
@policy.require(policy.can_edit_pages)
def page_list():
    return render_template("admin/pages.html", slugs=PAGE_SLUGS, languages=LANGUAGE_NAMES,
                           existing=pages.all_pages())


@bp.route("/pages/<slug>/<locale>", methods=["GET", "POST"])
@policy.require(policy.can_edit_pages)
def edit_page(slug: str, locale: str):
    if slug not in PAGE_SLUGS or locale not in LANGUAGE_NAMES:
        abort(404)
    page = pages.page_in(slug, locale)
    form = PageForm(obj=page, body=page.body_source if page else "")
    if form.validate_on_submit():
        try:
            pages.save_page(slug, locale, form.title.data, form.body.data or "", current_user)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("The page is saved."), "success")
            return redirect(url_for("admin.pages"))
    return render_template("admin/edit_page.html", form=form, slug=slug, locale=locale,
                           language=LANGUAGE_NAMES[locale]), 400 if form.errors else 200


@bp.route("/news-consent", methods=["GET", "POST"])
@policy.require(policy.can_import_consent)
def import_consent():
    """Consent to news given on paper: upload a CSV, see what it would do line by line, then record it."""
    form = ConsentImportForm()
    plan = None
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "confirm":
                plan = news_consent.import_consent(current_user, form.csv_text.data or "", form.default_source.data)
                flash(_consent_message(plan.recorded or 0), "success")
                return redirect(url_for("admin.import_consent"))
            upload = form.csv_file.data if getattr(form.csv_file.data, "filename", "") else None
            form.csv_text.data = news_consent.read_upload(upload) if upload else ""
            plan = news_consent.plan(current_user, form.csv_text.data, form.default_source.data)
        except DomainError as error:
            populate_errors(form, error)
    return render_template("admin/news_consent.html", form=form, plan=plan, recent=news_consent.recent()), (
        400 if form.errors else 200)


def _consent_message(recorded: int) -> str:
    if recorded:
        return ngettext("%(num)d consent recorded.", "%(num)d consents recorded.", recorded)
    return _("Nothing new: every consent in the file was recorded before.")
