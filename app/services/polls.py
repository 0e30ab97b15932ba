"""Polls: add one to a post (with the post, or later while nobody has voted), change it, vote, close it early, and
forget who voted once it is closed.

Anonymous by design: a ballot row says only that a person voted (the unique key refuses a second vote, also two at
once); the counts live on the options and move in the same transaction. Nothing stores, logs or shows which option
anyone chose, and after closing the worker deletes the ballots themselves (`forget_voters`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import joinedload

from app import policy
from app.database import insert_if_absent, insert_new, rows_changed
from app.extensions import db
from app.models.audit import AuditAction
from app.models.poll import (
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    QUESTION_MAX,
    Poll,
    PollBallot,
    PollOption,
    ResultsShown,
)
from app.models.post import Post
from app.models.types import utcnow
from app.models.user import User
from app.services import audit, posts, screening
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
MAX_OPTION_ID = 2**31 - 1
CLOSING_MAX = timedelta(days=3653)  # ids are PostgreSQL integers: anything larger is junk, not an option


class AlreadyVoted(DomainError):
    """A second vote of one person (another tab, a double click, two requests at once): counted once."""


class PollClosed(DomainError):
    """A vote after the poll closed: nothing is counted."""


@dataclass
class PollDraft:
    """What the author fills in; `closes_at` is aware (converted from the site's time zone), `options` is the
    textarea's text, one option per line."""

    question: str
    options: str
    multiple: bool = False
    max_choices: int | None = None
    closes_at: datetime | None = None
    results_shown: ResultsShown = ResultsShown.AFTER_VOTE


# ---------------------------------------------------------------- checking what the author typed


def parse_options(text: str) -> list[str]:
    """The options, one per line (blank lines left out), or a DomainError that says what to change."""
    options = [" ".join(line.split()) for line in (text or "").splitlines()]
    options = [option for option in options if option]
    if len(options) < OPTIONS_MIN:
        raise DomainError(_l("Please enter at least %(min)d options, one per line.", min=OPTIONS_MIN), "options")
    if len(options) > OPTIONS_MAX:
        raise DomainError(_l("A poll has at most %(max)d options; you entered %(count)d.", max=OPTIONS_MAX,
                             count=len(options)), "options")
    seen: set[str] = set()
    for number, option in enumerate(options, start=1):
        if len(option) > OPTION_MAX:
            raise DomainError(_l("Option %(number)d has %(length)d characters; an option has at most %(max)d.",
                                 number=number, length=len(option), max=OPTION_MAX), "options")
        if option.casefold() in seen:
            raise DomainError(_l("“%(option)s” is there twice: please enter each option once.", option=option),
                              "options")
        seen.add(option.casefold())
    return options


def check_draft(draft: PollDraft, now: datetime | None = None) -> list[str]:
    """All rules of a poll at once (the forms call this too, so the messages are the same everywhere)."""
    if len(draft.question or "") > QUESTION_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=QUESTION_MAX), "question")
    options = parse_options(draft.options)
    if draft.multiple and draft.max_choices is not None and not 2 <= draft.max_choices <= len(options):
        raise DomainError(_l("Please enter a number from %(min)d to %(max)d (the number of options), or leave it "
                             "empty.", min=2, max=len(options)), "max_choices")
    now = now or utcnow()
    if draft.closes_at is not None and draft.closes_at <= now:
        raise DomainError(_l("The closing time must lie in the future."), "closes_at")
    if draft.closes_at is not None and draft.closes_at > now + CLOSING_MAX:  # also: no year 9999 to overflow
        raise DomainError(_l("The closing time must lie within the next %(years)d years.", years=10), "closes_at")
    return options


def _screened(author: User, draft: PollDraft, options: list[str], *, editing: bool):
    """The watched words, as for the post's own text: a blocked word is refused at its field; censored words are
    replaced; "hold" holds the new post (adding a poll to a published post flags it instead)."""
    texts = {"poll_question": draft.question or "", "poll_options": "\n".join(options)}
    try:
        verdict = screening.screen(author, texts, where=screening.CONTRIBUTION, editing=editing)
    except DomainError as error:
        raise DomainError(error.message, "question" if error.field == "poll_question" else "options") from error
    censored = verdict.texts["poll_options"].split("\n")
    return verdict, verdict.texts["poll_question"], censored if len(censored) == len(options) else options


def _store(post: Post, draft: PollDraft, question: str, options: list[str]) -> None:
    poll_id = insert_new(Poll, post_id=post.id, question=question.strip(), multiple=draft.multiple,
                         max_choices=_max_choices(draft, options), results_shown=draft.results_shown,
                         closes_at=draft.closes_at, voter_count=0, created_at=utcnow())
    if poll_id is None:  # the other copy of this submission stored it a moment ago
        return
    _store_options(poll_id, options)


def _store_options(poll_id: int, options: list[str]) -> None:
    db.session.execute(insert(PollOption), [{"poll_id": poll_id, "position": number, "label": label,
                                             "vote_count": 0} for number, label in enumerate(options, start=1)])


def _max_choices(draft: PollDraft, options: list[str]) -> int | None:
    if not draft.multiple or draft.max_choices is None or draft.max_choices >= len(options):
        return None  # single choice, or no limit that matters
    return draft.max_choices


# ---------------------------------------------------------------- the author


def create_post(author: User, *, poll: PollDraft | None, **post_fields) -> Post:
    """Start a discussion or write news (app.services.posts.create_post), with a poll when one is given. The poll
    is checked and screened before anything is stored, so a refused option stores no post either."""
    if poll is None:
        return posts.create_post(author, **post_fields)
    options = check_draft(poll)
    verdict, question, options = _screened(author, poll, options, editing=False)
    post = posts.create_post(author, hold=verdict.hold, **post_fields)
    if post.poll is None:
        _store(post, poll, question, options)
        screening.record(verdict, post=post)
        log.info("poll added to new post %s by %s", post.id, author.id)
    return post


def add_poll(author: User, post: Post, draft: PollDraft) -> None:
    """The author adds a poll to their post later."""
    if not policy.can_edit_poll(author, post):
        raise PermissionDenied(_l("Only the post's author may add a poll."))
    if post.poll is not None:
        raise DomainError(_l("This post has a poll already."))
    options = check_draft(draft)
    verdict, question, options = _screened(author, draft, options, editing=not post.is_pending)
    _store(post, draft, question, options)
    screening.record(verdict, post=post)
    log.info("poll added to post %s by %s", post.id, author.id)


def edit_poll(author: User, post: Post, poll: Poll, draft: PollDraft) -> None:
    """Change the question, options and settings while nobody has voted (after the first vote, the options stay
    what people voted on)."""
    if not policy.can_edit_poll(author, post):
        raise PermissionDenied(_l("Only the post's author may change the poll."))
    options = check_draft(draft)
    verdict, question, options = _screened(author, draft, options, editing=not post.is_pending)
    # Guarded: a vote arriving at the same moment either comes first (and this is refused) or after (and finds
    # the new options: app.services.polls.vote re-reads them once it holds the poll's row).
    changed = rows_changed(update(Poll).where(Poll.id == poll.id, Poll.voter_count == 0, Poll.closed_at.is_(None))
                           .values(question=question.strip(), multiple=draft.multiple,
                                   max_choices=_max_choices(draft, options), results_shown=draft.results_shown,
                                   closes_at=draft.closes_at))
    if not changed:
        raise DomainError(_l("People have voted already: the poll can no longer be changed."))
    db.session.execute(delete(PollOption).where(PollOption.poll_id == poll.id))
    _store_options(poll.id, options)
    db.session.expire(poll)
    screening.record(verdict, post=post)
    log.info("poll %s of post %s changed by %s", poll.id, post.id, author.id)


def close_poll(actor: User, post: Post, poll: Poll) -> None:
    """Close a poll now: its author, or a moderator (audited when it is someone else's)."""
    if not policy.can_close_poll(actor, post):
        raise PermissionDenied(_l("Only the poll's author or a moderator may close it."))
    if poll.is_closed:
        raise PollClosed(_l("This poll is closed already."))
    now = utcnow()
    if not rows_changed(update(Poll).where(Poll.id == poll.id, Poll.closed_at.is_(None)).values(closed_at=now)):
        raise PollClosed(_l("This poll is closed already."))
    poll.closed_at = now
    if actor.id != post.author_id:
        audit.record(actor, AuditAction.POLL_CLOSED, subject_id=post.author_id, new_value=f"post:{post.id}")
    log.info("poll %s of post %s closed by %s", poll.id, post.id, actor.id)


# ---------------------------------------------------------------- voting


def chosen_ids(values: list[str]) -> list[int]:
    """Option ids as a form sent them: digits within range, each once; anything else is refused."""
    ids = []
    for value in values:
        if not value.isdigit() or len(value) > 10 or not 0 < int(value) <= MAX_OPTION_ID:
            raise DomainError(_l("Please choose among the options of this poll."))
        if int(value) not in ids:
            ids.append(int(value))
    return ids


def _check_choice(poll: Poll, option_ids: set[int], chosen: list[int]) -> None:
    if not chosen:
        raise DomainError(_l("Please choose an option.") if not poll.multiple else
                          _l("Please choose at least one option."))
    if not set(chosen) <= option_ids:
        raise DomainError(_l("Please choose among the options of this poll."))
    if not poll.multiple and len(chosen) > 1:
        raise DomainError(_l("Please choose one option only."))
    if poll.multiple and poll.max_choices is not None and len(chosen) > poll.max_choices:
        raise DomainError(_l("Please choose at most %(max)d options.", max=poll.max_choices))


def vote(user: User, post: Post, poll: Poll, chosen: list[int]) -> None:
    """Count one person's vote once. Nothing is written when it is refused (closed, voted already, a wrong
    choice): each guard either comes before the first write or takes its write back."""
    if not policy.can_vote_in_poll(user, post):
        raise PermissionDenied(_l("You may not vote in this poll."))
    if poll.is_closed:
        raise PollClosed(_l("This poll is closed: your vote was not counted."))
    _check_choice(poll, {option.id for option in poll.options}, chosen)
    now = utcnow()
    # The poll's row first: the lock that orders this vote against a concurrent vote, change or closing.
    still_open = update(Poll).where(Poll.id == poll.id, Poll.closed_at.is_(None),
                                    or_(Poll.closes_at.is_(None), Poll.closes_at > now))
    if not rows_changed(still_open.values(voter_count=Poll.voter_count + 1)):
        raise PollClosed(_l("This poll is closed: your vote was not counted."))
    try:
        # Holding the row, read the options again: the author may have changed them a moment ago.
        _check_choice(poll, set(db.session.scalars(select(PollOption.id).where(PollOption.poll_id == poll.id))),
                      chosen)
        if not insert_if_absent(PollBallot, poll_id=poll.id, user_id=user.id):
            raise AlreadyVoted(_l("You have already voted in this poll."))
    except DomainError:
        db.session.execute(update(Poll).where(Poll.id == poll.id).values(voter_count=Poll.voter_count - 1))
        raise
    db.session.execute(update(PollOption).where(PollOption.poll_id == poll.id, PollOption.id.in_(chosen))
                       .values(vote_count=PollOption.vote_count + 1))
    db.session.expire(poll)
    log.info("%s voted in poll %s", user.id, poll.id)  # never what: the poll is anonymous


# ---------------------------------------------------------------- reading


@dataclass
class PollView:
    """What the post page shows of a poll to one person."""

    poll: Poll
    question: str
    voted: bool
    can_vote: bool
    shows_results: bool

    def share(self, option: PollOption) -> int:
        """The option's share of the voters in whole percent (several choices: the shares add up to more)."""
        return round(100 * option.vote_count / self.poll.voter_count) if self.poll.voter_count else 0


def poll_of(post: Post) -> Poll | None:
    """The post's poll with its options (one query), or None."""
    return db.session.scalars(select(Poll).where(Poll.post_id == post.id)
                              .options(joinedload(Poll.options))).unique().one_or_none()


def has_voted(user, poll: Poll) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(PollBallot.id).where(PollBallot.poll_id == poll.id,
                                                         PollBallot.user_id == user.id)) is not None


def poll_view(user, post: Post) -> PollView | None:
    """The post's poll as `user` sees it, or None (no poll, or a post they cannot read)."""
    if not policy.can_read_post(user, post):
        return None
    poll = poll_of(post)
    if poll is None:
        return None
    closed = poll.is_closed
    voted = not closed and has_voted(user, poll)  # after closing, who voted is forgotten
    return PollView(poll=poll, question=poll.question_for(post), voted=voted,
                    can_vote=not closed and not voted and policy.can_vote_in_poll(user, post),
                    shows_results=policy.can_see_poll_results(user, post, poll, voted=voted))


def draft_of(poll: Poll) -> PollDraft:
    """A stored poll as the form shows it."""
    return PollDraft(question=poll.question, options="\n".join(option.label for option in poll.options),
                     multiple=poll.multiple, max_choices=poll.max_choices, closes_at=poll.closes_at,
                     results_shown=ResultsShown(poll.results_shown))


# ---------------------------------------------------------------- the worker


def forget_voters(now: datetime | None = None) -> int:
    """Delete who voted in closed polls: they were kept only to refuse a second vote (the total stays in
    `voter_count`). Periodic (app.jobs); a run with nothing to do deletes nothing."""
    now = now or utcnow()
    closed = select(Poll.id).where(or_(Poll.closed_at.is_not(None), Poll.closes_at <= now))
    deleted = rows_changed(delete(PollBallot).where(PollBallot.poll_id.in_(closed)))
    if deleted:
        log.info("forgot %d voters of closed polls", deleted)
    return deleted
