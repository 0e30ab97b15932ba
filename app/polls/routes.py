"""Polls: the author's page for a poll, and the vote and close buttons (each answers with a redirect back to the
poll on the post's page, so voting works without JavaScript and a reload sends nothing twice)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.forms import ConfirmForm, populate_errors
from app.loaders import load_post
from app.poll_form import poll_fields
from app.polls import bp
from app.services import polls
from app.services.errors import DomainError, PermissionDenied


def _back(post) -> str:
    return url_for("feed.show", post_id=post.id) + "#poll"


def _poll_or_404(post):
    poll = polls.poll_of(post)
    if poll is None:
        abort(404)
    return poll


@bp.route("/posts/<int:post_id>/poll", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    """Add a poll to one's post, or change it while nobody has voted."""
    post = load_post(post_id)
    if not policy.can_edit_poll(current_user, post):
        abort(403)
    poll = polls.poll_of(post)
    if poll is not None and (poll.voter_count or poll.is_closed):
        flash(_("This poll is closed.") if poll.is_closed else
              _("People have voted already: the poll can no longer be changed."), "error")
        return redirect(_back(post))
    form, fields = ConfirmForm(), poll_fields()
    if poll is not None and not form.is_submitted():
        fields.fill(polls.draft_of(poll))
    if form.validate_on_submit() and fields.checked(required=True):
        try:
            if poll is None:
                polls.add_poll(current_user, post, fields.draft())
            else:
                polls.edit_poll(current_user, post, poll, fields.draft())
        except PermissionDenied:
            abort(403)
        except DomainError as error:
            populate_errors(fields, error)
        else:
            flash(_("The poll is saved.") if poll is not None else _("The poll is added."), "success")
            return redirect(_back(post))
    failed = bool(fields.errors or fields.form_errors or form.errors)
    return render_template("polls/edit.html", post=post, poll=poll, form=form, fields=fields), 400 if failed else 200


def _act_on_poll(post_id: int, act, done: str):
    """Load the post and its poll (or 404), act, and go back to the poll saying how it went."""
    post = load_post(post_id)
    poll = _poll_or_404(post)
    try:
        act(post, poll)
    except PermissionDenied:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(_back(post))


@bp.post("/posts/<int:post_id>/poll/vote")
@login_required
def vote(post_id: int):
    choice = request.form.getlist("option")
    return _act_on_poll(post_id, lambda post, poll: polls.vote(current_user, post, poll, polls.chosen_ids(choice)),
                        _("Thank you: your vote is counted."))


@bp.post("/posts/<int:post_id>/poll/close")
@login_required
def close(post_id: int):
    return _act_on_poll(post_id, lambda post, poll: polls.close_poll(current_user, post, poll),
                        _("The poll is closed."))
