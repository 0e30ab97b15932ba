"""Consent to news by mail given outside the site — a paper form at the general meeting, an older mailing list —
imported by an admin from a CSV file (email, date of consent, source), for existing accounts only.

The import is two steps: `plan` reads the file and says what would happen, line by line (nothing is written),
then `import_consent` records it. Each consent is one row with its date, source, who recorded it and when
(shown in the person's data export and the admins' list); the row's unique key makes a second import of the
same file, or a double click, record nothing twice. Someone who turned news off on the site is left alone:
their own later choice wins over an old paper form.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import policy
from app.database import insert_if_absent
from app.extensions import db
from app.models.audit import AuditAction
from app.models.notification import MailKind, MailMode, MailPreference, NewsConsent
from app.models.types import utcnow
from app.models.user import User
from app.services import audit, spreadsheets
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 5000
SOURCE_MAX = 200
EARLIEST = date(1990, 1, 1)
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class ConsentRow:
    line: int
    email: str
    consented_on: date
    source: str


@dataclass
class ImportPlan:
    """What an import does, line by line; `recorded` is set once it ran."""

    new: list[tuple[ConsentRow, User]] = field(default_factory=list)
    already: list[ConsentRow] = field(default_factory=list)  # recorded before, or twice in this file
    declined: list[ConsentRow] = field(default_factory=list)  # turned news off on the site themselves
    unknown: list[ConsentRow] = field(default_factory=list)  # no account with this address
    bad: list[tuple[int, str, str]] = field(default_factory=list)  # (line, the line, why)
    recorded: int | None = None


def read_upload(upload) -> str:
    return spreadsheets.read_upload(upload, CSV_MAX_BYTES, "csv_file")


def _parse_date(text: str) -> date | None:
    german = _GERMAN_DATE.match(text)
    try:
        if german:
            day, month, year = (int(part) for part in german.groups())
            return date(year, month, day)
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:  # 31.02.2024
        return None


def _source_problem(source: str) -> str | None:
    if not source:
        return str(_l("the source is missing (a third column, or the source for all rows above)"))
    if len(source) > SOURCE_MAX:
        return str(_l("the source is longer than %(max)d characters", max=SOURCE_MAX))
    if "<" in source or ">" in source or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in source):
        return str(_l("the source contains < or > or control characters"))
    return None


def _parse_row(number: int, cells: list[str], default_source: str | None) -> ConsentRow | str:
    """One row, or why it cannot be used."""
    if len(cells) > 3:
        return str(_l("more than three columns (email, date, source)"))
    try:
        email = validate_email(cells[0], check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return str(_l("not a valid email address"))
    consented_on = _parse_date(cells[1] if len(cells) > 1 else "")
    if consented_on is None:
        return str(_l("the date is missing or not a date like 2024-03-15 or 15.03.2024"))
    if not EARLIEST <= consented_on <= date.today() + timedelta(days=1):  # a day's grace for time zones
        return str(_l("the date is in the future or before 1990"))
    source = unicodedata.normalize("NFC", cells[2] if len(cells) > 2 and cells[2] else (default_source or "").strip())
    return _source_problem(source) or ConsentRow(number, email, consented_on, source)


def parse(text: str, default_source: str | None = "") -> tuple[list[ConsentRow], list[tuple[int, str, str]]]:
    """The file's rows -> (good rows, bad rows with line number and reason)."""
    lines = list(spreadsheets.rows(text))
    if not lines:
        raise DomainError(_l("The file has no rows with an email address."), "csv_file")
    if len(lines) > CSV_MAX_ROWS:
        raise DomainError(_l("At most %(num)d rows at once, please: split the file.", num=CSV_MAX_ROWS), "csv_file")
    good, bad = [], []
    for number, cells, line in lines:
        row = _parse_row(number, cells, default_source)
        if isinstance(row, ConsentRow):
            good.append(row)
        else:
            bad.append((number, line, row))
    return good, bad


def _accounts(emails: set[str]) -> dict[str, User]:
    found = db.session.scalars(select(User).where(func.lower(User.email).in_(emails), User.erased_at.is_(None)))
    return {user.email.lower(): user for user in found}


def _news_off(user_ids: list[int]) -> set[int]:
    """People who turned news off themselves (a stored "off" is always the person's own choice)."""
    return set(db.session.scalars(select(MailPreference.user_id).where(
        MailPreference.user_id.in_(user_ids), MailPreference.kind == MailKind.NEWS,
        MailPreference.mode == MailMode.OFF)))


def _recorded(user_ids: list[int]) -> set[tuple[int, date, str]]:
    rows = db.session.execute(select(NewsConsent.user_id, NewsConsent.consented_on, NewsConsent.source)
                              .where(NewsConsent.user_id.in_(user_ids)))
    return {(user_id, day, source) for user_id, day, source in rows}


def plan(actor: User, text: str, default_source: str | None = "") -> ImportPlan:
    """What importing this file would do, line by line; writes nothing (the preview)."""
    if not policy.can_import_consent(actor):
        raise PermissionDenied(_l("Only admins import consent."))
    good, bad = parse(text, default_source)
    result = ImportPlan(bad=bad)
    accounts = _accounts({row.email for row in good})
    ids = [user.id for user in accounts.values()]
    declined, seen = _news_off(ids), _recorded(ids)
    for row in good:
        user = accounts.get(row.email)
        if user is None:
            result.unknown.append(row)
        elif user.id in declined:
            if all(other.email != row.email for other in result.declined):  # a person once, not per row
                result.declined.append(row)
        elif (user.id, row.consented_on, row.source) in seen:
            result.already.append(row)
        else:
            result.new.append((row, user))
            seen.add((user.id, row.consented_on, row.source))
    return result


def import_consent(actor: User, text: str, default_source: str | None = "") -> ImportPlan:
    """Record every new consent of the file and switch news on (right away) for whoever had no choice stored;
    audited once per import that recorded anything."""
    result = plan(actor, text, default_source)
    now, recorded = utcnow(), 0
    for row, user in result.new:
        if insert_if_absent(NewsConsent, user_id=user.id, consented_on=row.consented_on, source=row.source,
                            recorded_at=now, recorded_by_id=actor.id):
            recorded += 1
        insert_if_absent(MailPreference, user_id=user.id, kind=MailKind.NEWS, mode=MailMode.IMMEDIATELY,
                         sent_until=now)
    result.recorded = recorded
    if recorded:
        sources = sorted({row.source for row, _user in result.new})
        audit.record(actor, AuditAction.NEWS_CONSENT_IMPORTED, new_value=_summary(recorded, sources))
    log.info("news consent import by %s: %s recorded, %s unknown, %s bad rows", actor.id, recorded,
             len(result.unknown), len(result.bad))
    return result


def _summary(recorded: int, sources: list[str]) -> str:
    return f"{recorded}: {'; '.join(sources)}"[:255]


def recent(limit: int = 100) -> list[NewsConsent]:
    """The latest recorded consents with their person and who recorded them (the admins' list)."""
    return list(db.session.scalars(select(NewsConsent).options(
        selectinload(NewsConsent.user), selectinload(NewsConsent.recorded_by))
        .order_by(NewsConsent.recorded_at.desc(), NewsConsent.id.desc()).limit(limit)))


def latest_of(users: Iterable[User]) -> dict[int, NewsConsent]:
    """Each person's most recent recorded consent, for a page of people (one query)."""
    ids = [user.id for user in users]
    latest: dict[int, NewsConsent] = {}
    for consent in db.session.scalars(select(NewsConsent).where(NewsConsent.user_id.in_(ids))
                                      .order_by(NewsConsent.consented_on)):
        latest[consent.user_id] = consent
    return latest
