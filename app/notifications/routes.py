"""Notifications: the bell's page, following, mail settings, one-click unsubscribe, announcements."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.extensions import csrf, db
from app.forms import ConfirmForm, populate_errors
from app.loaders import load_post
from app.models.notification import Audience, FollowTarget, MailKind, MailMode
from app.models.post import Category, PostKind
from app.notifications import bp
from app.notifications.forms import AnnounceForm, NotificationSettingsForm, PushChoicesForm
from app.security import safe_next
from app.services import accounts, announcements, mail_preferences, news_consent, notifications, push
from app.services.errors import DomainError, InvalidToken


@bp.get("/")
@login_required
def index():
    page = notifications.page_of_groups(current_user, request.args.get("before"))
    return render_template("notifications/index.html", groups=page.groups, next_cursor=page.next_cursor,
                           form=ConfirmForm())


@bp.post("/open/<any(post, event, applications, warning, offer):kind>/<int:target_id>")
@login_required
def open_group(kind: str, target_id: int):
    """Mark a thread's notifications read and go to where reading should start."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    target = safe_next(request.form.get("next"), url_for("notifications.index"))
    notifications.mark_read(current_user, (kind, target_id))
    return redirect(target)


@bp.post("/read")
@login_required
def read_all():
    if ConfirmForm().validate_on_submit():
        notifications.mark_read(current_user)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


def _target(kind: str, target_id: int) -> FollowTarget:
    """Check that the follower may see what they follow (404 otherwise)."""
    if kind == "post":
        post = load_post(target_id)
        if post.kind == PostKind.EVENT:
            abort(404)
        return FollowTarget.POST
    if kind == "category":
        db.get_or_404(Category, target_id)
        return FollowTarget.CATEGORY
    return FollowTarget.EVENTS


@bp.post("/follow/<any(post, category, events):kind>/<int:target_id>/<any(follow, unfollow):action>")
@login_required
def follow(kind: str, target_id: int, action: str):
    target = _target(kind, target_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    (notifications.follow if action == "follow" else notifications.unfollow)(current_user, target, target_id)
    flash(_("You are following it now. New activity appears under Notifications.") if action == "follow"
          else _("You are no longer following it."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = NotificationSettingsForm()
    kinds = mail_preferences.kinds_for(current_user)
    if MailKind.APPLICATIONS not in kinds:
        del form.applications
    if not form.is_submitted():
        for kind, mode in mail_preferences.preferences(current_user).items():
            if kind in kinds:
                getattr(form, kind.value).data = mode.value
        form.auto_follow.data = current_user.auto_follow
        form.handle.data = current_user.handle
    if form.validate_on_submit():
        try:
            accounts.change_handle(current_user, form.handle.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            current_user.auto_follow = form.auto_follow.data
            asked = mail_preferences.set_preferences(current_user, {
                kind: MailMode(getattr(form, kind.value).data) for kind in kinds})
            flash(_("Please confirm by the link we have just mailed you; until then we send no such mail.")
                  if asked else _("Your settings are saved."), "info" if asked else "success")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, kinds=kinds,
                           paper_consent=news_consent.latest_of([current_user]).get(current_user.id),
                           **_push_section()), 400 if form.errors else 200


def _push_section() -> dict:
    """The page's "Push notifications" section: the site's key (None: not set up), the devices, the kinds."""
    push_form = PushChoicesForm(formdata=None, data=push.choices(current_user))
    if MailKind.APPLICATIONS not in mail_preferences.kinds_for(current_user):
        del push_form.applications
    return {"push_key": push.public_key(), "devices": push.devices(current_user), "push_form": push_form,
            "device_name": push.device_name}


def _link_invalid():
    return render_template("errors/link_invalid.html",
                           message=_("The link is damaged or no longer valid. You can change all mail settings in "
                                     "your account."),
                           back_url=url_for("notifications.settings"), back_label=_("Notification settings"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_mail(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            mail_preferences.confirm_consent(token)
        except InvalidToken:
            return _link_invalid(), 400
        flash(_("Thank you, your mail settings are confirmed."), "success")
        return redirect(url_for("notifications.settings") if current_user.is_authenticated
                        else url_for("feed.index"))
    return render_template("auth/confirm.html", form=form, title=_("Confirm your mail settings"),
                           button=_("Yes, send me these mails"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" with no form; the token is the proof
def unsubscribe(token: str):
    if request.method == "POST":
        try:
            _user, kinds = mail_preferences.unsubscribe(token)
        except InvalidToken:
            return _link_invalid(), 400
        return render_template("notifications/unsubscribed.html", kinds=kinds)
    try:
        kinds = mail_preferences.kinds_in_token(token)
    except InvalidToken:
        return _link_invalid(), 400
    return render_template("notifications/unsubscribe.html", kinds=kinds)


@bp.route("/announce/<int:post_id>", methods=["GET", "POST"])
@policy.require(policy.can_write_news)
def announce(post_id: int):
    post = load_post(post_id)
    if not post.is_news:
        abort(404)
    form = AnnounceForm()
    if form.validate_on_submit():
        try:
            flash(_announce_action(post, form), "success")
        except DomainError as error:
            populate_errors(form, error)
        else:
            return redirect(url_for("notifications.announce", post_id=post.id))
    return render_template("notifications/announce.html", post=post, form=form,
                           announcement=announcements.announcement_of(post), reach=announcements.reach(),
                           audience=announcements.audience_for(post), Audience=Audience,
                           zone=current_app.config["BABEL_DEFAULT_TIMEZONE"]), 400 if form.errors else 200


def _announce_action(post, form: AnnounceForm) -> str:
    """The button pressed -> one service call; what to tell the volunteer."""
    action = request.form.get("action")
    if action == "test":
        announcements.send_test(current_user, post)
        return _("A test mail is on its way to you.")
    if action == "cancel":
        announcements.cancel(current_user, post)
        return _("The scheduled sending is cancelled.")
    if form.when.data == "later":
        announcement = announcements.schedule(current_user, post, form.audience.data, form.send_at.data)
    else:
        announcement = announcements.start(current_user, post, form.audience.data)
        announcements.send_batch(announcement)  # the first batch at once; the worker sends the rest
    if announcement.started_at is None:
        return _("Scheduled: the mail goes out on %(when)s.", when=format_datetime(announcement.scheduled_at))
    return _("Sending has started.")
