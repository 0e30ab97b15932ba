"""Moderation of one thread beyond its buttons: slow mode and a lock that starts or ends by itself."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.forms import populate_errors
from app.loaders import load_post
from app.moderation import bp
from app.moderation.forms import ThreadSettingsForm
from app.services import thread_limits
from app.services.errors import DomainError


@bp.route("/posts/<int:post_id>/thread", methods=["GET", "POST"])
@policy.require(policy.can_moderate)
def thread_settings(post_id: int):
    post = load_post(post_id)
    form = ThreadSettingsForm()
    if form.validate_on_submit():
        try:
            thread_limits.set_thread_rules(current_user, post, slow_mode_minutes=form.slow_mode_minutes.data,
                                           lock=form.lock.data, lock_from=form.lock_from.data,
                                           lock_until=form.lock_until.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("The thread's settings are saved."), "success")
            return redirect(url_for("feed.show", post_id=post.id))
    if not form.is_submitted():
        _fill(form, post)
    return render_template("moderation/thread.html", post=post, form=form,
                           zone=current_app.config["BABEL_DEFAULT_TIMEZONE"]), 400 if form.errors else 200


def _fill(form: ThreadSettingsForm, post) -> None:
    """The thread's current settings, times in the site's zone as the form shows them."""
    form.slow_mode_minutes.data = post.slow_mode_minutes
    form.lock.data = thread_limits.lock_state(post).value
    form.lock_from.data = thread_limits.local_time(post.lock_at)
    form.lock_until.data = thread_limits.local_time(post.locked_until)
