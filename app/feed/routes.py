"""The public feed, posts, and their Atom feeds."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import attaching, limits, policy
from app.caching import anonymous_cache
from app.comment_html import ThreadRenderer
from app.extensions import limiter
from app.feed import bp
from app.feed.forms import PostForm
from app.forms import CommentForm, populate_errors, submission_key
from app.loaders import load_event_of_discussion, load_post
from app.models.notification import FollowTarget
from app.models.post import Category, PostKind, Visibility
from app.models.types import utcnow
from app.poll_form import place_error, poll_fields
from app.services import categories, feed_queries, ideas, polls, posts, screening, threads
from app.services.errors import DomainError, PermissionDenied
from app.services.notifications import is_following
from app.templating import DateTexts


def _category_from_args() -> Category | None:
    slug = request.args.get("category")
    if not slug:
        return None
    category = categories.find_category(slug)
    if category is None:
        abort(404)
    return category


@bp.get("/")
@anonymous_cache
def index():
    kind = request.args.get("kind") if request.args.get("kind") in ("news", "discussion") else None
    category = _category_from_args()
    page = feed_queries.feed_page(policy.public_feed_posts(current_user), kind=kind, category=category,
                                  cursor=request.args.get("before"))
    return render_template("feed/index.html", page=page, kind=kind, category=category,
                           categories=categories.all_categories(keep=category),
                           following=category is not None and is_following(current_user, FollowTarget.CATEGORY,
                                                                            category.id))


@bp.get("/feed.atom")
@anonymous_cache
def atom():
    page = feed_queries.feed_page(policy.syndicated_posts(), page_size=50, with_body=True)
    entries = page.pinned + page.posts
    updated = max((post.last_activity_at for post in entries), default=utcnow())
    body = render_template("feed/atom.xml", posts=entries, updated=updated)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/posts/<int:post_id>")
@anonymous_cache
def show(post_id: int):
    post = load_post(post_id, allow_teaser=True)
    if post.kind == PostKind.EVENT:  # an event's discussion lives on the event page
        return redirect(url_for("events.show", event_id=load_event_of_discussion(post).id, start=_slice_start()))
    if not policy.can_read_post(current_user, post):
        return render_template("feed/teaser.html", post=post)
    newest_first = request.args.get("sort") == "newest"
    comments = threads.thread_slice(post, newest_first=newest_first, start=_slice_start())
    post_liked, liked_comments = feed_queries.liked_by(current_user, post)
    own_files, comment_files = attaching.visible_with_comments(post, comments.comment_ids())
    renderer = ThreadRenderer(current_user, post, liked_comments, comment_files, DateTexts())
    return render_template("feed/post.html", post=post, comments=comments, thread=renderer,
                           new_since_visit=_unread(post), newest_first=newest_first, attachments=own_files,
                           files=attaching.Choices(), post_liked=post_liked,
                           idea_voted=post.idea is not None and ideas.has_voted(current_user, post.id),
                           # A form makes a CSRF token and so a session cookie: only for those who may write.
                           form=CommentForm() if policy.can_comment(current_user, post) else None,
                           following=is_following(current_user, FollowTarget.POST, post.id),
                           poll=polls.poll_view(current_user, post))


SEEN_THREADS = 40  # threads whose last visit this browser remembers


def _unread(post) -> tuple[int, int | None]:
    """New comments by others since this browser last opened the thread: (how many, the first one's id).
    Kept in the session like the members area's "new since your last visit", so reading writes nothing."""
    if not current_user.is_authenticated:
        return 0, None
    seen = session.get("threads_seen")
    seen = dict(seen) if isinstance(seen, dict) else {}
    remembered = seen.pop(str(post.id), None)
    count, first, newest = threads.unread_since(post, current_user,
                                                remembered if isinstance(remembered, int) else None)
    seen[str(post.id)] = newest
    session["threads_seen"] = dict(list(seen.items())[-SEEN_THREADS:])  # the most recent ones, in order
    return count, first


def _slice_start() -> int | None:
    """?start=<id of a top-level comment>: a later slice of the thread (junk: the first)."""
    value = request.args.get("start", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.get("/posts/<int:post_id>/comments.atom")
def comments_atom(post_id: int):
    post = load_post(post_id)
    if not policy.is_syndicated(post):
        abort(404)  # machine-read feeds carry public content only
    body = render_template("feed/comments_atom.xml", post=post, comments=threads.latest_comments(post))
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


def _post_form(choices, post=None) -> PostForm:
    form = PostForm(obj=post)
    form.set_categories(choices)
    if post is not None and not form.is_submitted():
        form.category.data = str(post.category_id or "")
        form.body.data = post.body_source
    return form


def _chosen(form, choices):
    chosen = {str(c.id): c for c in choices}.get(form.category.data or "")
    return chosen, Visibility(form.visibility.data if form.visibility.data in ("public", "members") else "public")


def _preselect(form) -> None:
    """A link to the empty form may preselect members-only (members area) or the idea box (the ideas page)."""
    if form.is_submitted():
        return
    if request.args.get("visibility") == "members":
        form.visibility.data = "members"
    if request.args.get("idea") == "1":
        form.idea.data = True


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
@limiter.limit(limits.posting, key_func=limits.per_person, methods=["POST"])
def new_post():
    kind = PostKind.NEWS if request.args.get("kind") == "news" else PostKind.DISCUSSION
    is_news = kind == PostKind.NEWS
    allowed = policy.can_write_news(current_user) if is_news else policy.can_start_discussion(current_user)
    if not allowed:
        if not current_user.is_verified:
            flash(_("Please confirm your email address first. We have sent you a link."), "error")
            return redirect(url_for("account.settings"))
        abort(403)
    choices = categories.all_categories()
    form = _post_form(choices)
    _preselect(form)
    files = attaching.from_request(current_user) if form.is_submitted() else attaching.Choices()
    poll = poll_fields()  # an optional poll, its own part of the form (app.poll_form)
    if (form.validate_on_submit() & poll.checked(required=False)) and files.ready(form):
        category, visibility = _chosen(form, choices)
        try:
            post = polls.create_post(current_user, poll=None if poll.is_empty else poll.draft(), kind=kind,
                                     title=form.title.data, body=form.body.data, category=category,
                                     visibility=visibility, public_teaser=form.public_teaser.data,
                                     pinned=form.pinned.data, submission=submission_key(form),
                                     attachments=files.items)
        except PermissionDenied as error:
            populate_errors(form, DomainError(error.message))
        except DomainError as error:
            place_error(form, poll, error)
        else:
            if form.idea.data and kind == PostKind.DISCUSSION:
                ideas.propose(current_user, post)
            if post.is_pending:
                because = screening.held_reason(post=post)
                flash(_("Thank you! Your post is held for review: %(reason)s It will appear once a moderator has "
                        "approved it.", reason=because) if because else
                      _("Thank you! Your post will appear once a moderator has approved it."), "info")
            return redirect(url_for("feed.show", post_id=post.id))
    return render_template("feed/edit_post.html", form=form, kind=kind, post=None, files=files,
                           poll_form=poll), 400 if form.errors or poll.errors or poll.form_errors else 200


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = load_post(post_id)
    if not policy.can_edit_post(current_user, post) or post.kind == PostKind.EVENT:
        abort(403)
    choices = categories.all_categories(keep=post.category)
    form = _post_form(choices, post)
    files = attaching.from_request(current_user, post=post) if form.is_submitted() else attaching.current(post=post)
    if form.validate_on_submit() and files.ready(form):
        category, visibility = _chosen(form, choices)
        try:
            posts.edit_post(current_user, post, title=form.title.data, body=form.body.data, category=category,
                            visibility=visibility, public_teaser=form.public_teaser.data, pinned=form.pinned.data,
                            attachments=files.items)
        except PermissionDenied as error:
            populate_errors(form, DomainError(error.message))
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("feed.show", post_id=post.id))
    kind = PostKind(post.kind)
    return render_template("feed/edit_post.html", form=form, kind=kind, post=post,
                           files=files), 400 if form.errors else 200


@bp.post("/posts/<int:post_id>/like")
@login_required
def like_post(post_id: int):
    post = load_post(post_id)
    try:
        posts.set_post_like(current_user, post, liked=request.form.get("liked") != "0")
    except PermissionDenied:
        abort(403)
    return redirect(url_for("feed.show", post_id=post.id) + "#post-reactions")

