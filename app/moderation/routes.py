"""Moderation: the queue of reports and held content, the actions on posts and comments, categories."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.i18n import REPORT_REASON_LABELS, SCREENING_REASON_LABELS
from app.loaders import load_attachment
from app.models.moderation import Report, ReportResolution
from app.models.post import Category, Comment, Post
from app.moderation import bp
from app.moderation.forms import CategoryForm
from app.security import safe_next
from app.services import categories as category_service
from app.services import posts, reports, review_decisions, review_queue
from app.services.errors import DomainError, PermissionDenied

# A thing's own moderation buttons (on its page): hide and restore are the queue's decisions on it (they settle
# its reports too, and "hide" confirms a hiding after reports); the rest change the post itself.
POST_ACTIONS = {
    "lock": lambda actor, post: posts.set_locked(actor, post, True),
    "unlock": lambda actor, post: posts.set_locked(actor, post, False),
    "pin": lambda actor, post: posts.set_pinned(actor, post, True),
    "unpin": lambda actor, post: posts.set_pinned(actor, post, False),
    "approve": posts.approve_post,
}
DECISIONS = ("hide", "restore")
PAGE_LIMIT = 1000


def _page() -> int:
    """?page=: junk is the first page (the queue's links never make junk)."""
    value = request.args.get("page", "")
    return int(value) if value.isdigit() and 0 < int(value) <= PAGE_LIMIT else 1

# Hiding settles every report about the thing; approving held content settles what the screening said about it.
RESOLUTIONS = {"hide": ReportResolution.HIDDEN, "approve": ReportResolution.DISMISSED}


@bp.get("/")
@policy.require(policy.can_moderate)
def queue():
    filters = review_queue.QueueFilter.from_args(request.args)
    return render_template("moderation/queue.html", queue=review_queue.queue_page(filters, _page()), filters=filters,
                           reasons=REPORT_REASON_LABELS | SCREENING_REASON_LABELS,
                           reasons_found=SCREENING_REASON_LABELS, form=ConfirmForm(),
                           here=url_for("moderation.queue", **filters.args(), page=_page()))


@bp.post("/decide")
@policy.require(policy.can_moderate)
def decide():
    """The queue's one form: a case's own button ("one" = "action key"), or a bulk button ("action") on the cases
    ticked (or on every case of the page with "all")."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action, _, key = request.form.get("one", "").partition(" ")
    if not key:
        action = request.form.get("action", "")
        keys = request.form.getlist("shown" if request.form.get("all") else "items")
    else:
        keys = [key]
    try:
        done, skipped = review_decisions.decide(current_user, action, keys)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(ngettext("Done: %(num)d item.", "Done: %(num)d items.", done), "success")
        if skipped:
            flash(ngettext("%(num)d item did not fit this action and was left as it was.",
                           "%(num)d items did not fit this action and were left as they were.", skipped), "info")
    return _back(url_for("moderation.queue"))


def _back(default: str):
    return redirect(safe_next(request.form.get("next"), default))


@bp.post("/posts/<int:post_id>/<action>")
@policy.require(policy.can_moderate)
def post_action(post_id: int, action: str):
    post = db.get_or_404(Post, post_id)
    if action not in POST_ACTIONS and action not in DECISIONS:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if action in DECISIONS or action == "approve":  # the queue's rules: approving settles the screening's notes
            review_decisions.decide_one(current_user, action, post)
        else:
            POST_ACTIONS[action](current_user, post)
    except PermissionDenied:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Done."), "success")
    return _back(url_for("feed.show", post_id=post.id))


@bp.post("/comments/<int:comment_id>/<action>")
@policy.require(policy.can_moderate)
def comment_action(comment_id: int, action: str):
    comment = db.get_or_404(Comment, comment_id)
    if action not in DECISIONS and action != "approve":
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    review_decisions.decide_one(current_user, action, comment)
    flash(_("Done."), "success")
    return _back(url_for("feed.show", post_id=comment.post_id) + f"#c{comment.id}")


@bp.post("/attachments/<int:attachment_id>/<action>")
@policy.require(policy.can_moderate)
def attachment_action(attachment_id: int, action: str):
    """Hide a photo or file (or show it again): everyone else gets a 404 for it."""
    attachment = load_attachment(attachment_id)
    if action not in DECISIONS:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    review_decisions.decide_one(current_user, action, attachment)
    flash(_("Done."), "success")
    return _back(url_for("files.show", attachment_id=attachment.id))


@bp.post("/reports/<int:report_id>/dismiss")
@policy.require(policy.can_moderate)
def dismiss_report(report_id: int):
    entry = db.get_or_404(Report, report_id)
    if ConfirmForm().validate_on_submit():
        reports.resolve(current_user, entry, ReportResolution.DISMISSED)
        flash(_("The report is closed."), "success")
    return redirect(url_for("moderation.queue"))


@bp.route("/categories", methods=["GET", "POST"])
@policy.require(policy.can_manage_categories)
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category_service.create_category(current_user, form.name.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("The category is added."), "success")
            return redirect(url_for("moderation.categories"))
    return render_template("moderation/categories.html", form=form,
                           categories=category_service.all_categories(archived=True)), 400 if form.errors else 200


@bp.post("/categories/<int:category_id>")
@policy.require(policy.can_manage_categories)
def change_category(category_id: int):
    """Rename, move up or down, archive or restore one category (the button pressed says which)."""
    category = db.get_or_404(Category, category_id)
    form = CategoryForm()
    action = request.form.get("action", "")
    if not ConfirmForm().validate_on_submit() or action not in ("rename", "up", "down", "archive", "restore"):
        abort(400)
    try:
        if action == "rename":
            if not form.validate():
                raise DomainError(form.name.errors[0] if form.name.errors else _("Please enter a name."))
            category_service.rename_category(current_user, category, form.name.data)
        elif action in ("up", "down"):
            category_service.move_category(current_user, category, -1 if action == "up" else 1)
        else:
            category_service.set_archived(current_user, category, action == "archive")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The category is changed."), "success")
    return redirect(url_for("moderation.categories"))
