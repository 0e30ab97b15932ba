"""Mail about what is new: right-away mails (several items coalesced into one) and daily or weekly
digests, each sent exactly once.

Exactly once: a right-away mail claims its items by moving the person's cursor (`sent_until`) with a
guarded UPDATE; a digest claims its period with a unique row. A second, concurrent run finds the
claim taken and sends nothing. What is claimed goes to the outgoing-mail table in the same
transaction, so an SMTP outage delays mail but loses none (`flask send-mail` retries).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app import policy
from app.database import rows_changed
from app.extensions import db
from app.mail import links, queue_mail
from app.models.event import Event
from app.models.notification import DigestClaim, MailKind, MailMode, MailPreference, Notification
from app.models.post import Post
from app.models.types import utcnow
from app.models.user import User
from app.services.mail_preferences import unsubscribe_url
from app.services.notifications import notification_options, still_visible

log = logging.getLogger(__name__)
BATCH = 500
# review: one's own post hidden; offer_expiring: one's own offer leaves the board soon
NOTIFICATION_KINDS = {MailKind.REPLIES: ("reply", "mention", "review", "offer_expiring"),
                      MailKind.FOLLOWED: ("followed", "new_post", "new_event", "idea_status", "new_opportunity"),
                      MailKind.APPLICATIONS: ("application",)}


# ---------------------------------------------------------------- collecting what is new


@dataclass
class Batch:
    """Everything new for one batch of people, loaded with a fixed number of queries."""

    notifications: dict[int, list[Notification]] = field(default_factory=dict)
    news: list[Post] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _load_batch(user_ids: list[int], since: datetime, until: datetime) -> Batch:
    batch = Batch()
    rows = db.session.scalars(select(Notification).where(
        Notification.user_id.in_(user_ids), Notification.created_at > since, Notification.created_at <= until)
        .options(*notification_options()).order_by(Notification.created_at)).all()
    for row in rows:
        batch.notifications.setdefault(row.user_id, []).append(row)
    batch.news = list(db.session.scalars(select(Post).where(
        policy.news_for_mail(), Post.created_at > since, Post.created_at <= until).options(joinedload(Post.author))
        .order_by(Post.created_at)))
    batch.events = list(db.session.scalars(select(Event).where(
        policy.events_for_mail(), Event.created_at > since, Event.created_at <= until,
        Event.starts_at > until).order_by(Event.starts_at)))
    return batch


def _items(user: User, kind: MailKind, since: datetime, batch: Batch) -> list:
    """What is new for `user` of this kind since their cursor, checked against the policy now."""
    if kind in NOTIFICATION_KINDS:
        return [n for n in batch.notifications.get(user.id, []) if n.kind in NOTIFICATION_KINDS[kind]
                and n.created_at > since and still_visible(user, n)]
    if kind == MailKind.NEWS:
        return [p for p in batch.news if p.created_at > since and p.author_id != user.id
                and policy.can_read_post(user, p)]
    if kind == MailKind.EVENTS:
        return [e for e in batch.events if e.created_at > since and policy.can_read_event(user, e)]
    return []


def _subscribers(mode: MailMode, after_id: int):
    """The next batch of (user, [their preference rows in `mode`]) for people who gave consent."""
    eligible = (MailPreference.mode == mode, MailPreference.kind != MailKind.REMINDERS,
                User.mail_consent_at.is_not(None), User.email_verified_at.is_not(None),
                ~User.is_suspended)
    ids = db.session.scalars(select(MailPreference.user_id).join(User, User.id == MailPreference.user_id)
                             .where(*eligible, User.id > after_id).group_by(MailPreference.user_id)
                             .order_by(MailPreference.user_id).limit(BATCH)).all()
    if not ids:
        return []
    rows = db.session.execute(select(User, MailPreference).join(MailPreference, MailPreference.user_id == User.id)
                              .where(*eligible, User.id.in_(ids)).order_by(User.id)).all()
    people: dict[int, tuple[User, list[MailPreference]]] = {}
    for user, preference in rows:
        people.setdefault(user.id, (user, []))[1].append(preference)
    return list(people.values())


def _claim_period(user_ids: list[int], period: str, now: datetime) -> set[int]:
    """Claim this period's digest for these people in one INSERT; returns whom this run got."""
    table = DigestClaim.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (insert(table).values([{"user_id": uid, "period": period, "created_at": now} for uid in user_ids])
                 .on_conflict_do_nothing().returning(table.c.user_id))
    return set(db.session.scalars(statement))


def _claim_cursor(preference: MailPreference, until: datetime) -> bool:
    return rows_changed(update(MailPreference).where(
        MailPreference.user_id == preference.user_id, MailPreference.kind == preference.kind,
        MailPreference.sent_until == preference.sent_until).values(sent_until=until)
        # The batch's loaded objects are not touched again; checking them after every claim was the cost.
        .execution_options(synchronize_session=False)) == 1


def _send(user: User, sections: dict[MailKind, list], *, template: str, period: MailMode | None = None) -> None:
    queue_mail(user.email, template, locale=user.locale, user=user, sections=sections, period=period,
               settings_url=links.notification_settings(),
               unsubscribe_urls={kind: unsubscribe_url(user, kind) for kind in sections},
               headers={"List-Unsubscribe": f"<{unsubscribe_url(user, *sections)}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def _run(mode: MailMode, until: datetime, claim_period: str | None) -> int:
    """Mail everyone with `mode` what is new for them, a batch of people at a time; returns the mails queued."""
    sent, after_id = 0, 0
    while True:
        people = _subscribers(mode, after_id)
        if not people:
            return sent
        after_id = people[-1][0].id
        since = min(pref.sent_until for _user, prefs in people for pref in prefs)
        batch = _load_batch([user.id for user, _prefs in people], since, until)
        if claim_period:
            sent += _digest_batch(people, batch, mode, until, claim_period)
        else:
            sent += _immediate_batch(people, batch, until)
        db.session.flush()  # all of the batch's mail in one multi-row INSERT
        db.session.commit()


def _immediate_batch(people, batch: Batch, until: datetime) -> int:
    """A right-away mail claims its items by moving the person's cursor for each kind."""
    sent = 0
    for user, prefs in people:
        sections = {}
        for pref in prefs:
            items = _items(user, MailKind(pref.kind), pref.sent_until, batch)
            if items and _claim_cursor(pref, until):
                sections[MailKind(pref.kind)] = items
        if sections:
            _send(user, sections, template="notification_mail")
            sent += 1
    return sent


def _digest_batch(people, batch: Batch, mode: MailMode, until: datetime, period: str) -> int:
    """Only people who have something new claim the period (one INSERT for the batch), so someone with nothing
    at an early run still gets today's digest from a later run; everyone else's cursor moves on."""
    due = {}
    for user, prefs in people:
        sections = {MailKind(pref.kind): items for pref in prefs
                    if (items := _items(user, MailKind(pref.kind), pref.sent_until, batch))}
        if sections:
            due[user.id] = (user, sections)
    claimed = _claim_period(list(due), period, until) if due else set()
    for user_id in claimed:
        user, sections = due[user_id]
        _send(user, sections, template="digest", period=mode)
    # Claimed ones are covered up to `until`; so are those with nothing new. Those another run claimed are its job.
    moved = claimed | {user.id for user, _prefs in people if user.id not in due}
    if moved:
        db.session.execute(update(MailPreference).where(
            MailPreference.user_id.in_(moved), MailPreference.mode == mode, MailPreference.kind != MailKind.REMINDERS,
            MailPreference.sent_until < until).values(sent_until=until))
    return len(claimed)


def send_immediate(now: datetime | None = None) -> int:
    """Mail what is new for people who want it right away; several items make one mail."""
    return _run(MailMode.IMMEDIATELY, now or utcnow(), claim_period=None)


def period_key(mode: MailMode, now: datetime) -> str:
    if mode == MailMode.DAILY:
        return f"daily:{now:%Y-%m-%d}"
    year, week, _day = now.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def send_digests(mode: MailMode, now: datetime | None = None) -> int:
    """One digest per person and period (daily or weekly), skipping people with nothing new."""
    now = now or utcnow()
    # Claims only need to outlive their period; keep two weeks and no more.
    db.session.execute(delete(DigestClaim).where(DigestClaim.created_at < now - timedelta(days=14)))
    return _run(mode, now, claim_period=period_key(mode, now))
