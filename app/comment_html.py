"""A thread slice as HTML, at the cost of what changed rather than of every comment.

Each comment's own part comes from the fragment cache (app.fragments), keyed by its content version, the
language and the viewer's flags for it (may read, like, reply, report, moderate; liked; own). What differs
per page — the session's CSRF token and "3 hours ago" — is filled into markers. The nesting around the
fragments is plain string assembly, not a recursive template.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app import fragments, policy

CSRF_MARKER = "\x00csrf\x00"  # NUL never survives into stored text (app.security refuses it in input)
TIME_MARKER = "\x00time\x00"


def _labels() -> dict[str, str]:
    return {"removed": _("Removed"), "link": _("Link to this comment"), "edited": _("edited"),
            "deleted": _("This comment was deleted by its author."),
            "hidden": _("This comment was hidden by the moderators."),
            "hidden_note": _("Hidden by the moderators (only moderators see the text)."),
            "review_note": _("Hidden after reports, awaiting a moderator's review (only moderators and the author see "
                             "the text). Reported as:"),
            "review_own": _("Others reported your comment, so it is hidden until a moderator has looked at it. "
                            "Reported as:"),
            "review_own_edit": _("You can edit it meanwhile; the moderator then judges the new text."),
            "keep_hidden": _("Keep hidden"),
            "waiting": _("Awaiting approval"), "like": _("Like"), "liked": _("Liked"), "reply": _("Reply"),
            "edit": _("Edit"), "delete": _("Delete"), "report": _("Report"), "hide": _("Hide"),
            "restore": _("Restore")}


class ThreadRenderer:
    """Renders the nodes of one page for one viewer; the per-page answers are worked out once."""

    def __init__(self, viewer, post, liked: set[int], attachments: dict, dates):
        self.viewer, self.post, self.liked, self.attachments, self.dates = viewer, post, liked, attachments, dates
        signed_in = viewer is not None and viewer.is_authenticated
        self.viewer_id = viewer.id if signed_in else None
        self.may_react = signed_in and policy.can_react(viewer, post)
        self.may_comment = policy.can_comment(viewer, post)
        self.may_report = policy.can_report(viewer)
        self.may_moderate = policy.can_moderate(viewer)
        self.locale = str(get_locale())
        self.labels: dict[str, str] | None = None
        self.csrf_html = str(escape(generate_csrf())) if signed_in else ""  # one token per page

    def html(self, nodes) -> Markup:
        parts: list[str] = []
        for node in nodes:
            self._node(node, parts)
        # Every part is autoescaped template output or escaped here: nothing raw from people's input.
        return Markup("".join(parts))  # noqa: S704  # nosec B704

    def _node(self, node, parts: list[str]) -> None:
        comment = node.comment
        readable = policy.can_see_comment_text(self.viewer, comment)
        if comment.is_pending and not readable:
            return  # held content is invisible to others, and it has no replies
        parts.append(self._head(node, readable))
        if node.children or node.more_replies:
            parts.append('<div class="replies">')
            for child in node.children:
                self._node(child, parts)
            if node.more_replies:
                parts.append(self._more(comment, node.more_replies))
            parts.append("</div>")
        parts.append("</details>\n</article>\n")

    def _head(self, node, readable: bool) -> str:
        comment, author = node.comment, node.comment.author
        visible = comment.counts_as_visible
        flags = (readable, self.may_react and visible, comment.id in self.liked, self.may_comment and visible,
                 self.viewer_id == comment.author_id, self.may_report, self.may_moderate)
        files = self.attachments.get(comment.id) or ()
        # Everything the fragment shows, the text itself included (a restored backup may reuse an id).
        key = (comment.id, comment.body_html, comment.created_at, comment.status, comment.edited_at,
               comment.deleted_at, comment.hidden_at, comment.review_reasons,
               comment.like_count, author.display_name, author.handle, author.avatar_name, node.level,
               len(node.children) + node.more_replies, tuple((a.id, a.alt_text) for a in files), self.locale,
               flags)
        fragment = fragments.html.get_or_render(key, lambda: self._render_head(node, readable, flags, files))
        return fragment.replace(TIME_MARKER, str(escape(self.dates.relative(comment.created_at)))).replace(
            CSRF_MARKER, self.csrf_html)

    def _render_head(self, node, readable, flags, files) -> str:
        if self.labels is None:
            self.labels = _labels()
        _readable, may_like, liked, may_reply, own, may_report, may_moderate = flags
        return render_template("feed/_comment_head.html", c=node.comment, level=node.level, readable=readable,
                               reply_count=len(node.children) + node.more_replies, may_like=may_like, liked=liked,
                               may_reply=may_reply, own=own, may_report=may_report, may_moderate=may_moderate,
                               attachments=list(files), L=self.labels, absolute=self.dates.absolute(
                                   node.comment.created_at), time_marker=TIME_MARKER,
                               csrf_marker=CSRF_MARKER)

    def _more(self, comment, count: int) -> str:
        text = ngettext("%(num)d more reply", "%(num)d more replies", count)
        href = url_for("feed.replies", comment_id=comment.id)
        return f'<p class="more-replies"><a href="{escape(href)}">{escape(text)} →</a></p>'


def configure(app) -> None:
    fragments.html.size = app.config.get("FRAGMENT_CACHE_SIZE", 10_000)


__all__ = ["ThreadRenderer", "configure"]
