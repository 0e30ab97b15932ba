"""Screening what people write against the watched words and the link-spam rule, in one place: every service that
stores text someone typed (posts, comments, events, display names and handles, profiles and directory entries,
contact messages) calls `screen` before storing it and `record` once the thing has an id.

What an entry's action does depends on the kind of text:

| action | posts, comments | profile, directory entry, contact message | display name, handle |
|--------|-----------------|-------------------------------------------|----------------------|
| block  | refused at its field; the form keeps the text | refused | refused |
| hold   | stored, held for approval; the queue says why | refused (nothing can hold them) | refused |
| flag   | published, and put in the moderation queue | saved or sent, and the queue hears of the person | refused |
| censor | published with the words replaced | replaced | refused (■■■ is no name) |

Volunteers and admins are screened too, but only block and censor apply to them: they are the ones who would
approve a held text (and only they write events). A regular expression that runs out of time counts as "hold", so
a text is neither refused for a word it may not contain nor let through unseen. Editing a published post or
comment cannot hold it again (others have read and answered it): "hold" becomes "flag" there.

The compiled list is kept per process and rebuilt when the setting `watched_words_version` changes (every change
to the list sets a new one), so every host picks up a change within SETTINGS_CACHE_SECONDS.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy, site
from app.extensions import db
from app.models.moderation import Report, ReportReason
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post, Status
from app.models.settings import SiteSetting
from app.models.user import User
from app.models.watched_word import WatchedWord
from app.services.errors import DomainError
from app.services.new_account_limits import count_links
from app.watched_words import DEFAULT_REPLACEMENT, Entry, Hit, WatchList, censor

log = logging.getLogger(__name__)

CONTRIBUTION = "contribution"  # posts and comments: can be held
EVENT = "event"
PROFILE = "profile"  # the profile page's and the directory's fields
MESSAGE = "message"  # contact through the directory
NAME = "name"  # display names and handles
VERSION_KEY = "watched_words_version"
NOTE_LIMIT = 1000
FIELD_LABELS = {
    "title": _l("Title"), "body": _l("Text"), "description": _l("Description"), "place": _l("Place"),
    "note_label": _l("Question to people signing up"), "display_name": _l("Display name"), "handle": _l("Handle"),
    "bio": _l("About me"), "programme": _l("Programme"), "city": _l("City"), "employer": _l("Employer"),
    "position": _l("Position"), "subject": _l("Subject"), "message": _l("Message"),
    "poll_question": _l("Poll question"), "poll_options": _l("Poll options"), "organisation": _l("Organisation"),
}
# Every link has a dot or a colon; a text with few of these cannot have many links, and is not rendered to count.
_LINK_HINT = re.compile(r"[.:]")


@dataclass(frozen=True)
class Finding:
    field: str
    hit: Hit
    action: str  # what the entry does in this kind of text (see the table above)


@dataclass
class Verdict:
    """What happens to a text: `texts` as they are to be stored (censored), held or not, and what the moderation
    queue is to hear of."""

    texts: dict[str, str]
    originals: dict[str, str] = field(default_factory=dict)  # as written (the findings' spans are in these)
    hold: bool = False
    findings: list[Finding] = field(default_factory=list)
    links: int = 0  # the link count, when it is over the new accounts' limit
    published: int = 0  # ... and how many published posts and comments the author had then

    @property
    def needs_report(self) -> bool:
        return bool(self.links) or any(finding.action in ("hold", "flag") for finding in self.findings)


# ---------------------------------------------------------------- the compiled list

_lock = threading.Lock()
_compiled: dict[str, tuple[str, WatchList]] = {}  # database -> (version, list)


def current_list() -> WatchList:
    """The watched words of this site, compiled (once per process and version of the list)."""
    version = site.raw(VERSION_KEY)
    database = str(current_app.config["SQLALCHEMY_DATABASE_URI"])
    cached = _compiled.get(database)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _compiled.get(database)
        if cached is None or cached[0] != version:
            rows = db.session.execute(select(WatchedWord.id, WatchedWord.text, WatchedWord.kind, WatchedWord.action,
                                             WatchedWord.replacement, WatchedWord.rule,
                                             WatchedWord.normalised)).all()
            watch = WatchList(Entry(row.id, row.text, str(row.kind), str(row.action),
                                    row.replacement or DEFAULT_REPLACEMENT, row.rule, key=row.normalised)
                              for row in rows)
            cached = _compiled[database] = (version, watch)
            log.info("watched words compiled: %d entries (version %r)", watch.size, version)
    return cached[1]


def list_changed() -> None:
    """The list changed: a new version, so this process and every other one compiles it again."""
    row = db.session.get(SiteSetting, VERSION_KEY) or SiteSetting(key=VERSION_KEY)
    row.value = secrets.token_hex(8)
    db.session.add(row)
    db.session.flush()
    site.forget()


def forget() -> None:
    """Drop the compiled lists (between tests, whose clean-up empties the tables behind the version's back)."""
    with _lock:
        _compiled.clear()


# ---------------------------------------------------------------- screening


def action_here(action: str, where: str, *, moderator: bool = False, editing: bool = False) -> str | None:
    """What an entry's action does in this kind of text, for this writer (None: nothing)."""
    if moderator and action in ("hold", "flag"):
        return None
    if where == NAME:
        return "block"
    if where in (PROFILE, MESSAGE) and action == "hold":
        return "block"
    if where == CONTRIBUTION and editing and action == "hold":
        return "flag"
    return action


def screen(author: User | None, texts: dict[str, str], *, where: str, editing: bool = False) -> Verdict:
    """Check texts (field name -> text) before they are stored. A blocked word raises DomainError at its field;
    otherwise the verdict carries the texts to store and whether to hold them."""
    moderator = author is not None and policy.can_moderate(author)
    watch = current_list()
    findings = []
    for name, text in texts.items():
        for hit in watch.find(text or ""):
            if hit.timed_out:
                log.warning("watched pattern %s ran out of time on %s (%s)", hit.entry.id, name, where)
            action = action_here("hold" if hit.timed_out else hit.entry.action, where, moderator=moderator,
                                 editing=editing)
            if action is not None:
                findings.append(Finding(name, hit, action))
    for finding in findings:
        if finding.action == "block":
            raise DomainError(_refusal(finding, texts[finding.field], where), finding.field)
    verdict = Verdict({name: censor(text, [f.hit for f in findings if f.field == name and f.action == "censor"])
                       if text else text for name, text in texts.items()}, originals=dict(texts), findings=findings)
    verdict.hold = any(finding.action == "hold" for finding in findings)
    if where == CONTRIBUTION and author is not None and not moderator:
        _check_links(author, verdict, editing)
    return verdict


def _refusal(finding: Finding, text: str, where: str):
    hit = finding.hit
    if hit.timed_out:
        return _l("This text could not be checked in time. Please shorten it or try again later.")
    word = masked(text[hit.start:hit.end])
    if where == NAME:
        return _l("Please choose another name: “%(word)s” is not allowed in names here.", word=word)
    rule = hit.entry.rule.strip()
    if rule:
        rule = rule if rule.endswith((".", "!", "?")) else rule + "."
        return _l("“%(word)s” is not allowed here: %(rule)s Please rephrase it.", word=word, rule=rule)
    return _l("“%(word)s” is not allowed here: our community guidelines rule out insults and slurs. Please "
              "rephrase it.", word=word)


def masked(words: str) -> str:
    """What the person wrote, with all but the first and last letter starred: enough to find it in a long text,
    without repeating a slur in full."""
    words = " ".join(words.split())[:40]
    if len(words) <= 2:
        return words[:1] + "*" * (len(words) - 1)
    inner = "".join("*" if char.isalnum() else char for char in words[1:-1])
    return words[0] + inner + words[-1]


# ---------------------------------------------------------------- link spam


def link_count(texts: dict[str, str]) -> int:
    """Links in the texts as they will be shown (Markdown links, bare addresses and domains; titles have none)."""
    limit = site.get("new_account_link_limit")
    total = 0
    for name, text in texts.items():
        if name != "title" and text and len(_LINK_HINT.findall(text)) > limit - total:
            total += count_links(text)  # the one link count (app.services.new_account_limits)
    return total


def published_count(author: User, enough: int) -> int:
    """The author's published, visible posts and comments, counted up to `enough`."""
    posts = select(Post.id).where(Post.author_id == author.id, Post.status == Status.PUBLISHED,
                                  Post.hidden_at.is_(None)).limit(enough).subquery()
    comments = select(Comment.id).where(Comment.author_id == author.id, Comment.status == Status.PUBLISHED,
                                        Comment.hidden_at.is_(None), Comment.deleted_at.is_(None)
                                        ).limit(enough).subquery()
    count = db.session.scalar(select(func.count()).select_from(posts)) or 0
    if count < enough:
        count += db.session.scalar(select(func.count()).select_from(comments)) or 0
    return count


def _check_links(author: User, verdict: Verdict, editing: bool) -> None:
    enough = site.get("new_account_link_posts")
    if not enough:
        return
    links = link_count(verdict.texts)
    if links <= site.get("new_account_link_limit"):
        return
    published = published_count(author, enough)
    if published < enough:
        verdict.links, verdict.published = links, published
        verdict.hold = verdict.hold or not editing


# ---------------------------------------------------------------- the moderation queue


def record(verdict: Verdict, *, post: Post | None = None, comment: Comment | None = None,
           person: User | None = None, opportunity: Opportunity | None = None) -> list[Report]:
    """Tell the moderation queue what the screening found (nothing when it found nothing to look at): a report
    without a reporter, about the post, the comment or (for names, profiles and messages) the person; one open
    report per reason and thing, however often it is edited."""
    if not verdict.needs_report:
        return []
    if comment is not None:
        post = comment.post
    about = (Report.opportunity_id == opportunity.id if opportunity is not None else
             Report.comment_id == comment.id if comment is not None else
             (Report.post_id == post.id) & Report.comment_id.is_(None) if post is not None else
             Report.person_id == (person.id if person is not None else None))
    already = set(db.session.scalars(select(Report.reason).where(about, Report.reporter_id.is_(None),
                                                                 Report.resolved_at.is_(None))))
    with force_locale(site.get("default_locale")):  # the association's moderators read the notes
        notes = _notes(verdict)
    entries = [Report(reporter_id=None, post=post, comment=comment, person=person, opportunity=opportunity,
                      reason=reason,
                      note=note[:NOTE_LIMIT]) for reason, note in notes if reason not in already]
    db.session.add_all(entries)
    db.session.flush()
    log.info("screening reported post %s, comment %s, person %s: %s", post.id if post else None,
             comment.id if comment else None, person.id if person else None, [str(r) for r, _n in notes])
    return entries


def _notes(verdict: Verdict) -> list[tuple[ReportReason, str]]:
    notes = []
    words = [_note(finding, verdict.originals) for finding in verdict.findings if finding.action in ("hold", "flag")]
    if words:
        notes.append((ReportReason.WATCHED_WORD, "; ".join(words)))
    if verdict.links:
        notes.append((ReportReason.LINKS, _(
            "%(links)d links from a new account (%(published)d published posts and comments; up to %(limit)d links "
            "until %(needed)d are published).", links=verdict.links, published=verdict.published,
            limit=site.get("new_account_link_limit"), needed=site.get("new_account_link_posts"))))
    return notes


def _note(finding: Finding, texts: dict[str, str]) -> str:
    hit, label = finding.hit, str(FIELD_LABELS.get(finding.field, finding.field))
    if hit.timed_out:
        return _("%(field)s: the pattern “%(entry)s” ran out of time on this text", field=label,
                 entry=hit.entry.text)
    return _("%(field)s: “%(found)s” (watched: “%(entry)s”)", field=label,
             found=texts.get(finding.field, "")[hit.start:hit.end][:80], entry=hit.entry.text)


def held_reason(*, post: Post | None = None, comment: Comment | None = None):
    """Why a held post or comment is held, in words for its author (None: the first-posts rule, or not held)."""
    about = Report.comment_id == comment.id if comment is not None else (
        (Report.post_id == post.id) & Report.comment_id.is_(None)) if post is not None else None
    if about is None:
        return None
    reasons = set(db.session.scalars(select(Report.reason).where(about, Report.reporter_id.is_(None),
                                                                 Report.resolved_at.is_(None))))
    if ReportReason.LINKS in reasons:
        return _l("It has more links than new accounts may post at once.")
    if ReportReason.WATCHED_WORD in reasons:
        return _l("It contains words our moderators look at before they are shown.")
    return None
