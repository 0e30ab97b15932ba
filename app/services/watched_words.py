"""The moderators' list of watched words: find, add (one or many lines), change, delete, load the default lists
again, and try a text against the rules. Every change is audited and makes every process compile the list anew
(app.services.screening)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import joinedload

from app import policy, site
from app.extensions import db
from app.models.audit import AuditAction
from app.models.types import utcnow
from app.models.user import User
from app.models.watched_word import WatchAction, WatchedWord, WatchKind
from app.services import audit, screening
from app.services.errors import DomainError, PermissionDenied
from app.watched_words import (
    MAX_ENTRY_LENGTH,
    MAX_PHRASE_WORDS,
    EntryProblem,
    Hit,
    censor,
    default_entries,
    entry_key,
    reading,
    severity,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 50
MAX_LINES = 10_000
MAX_PATTERNS = 100
REPLACEMENT_MAX = 40
RULE_MAX = 200
TRIAL_MAX = 20_000
AUDIT_SHOWN = 5  # entries named in the audit line of a bulk addition
_CHUNK = 500


def _check(actor: User, kind: WatchKind | str) -> None:
    if not policy.can_manage_watched_words(actor):
        raise PermissionDenied(_l("Only moderators change the watched words."))
    if kind == WatchKind.REGEX and not policy.can_write_patterns(actor):
        raise PermissionDenied(_l("Only admins write regular expressions."))


def find_entries(*, text: str = "", action: str = "", kind: str = "", page: int = 1):
    """The list a page at a time, in the order of the words, optionally filtered."""
    query = select(WatchedWord).options(joinedload(WatchedWord.created_by))
    if text:
        query = query.where(or_(func.lower(WatchedWord.text).contains(text.lower(), autoescape=True),
                                WatchedWord.normalised.contains(reading(text) or text.lower(), autoescape=True)))
    if action in set(WatchAction):
        query = query.where(WatchedWord.action == WatchAction(action))
    if kind in set(WatchKind):
        query = query.where(WatchedWord.kind == WatchKind(kind))
    return db.paginate(query.order_by(WatchedWord.normalised, WatchedWord.id), page=page, per_page=PAGE_SIZE,
                       error_out=False)


def _problem(error: EntryProblem, number: int | None):
    messages = {
        "too_short": _l("An entry needs at least two letters."),
        "too_long": _l("Use at most %(max)d characters.", max=MAX_ENTRY_LENGTH),
        "too_many_words": _l("A phrase has at most %(max)d words.", max=MAX_PHRASE_WORDS),
        "invalid_pattern": _l("This is not a valid regular expression (%(detail)s).", detail=error.detail),
        "matches_everything": _l("This pattern matches every text (also an empty one)."),
        "too_slow": _l("This pattern is too slow: some texts would take it too long. Avoid nested repetition "
                       "such as (a+)+."),
    }
    message = messages[error.reason]
    return _l("Line %(number)d: %(message)s", number=number, message=message) if number else message


def _checked_extras(replacement: str, rule: str) -> tuple[str, str]:
    replacement, rule = (replacement or "").strip(), " ".join((rule or "").split())
    if len(replacement) > REPLACEMENT_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=REPLACEMENT_MAX), "replacement")
    if len(rule) > RULE_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=RULE_MAX), "rule")
    return replacement, rule


def _keyed_lines(lines: str, kind: WatchKind) -> dict[str, str]:
    """Each non-empty line's key -> its text (a word twice in the lines counts once). Nothing is added when one
    line cannot be an entry: DomainError names the line."""
    texts = [line.strip() for line in (lines or "").splitlines() if line.strip()]
    if not texts:
        raise DomainError(_l("Please enter at least one word."), "lines")
    limit = MAX_PATTERNS if kind == WatchKind.REGEX else MAX_LINES  # each pattern is tried on slow texts first
    if len(texts) > limit:
        raise DomainError(_l("Please add at most %(max)d lines at once.", max=limit), "lines")
    keyed: dict[str, str] = {}
    for number, text in enumerate(texts, start=1):
        try:
            keyed.setdefault(entry_key(text, kind), text)
        except EntryProblem as error:
            raise DomainError(_problem(error, number if len(texts) > 1 else None), "lines") from None
    return keyed


def _existing(kind: WatchKind, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        found.update(db.session.scalars(select(WatchedWord.normalised).where(
            WatchedWord.kind == kind, WatchedWord.normalised.in_(keys[start:start + _CHUNK]))))
    return found


@dataclass
class Added:
    added: int
    already: int  # lines whose word was on the list already (left as it was)


def add_entries(actor: User | None, lines: str, *, kind: WatchKind | str, action: WatchAction | str,
                replacement: str = "", rule: str = "") -> Added:
    """Add one word, phrase or pattern per line, all with the same kind and action (actor None: the command line
    and the default lists)."""
    if kind not in set(WatchKind) or action not in set(WatchAction):
        raise DomainError(_l("Please choose one of the options."), "kind" if kind not in set(WatchKind) else "action")
    kind, action = WatchKind(kind), WatchAction(action)
    if actor is not None:
        _check(actor, kind)
    replacement, rule = _checked_extras(replacement, rule)
    keyed = _keyed_lines(lines, kind)
    existing = _existing(kind, list(keyed))
    new = {key: text for key, text in keyed.items() if key not in existing}
    if new:
        db.session.execute(insert(WatchedWord), [
            {"text": text, "normalised": key, "kind": kind, "action": action, "replacement": replacement,
             "rule": rule, "created_by_id": actor.id if actor else None, "created_at": utcnow()}
            for key, text in new.items()])
        texts = list(new.values())
        shown = ", ".join(texts[:AUDIT_SHOWN]) + (" …" if len(texts) > AUDIT_SHOWN else "")
        audit.record(actor, AuditAction.WATCHED_WORDS_ADDED, new_value=f"{len(new)} {kind}/{action}: {shown}"[:255])
        screening.list_changed()
    log.info("%d watched words added (%s, %s) by %s", len(new), kind, action, actor.id if actor else "command line")
    return Added(len(new), len(keyed) - len(new))


def _describe(entry: WatchedWord) -> str:
    return f"{entry.kind}/{entry.action}: {entry.text}"[:255]


def change_entry(actor: User, entry: WatchedWord, *, action: WatchAction | str, replacement: str = "",
                 rule: str = "") -> None:
    """Change what an entry does (its word stays: delete it and add another for that)."""
    _check(actor, entry.kind)
    if action not in set(WatchAction):
        raise DomainError(_l("Please choose one of the options."), "action")
    replacement, rule = _checked_extras(replacement, rule)
    before = _describe(entry)
    entry.action, entry.replacement, entry.rule = WatchAction(action), replacement, rule
    audit.record(actor, AuditAction.WATCHED_WORD_CHANGED, old_value=before, new_value=_describe(entry))
    screening.list_changed()


def delete_entry(actor: User, entry: WatchedWord) -> None:
    _check(actor, entry.kind)
    audit.record(actor, AuditAction.WATCHED_WORD_DELETED, old_value=_describe(entry))
    db.session.delete(entry)
    db.session.flush()
    screening.list_changed()


def load_defaults(actor: User) -> int:
    """Add the default lists' entries that are not on the list: deleted ones come back, changed ones keep their
    changes. Returns how many were added."""
    _check(actor, WatchKind.WORD)
    groups: dict[tuple[str, str], list[str]] = {}
    for text, kind, action in default_entries():
        groups.setdefault((kind, action), []).append(text)
    added = 0
    for (kind, action), texts in groups.items():
        added += add_entries(actor, "\n".join(texts), kind=kind, action=action).added
    return added


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(WatchedWord)) or 0


# ---------------------------------------------------------------- trying a text


@dataclass
class Trial:
    """What the rules make of a text, as a new account's comment."""

    text: str
    reading: str  # the text as the rules read it
    found: list[tuple[Hit, str]] = field(default_factory=list)  # each hit and the words it found
    outcome: str = ""  # the strongest action: block, hold, flag, censor ("" = nothing)
    censored: str = ""
    links: int = 0
    link_limit: int = 0


def try_text(text: str) -> Trial:
    """Try a text against the rules without storing anything."""
    text = (text or "")[:TRIAL_MAX]
    hits = screening.current_list().find(text)
    trial = Trial(text=text, reading=reading(text), found=[(hit, text[hit.start:hit.end]) for hit in hits])
    actions = [screening.action_here("hold" if hit.timed_out else hit.entry.action, screening.CONTRIBUTION)
               for hit in hits]
    trial.links, trial.link_limit = screening.link_count({"body": text}), site.get("new_account_link_limit")
    if site.get("new_account_link_posts") and trial.links > trial.link_limit:
        actions.append("hold")
    trial.outcome = max((a for a in actions if a), key=severity, default="")
    trial.censored = censor(text, [hit for hit in hits if hit.entry.action == "censor"])
    return trial

