"""Moderation: the queue of reports and held content, and the actions on posts and comments."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.auth.forms import ConfirmForm
from app.extensions import db
from app.feed.forms import CategoryForm
from app.models.moderation import Report
from app.models.post import Category, Comment, Post, Status
from app.security import safe_next
from app.services import comments, posts, reports
from app.services.errors import DomainError, PermissionDenied
from app.services.reports import REASONS

bp = Blueprint("moderation", __name__)

POST_ACTIONS = {
    "hide": lambda actor, post: posts.set_post_hidden(actor, post, True),
    "restore": lambda actor, post: posts.set_post_hidden(actor, post, False),
    "lock": lambda actor, post: posts.set_locked(actor, post, True),
    "unlock": lambda actor, post: posts.set_locked(actor, post, False),
    "pin": lambda actor, post: posts.set_pinned(actor, post, True),
    "unpin": lambda actor, post: posts.set_pinned(actor, post, False),
    "approve": posts.approve_post,
}
COMMENT_ACTIONS = {
    "hide": lambda actor, comment: comments.set_comment_hidden(actor, comment, True),
    "restore": lambda actor, comment: comments.set_comment_hidden(actor, comment, False),
    "approve": comments.approve_comment,
}


@bp.get("/")
@policy.require(policy.can_moderate)
def queue():
    open_reports = db.session.scalars(
        select(Report).where(Report.resolved_at.is_(None))
        .options(joinedload(Report.reporter), joinedload(Report.post), joinedload(Report.comment))
        .order_by(Report.created_at).limit(200)).all()
    held_posts = db.session.scalars(select(Post).where(Post.status == Status.PENDING.value)
                                    .options(joinedload(Post.author)).order_by(Post.created_at)).all()
    held_comments = db.session.scalars(select(Comment).where(Comment.status == Status.PENDING.value)
                                       .options(joinedload(Comment.author), joinedload(Comment.post))
                                       .order_by(Comment.created_at)).all()
    return render_template("moderation/queue.html", reports=open_reports, held_posts=held_posts,
                           held_comments=held_comments, reasons=REASONS, form=ConfirmForm())


def _back(default: str):
    return redirect(safe_next(request.form.get("next"), default))


@bp.post("/posts/<int:post_id>/<action>")
@policy.require(policy.can_moderate)
def post_action(post_id: int, action: str):
    post = db.get_or_404(Post, post_id)
    if action not in POST_ACTIONS or not ConfirmForm().validate_on_submit():
        abort(404 if action not in POST_ACTIONS else 400)
    try:
        POST_ACTIONS[action](current_user, post)
        if action == "hide":
            reports.resolve_all_for(current_user, post=post, resolution="hidden")
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
    if action not in COMMENT_ACTIONS or not ConfirmForm().validate_on_submit():
        abort(404 if action not in COMMENT_ACTIONS else 400)
    COMMENT_ACTIONS[action](current_user, comment)
    if action == "hide":
        reports.resolve_all_for(current_user, comment=comment, resolution="hidden")
    flash(_("Done."), "success")
    return _back(url_for("feed.show", post_id=comment.post_id) + f"#c{comment.id}")


@bp.post("/reports/<int:report_id>/dismiss")
@policy.require(policy.can_moderate)
def dismiss_report(report_id: int):
    entry = db.get_or_404(Report, report_id)
    if ConfirmForm().validate_on_submit():
        reports.resolve(current_user, entry, "dismissed")
        flash(_("The report is closed."), "success")
    return redirect(url_for("moderation.queue"))


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "category"


@bp.route("/categories", methods=["GET", "POST"])
@policy.require(policy.can_manage_categories)
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        slug = slugify(form.name.data)
        if db.session.scalar(select(Category).where(Category.slug == slug)) is not None:
            form.name.errors = [_("This category exists already.")]
        else:
            db.session.add(Category(name=form.name.data, slug=slug))
            flash(_("The category is added."), "success")
            return redirect(url_for("moderation.categories"))
    existing = db.session.scalars(select(Category).order_by(Category.name)).all()
    return render_template("moderation/categories.html", form=form, categories=existing), (
        400 if form.errors else 200)
