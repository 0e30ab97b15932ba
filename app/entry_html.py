"""Feed and event cards at the cost of what changed: each card comes from the fragment cache (app.fragments),
keyed by everything it shows and the viewer's flags for it (signed in; sees only the teaser; signed up), with the
page's relative times filled into markers."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from jinja2 import pass_context
from markupsafe import Markup, escape

from app import fragments, policy

CREATED_MARKER = "\x00created\x00"  # NUL never survives into stored text (app.security refuses it in input)
ACTIVE_MARKER = "\x00active\x00"


def _page(context) -> tuple:
    """What every card of one page shares: the viewer (resolved once, not through the proxy per card), whether
    they are signed in, the language."""
    memo = context.get("_feed_entry_page")
    if memo is None:
        viewer = context["current_user"]
        viewer = viewer._get_current_object() if hasattr(viewer, "_get_current_object") else viewer  # noqa: SLF001
        memo = (viewer, viewer is not None and viewer.is_authenticated, str(get_locale()))
        context.vars["_feed_entry_page"] = memo
    return memo


@pass_context
def feed_entry(context, post) -> Markup:
    viewer, signed_in, locale = _page(context)
    dates = context["dates"]
    teaser_only = policy.shows_teaser(viewer, post)
    author, category, idea = post.author, post.category, post.idea
    poll = None if teaser_only else post.poll  # loaded with the feed's posts; never shown with a teaser
    poll_state = (poll.is_closed, poll.closes_at) if poll is not None else None
    key = ("entry", post.id, post.title, post.excerpt, post.kind, post.visibility, post.status, post.pinned,
           post.created_at, post.last_activity_at, post.comment_count, post.like_count,
           (category.slug, category.name) if category else None,
           (author.display_name, author.handle, author.avatar_name, author.is_suspended) if author else None,
           (idea.status, idea.vote_count) if idea else None,
           locale, signed_in, teaser_only, poll_state)

    def render() -> str:
        return render_template("feed/_entry_card.html", post=post, signed_in=signed_in, teaser_only=teaser_only,
                               poll_state=poll_state,
                               created_absolute=dates.absolute(post.created_at), created_marker=CREATED_MARKER,
                               active_absolute=dates.absolute(post.last_activity_at), active_marker=ACTIVE_MARKER)

    card = fragments.html.get_or_render(key, render)
    card = card.replace(CREATED_MARKER, str(escape(dates.relative(post.created_at))))
    if ACTIVE_MARKER in card:
        card = card.replace(ACTIVE_MARKER, str(escape(dates.relative(post.last_activity_at))))
    # Autoescaped template output with escaped times filled in: nothing raw from people's input.
    return Markup(card)  # noqa: S704  # nosec B704


@pass_context
def event_entry(context, event, signup=None) -> Markup:
    """An event's card in a list; `signup` is the viewer's own (confirmed or waitlisted shows as a badge). The
    date is formatted in the event's zone when the card is made: no relative time, so nothing to fill in."""
    _viewer, _signed_in, locale = _page(context)
    state = "confirmed" if signup is not None and signup.is_confirmed else \
        "waitlisted" if signup is not None and signup.is_waitlisted else None
    key = ("event", event.id, event.title, event.starts_at, event.timezone, event.place, bool(event.online_url),
           event.visibility, event.cancelled_at, event.capacity, event.seats_taken, event.waitlist_enabled,
           locale, state)
    card = fragments.html.get_or_render(key, lambda: render_template("events/_entry.html", event=event,
                                                                     signup_state=state))
    return Markup(card)  # noqa: S704  # nosec B704  (autoescaped template output)
