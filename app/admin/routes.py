"""Administration: people and roles, the audit log, the site pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import policy
from app.admin.forms import PageForm, RoleForm, SettingsForm, UserSearchForm
from app.auth.forms import ConfirmForm
from app.extensions import db
from app.forms import populate_errors
from app.i18n import LANGUAGE_NAMES, ROLE_LABELS
from app.models.audit import AuditEntry
from app.models.page import PAGE_SLUGS, Page
from app.models.user import Role, User
from app.services import roles
from app.services.errors import DomainError, PermissionDenied
from app.services.pages import save_page
from app.services.settings import get_flag, set_flag

bp = Blueprint("admin", __name__)
PER_PAGE = 50


@bp.get("/")
@policy.require(policy.can_change_roles)
def users():
    search = UserSearchForm(request.args)
    query = select(User).order_by(User.display_name, User.id)
    if search.validate() and search.q.data:
        pattern = f"%{search.q.data.lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(pattern), func.lower(User.email).like(pattern)))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", search=search, page=page)


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


@bp.post("/users/<int:user_id>/<any(suspend, unsuspend):action>")
@policy.require(policy.can_change_roles)
def suspend(user_id: int, action: str):
    subject = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        roles.set_suspended(current_user, subject, action == "suspend")
    except PermissionDenied:
        abort(403)
    flash(_("%(name)s is suspended.", name=subject.display_name) if action == "suspend"
          else _("%(name)s can log in again.", name=subject.display_name), "success")
    return redirect(url_for("admin.users", q=subject.email))


@bp.post("/users/<int:user_id>/end-membership")
@policy.require(policy.can_change_roles)
def end_membership(user_id: int):
    from app.services import membership

    subject = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        membership.end_membership(current_user, subject)
    except PermissionDenied:
        abort(403)
    flash(_("The membership of %(name)s has ended.", name=subject.display_name), "success")
    return redirect(url_for("admin.users", q=subject.email))


@bp.route("/settings", methods=["GET", "POST"])
@policy.require(policy.can_change_settings)
def settings():
    form = SettingsForm()
    if form.validate_on_submit():
        set_flag("hold_first_posts", form.hold_first_posts.data)
        flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.settings"))
    if not form.is_submitted():
        form.hold_first_posts.data = get_flag("hold_first_posts")
    return render_template("admin/settings.html", form=form), 400 if form.errors else 200


@bp.get("/audit")
@policy.require(policy.can_view_audit_log)
def audit_log():
    query = (select(AuditEntry)
             .options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit.html", page=page)


@bp.get("/pages")
@policy.require(policy.can_edit_pages)
def pages():
    existing = {(p.slug, p.locale): p for p in db.session.scalars(select(Page))}
    return render_template("admin/pages.html", slugs=PAGE_SLUGS, languages=LANGUAGE_NAMES, existing=existing)


@bp.route("/pages/<slug>/<locale>", methods=["GET", "POST"])
@policy.require(policy.can_edit_pages)
def edit_page(slug: str, locale: str):
    if slug not in PAGE_SLUGS or locale not in LANGUAGE_NAMES:
        abort(404)
    page = db.session.scalar(select(Page).where(Page.slug == slug, Page.locale == locale))
    form = PageForm(obj=page, body=page.body_source if page else "")
    if form.validate_on_submit():
        try:
            save_page(slug, locale, form.title.data, form.body.data or "", current_user)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("The page is saved."), "success")
            return redirect(url_for("admin.pages"))
    return render_template("admin/edit_page.html", form=form, slug=slug, locale=locale,
                           language=LANGUAGE_NAMES[locale]), 400 if form.errors else 200
