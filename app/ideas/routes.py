"""The ideas page, voting for an idea, and the volunteers' answer to it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.forms import populate_errors
from app.ideas import bp
from app.ideas.forms import STATUS_LABELS, IdeaStatusForm
from app.loaders import load_post
from app.models.post import PostKind
from app.security import safe_next
from app.services import ideas
from app.services.errors import DomainError, PermissionDenied


def _choice(name: str, allowed, default=None):
    """A GET parameter from a fixed set; anything else is ignored."""
    value = request.args.get(name)
    return value if value in allowed else default


def _page() -> int:
    value = request.args.get("page", "")
    return int(value) if value.isdigit() and 0 < len(value) < 4 and 0 < int(value) <= ideas.MAX_PAGE else 1


@bp.get("/")
def index():
    sort = _choice("sort", ideas.SORTS, "votes")
    status = ideas.parse_status(_choice("status", STATUS_LABELS))
    page = ideas.ideas_page(current_user, sort=sort, status=status, page=_page())
    return render_template("ideas/index.html", page=page, sort=sort, status=status.value if status else None,
                           status_labels=STATUS_LABELS)


def _idea_post(post_id: int):
    """The idea if the viewer may read its post; a discussion that is not an idea is a 404 as well."""
    post = load_post(post_id)
    if post.idea is None:
        abort(404)
    return post


def _back(post) -> str:
    return safe_next(request.form.get("next"), url_for("feed.show", post_id=post.id) + "#idea")


@bp.post("/<int:post_id>/vote")
@login_required
def vote(post_id: int):
    post = _idea_post(post_id)
    try:
        ideas.set_vote(current_user, post, voted=request.form.get("voted") != "0")
    except PermissionDenied:
        abort(403)
    return redirect(_back(post))


@bp.route("/<int:post_id>/status", methods=["GET", "POST"])
@policy.require(policy.can_manage_ideas)
def status(post_id: int):
    post = _idea_post(post_id)
    form = IdeaStatusForm()
    if not form.is_submitted():
        form.status.data, form.reason.data = post.idea.status.value, post.idea.status_reason or ""
    if form.validate_on_submit():
        try:
            changed = ideas.set_status(current_user, post, ideas.IdeaStatus(form.status.data), form.reason.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            if changed:
                flash(_("The idea's status is saved; its author and followers are told."), "success")
            return redirect(url_for("feed.show", post_id=post.id) + "#idea")
    return render_template("ideas/status.html", post=post, form=form), 400 if form.errors else 200


@bp.post("/<int:post_id>/idea")
@policy.require(policy.can_manage_ideas)
def mark(post_id: int):
    """Turn a discussion into an idea (is_idea=1) or back into a plain discussion (is_idea=0)."""
    post = load_post(post_id)
    if post.kind != PostKind.DISCUSSION:
        abort(404)
    if request.form.get("is_idea") not in ("0", "1"):
        abort(400)
    is_idea = request.form.get("is_idea") == "1"
    if ideas.set_idea(current_user, post, is_idea=is_idea):
        flash(_("The discussion is now an idea: others can vote for it.") if is_idea else
              _("The idea is a plain discussion again."), "success")
    return redirect(url_for("feed.show", post_id=post.id))
