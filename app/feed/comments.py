"""Comments: write, reply, permalink, edit, delete, like, and reports on posts and comments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import attaching, limits, policy
from app.comment_html import ThreadRenderer
from app.extensions import limiter
from app.feed import bp
from app.forms import CommentForm, ConfirmForm, ReportForm, populate_errors, submission_key
from app.loaders import id_or_404, load_comment, load_post
from app.models.post import Comment
from app.models.types import utcnow
from app.services import comments, feed_queries, flagging, screening, threads
from app.services.errors import DomainError, PermissionDenied
from app.templating import DateTexts


def comment_url(comment: Comment) -> str:
    """Where a comment is shown: its slice of the thread, or the page of replies below the nesting cap."""
    start, anchor = threads.location(comment)
    if anchor is not None:
        return url_for("feed.replies", comment_id=anchor) + f"#c{comment.id}"
    return url_for("feed.show", post_id=comment.post_id, start=start) + f"#c{comment.id}"


@bp.get("/comments/<int:comment_id>/replies")
def replies(comment_id: int):
    """A comment with the replies below it: where "n more replies" leads when a branch nests deeper than the
    thread shows."""
    comment = load_comment(comment_id)  # 404 unless the viewer may read its post
    post = comment.post
    subtree = threads.subtree(comment)
    _post_liked, liked = feed_queries.liked_by(current_user, post)
    _own, files = attaching.visible_with_comments(post, subtree.comment_ids())
    renderer = ThreadRenderer(current_user, post, liked, files, DateTexts())
    return render_template("feed/replies.html", post=post, comment=comment, comments=subtree, thread=renderer)


@bp.post("/posts/<int:post_id>/comments")
@login_required
@limiter.limit(limits.posting, key_func=limits.per_person)
def add_comment(post_id: int):
    post = load_post(post_id)
    form = CommentForm()
    parent = _reply_parent(form)
    if not policy.can_comment(current_user, post):
        return _cannot_comment(post)
    files = attaching.from_request(current_user)
    if form.validate_on_submit() and files.ready(form):
        try:
            comment = comments.add_comment(current_user, post, form.body.data, parent,
                                           submission=submission_key(form), attachments=files.items)
        except PermissionDenied:
            abort(403)
        except DomainError as error:
            populate_errors(form, error)
        else:
            if comment.is_pending:
                because = screening.held_reason(comment=comment)
                flash(_("Thank you! Your comment is held for review: %(reason)s It will appear once a moderator has "
                        "approved it.", reason=because) if because else
                      _("Thank you! Your comment will appear once a moderator has approved it."), "info")
            return redirect(comment_url(comment))
    return _comment_form_again(post, parent, form, files)


def _reply_parent(form: CommentForm) -> Comment | None:
    """The comment being replied to, from the hidden field: 400 for junk, 404 for an unknown id."""
    if not form.parent_id.data:
        return None
    if not form.parent_id.data.isdigit():
        abort(400)
    return load_comment(id_or_404(form.parent_id.data))


def _cannot_comment(post):
    if current_user.is_silenced:  # the post's page says why, where the form was
        flash(_("Your comment was not published: your account is silenced."), "error")
        return redirect(url_for("feed.show", post_id=post.id) + "#comment-form"), 303
    if not policy.can_post(current_user):
        flash(_("Please confirm your email address first. We have sent you a link."), "error")
        return redirect(url_for("feed.show", post_id=post.id)), 303
    abort(403)


def _comment_form_again(post, parent, form: CommentForm, files: attaching.Choices):
    """Keep what was typed (and the photos picked): the form again, with the message or the photos to describe.
    400 for an error; 200 when new photos only wait for their descriptions."""
    status = 400 if form.errors else 200
    if parent is not None:
        return render_template("feed/reply.html", post=post, parent=parent, form=form, files=files), status
    post_liked, liked = feed_queries.liked_by(current_user, post)
    comments_shown = threads.thread_slice(post)
    own_files, comment_files = attaching.visible_with_comments(post, comments_shown.comment_ids())
    renderer = ThreadRenderer(current_user, post, liked, comment_files, DateTexts())
    return render_template("feed/post.html", post=post, comments=comments_shown, thread=renderer,
                           newest_first=False, post_liked=post_liked, form=form, following=False, files=files,
                           attachments=own_files), status


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    return redirect(comment_url(load_comment(comment_id)))


@bp.get("/comments/<int:comment_id>/reply")
@login_required
def reply(comment_id: int):
    parent = load_comment(comment_id)
    if not policy.can_comment(current_user, parent.post):
        abort(403)
    if not policy.can_see_comment_text(current_user, parent) or parent.is_pending:
        flash(_("This comment was removed. You can no longer reply to it."), "error")
        return redirect(comment_url(parent))
    form = CommentForm(parent_id=str(parent.id))
    return render_template("feed/reply.html", post=parent.post, parent=parent, form=form, files=attaching.Choices())


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = load_comment(comment_id)
    if not policy.can_edit_comment(current_user, comment, utcnow(), comments.edit_window()):
        abort(403)
    form = CommentForm(obj=None, body=comment.body_source)
    if form.validate_on_submit():
        try:
            comments.edit_comment(current_user, comment, form.body.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            return redirect(comment_url(comment))
    return render_template("feed/edit_comment.html", comment=comment, form=form), 400 if form.errors else 200


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete_comment(comment_id: int):
    comment = load_comment(comment_id)
    if not policy.can_delete_comment(current_user, comment):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        comments.delete_comment(current_user, comment)
        flash(_("Your comment is deleted."), "success")
        return redirect(comment_url(comment))
    return render_template("feed/delete_comment.html", comment=comment, form=form)


@bp.post("/comments/<int:comment_id>/like")
@login_required
def like_comment(comment_id: int):
    comment = load_comment(comment_id)
    try:
        comments.set_comment_like(current_user, comment, liked=request.form.get("liked") != "0")
    except PermissionDenied:
        abort(403)
    return redirect(comment_url(comment))


def _report(post=None, comment=None):
    form = ReportForm()
    if form.validate_on_submit():
        try:
            flagging.report_content(current_user, post=post, comment=comment, reason=form.reason.data,
                                    note=form.note.data or "")
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Thank you. The moderators will look at it."), "success")
            return redirect(comment_url(comment) if comment else url_for("feed.show", post_id=post.id))
    return render_template("feed/report.html", form=form, post=post or comment.post, comment=comment), (
        400 if form.errors else 200)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    return _report(post=load_post(post_id))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
def report_comment(comment_id: int):
    comment = load_comment(comment_id)
    if comment.is_deleted:
        abort(404)
    return _report(comment=comment)


