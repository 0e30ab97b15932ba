"""Following and in-app notifications: replies, @mentions, and activity in followed threads."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, func, or_, select, tuple_, update
from sqlalchemy.orm import defer, joinedload

from app import policy
from app.database import insert_if_absent
from app.extensions import db
from app.models.event import Event
from app.models.membership import MembershipApplication
from app.models.notification import Follow, FollowTarget, Notification, NotificationKind
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post, PostKind, Status
from app.models.types import utcnow
from app.models.user import BYLINE, User
from app.services.feed_queries import decode_cursor

log = logging.getLogger(__name__)
MENTION = re.compile(r"(?<![\w@/])@([a-z0-9_]{3,30})\b", re.IGNORECASE)


# ---------------------------------------------------------------- following


def is_following(user, target: FollowTarget, target_id: int = 0) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, Follow.target == target,
                                                     Follow.target_id == target_id)) is not None


def follow(user: User, target: FollowTarget, target_id: int = 0) -> None:
    """Follow a post, a category or the events calendar (again is fine)."""
    insert_if_absent(Follow, user_id=user.id, target=target, target_id=target_id, created_at=utcnow())


def unfollow(user: User, target: FollowTarget, target_id: int = 0) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.target == target,
                                            Follow.target_id == target_id))


# ---------------------------------------------------------------- notifications


def mentioned_handles(source: str) -> set[str]:
    return {match.lower() for match in MENTION.findall(source or "")}


def notify_about_comment(comment: Comment) -> int:
    """Tell the parent's author (reply), mentioned people, and the thread's followers. Returns how many.

    One notification per person and comment, the most personal kind winning; nobody is told about
    their own comment or about a post they may not read.
    """
    post = comment.post
    author_id = comment.author_id
    if comment.author.auto_follow and post.kind != PostKind.EVENT:
        follow(comment.author, FollowTarget.POST, post.id)
    recipients: dict[int, NotificationKind] = {}
    followers = db.session.scalars(select(Follow.user_id).where(
        Follow.target == FollowTarget.POST, Follow.target_id == post.id)).all()
    for user_id in followers:
        recipients[user_id] = NotificationKind.FOLLOWED
    handles = mentioned_handles(comment.body_source)
    if handles:
        for user_id in db.session.scalars(select(User.id).where(User.handle.in_(handles))):
            recipients[user_id] = NotificationKind.MENTION
    if comment.parent is not None and not comment.parent.is_deleted:
        recipients[comment.parent.author_id] = NotificationKind.REPLY
    recipients.pop(author_id, None)
    if not recipients:
        return 0
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(recipients)))}
    count = 0
    for user_id, kind in recipients.items():
        user = users.get(user_id)
        if user is None or user.is_suspended or not policy.can_read_post(user, post):
            continue
        if insert_if_absent(Notification, user_id=user_id, kind=kind, post_id=post.id, comment_id=comment.id,
                            actor_id=author_id, created_at=comment.created_at):
            count += 1
    return count


def notify_author_of_review(post: Post, comment: Comment | None) -> None:
    """Tell the author that their post or comment was hidden after reports and awaits a moderator (why: the reasons
    stored on it). A second hiding of the same thing tells them afresh instead of adding a line."""
    author_id = comment.author_id if comment is not None else post.author_id
    about = Notification.comment_id == comment.id if comment is not None else Notification.comment_id.is_(None)
    db.session.execute(delete(Notification).where(Notification.user_id == author_id,
                                                  Notification.kind == NotificationKind.REVIEW,
                                                  Notification.post_id == post.id, about))
    db.session.add(Notification(user_id=author_id, kind=NotificationKind.REVIEW, post_id=post.id,
                                comment_id=comment.id if comment is not None else None, created_at=utcnow()))


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    counted = getattr(user, "unread_notifications", None)  # loaded with the session's user (accounts)
    if counted is not None:
        return counted
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def still_visible(user: User, notification: Notification) -> bool:
    """Checked when shown or mailed, not only when created: hidden, deleted, held or no longer
    readable content disappears from notifications, and so do suspended authors."""
    if notification.kind == NotificationKind.REVIEW:  # shown to the author while the hiding awaits review
        target = notification.comment or notification.post
        return target is not None and target.is_awaiting_review and target.author_id == user.id
    if notification.kind == NotificationKind.APPLICATION:
        application = notification.application
        return application is not None and application.is_pending and policy.can_decide_membership(user)
    if notification.kind == NotificationKind.WARNING:
        return notification.sanction is not None
    if notification.event is not None:
        return policy.can_read_event(user, notification.event) and not notification.event.is_cancelled
    if notification.opportunity is not None:
        offer = notification.opportunity
        return policy.can_read_opportunity(user, offer) and offer.is_open and not offer.is_pending
    post = notification.post
    if post is None or not policy.can_read_post(user, post) or post.is_hidden or post.is_pending:
        return False
    comment = notification.comment
    if comment is None:
        return not post.author.is_suspended
    return comment.counts_as_visible and not comment.author.is_suspended


GROUPS_PER_PAGE = 20  # lines (threads, events) on one page of the bell
ROWS_PER_GROUP = 20  # notifications read per line: its text, unread mark and where to start reading


@dataclass
class Group:
    """Notifications about one thread (or one event), newest first: at most ROWS_PER_GROUP of them; `total` and
    `unread_total` count all of this person's notifications in it."""

    key: tuple[str, int]
    notifications: list[Notification]
    total: int = 0
    unread_total: int = 0

    @property
    def post(self) -> Post | None:
        return self.notifications[0].post

    @property
    def applications(self) -> list:
        return [n.application for n in self.notifications if n.application is not None]

    @property
    def event(self):
        return self.notifications[0].event

    @property
    def sanction(self):
        return self.notifications[0].sanction

    @property
    def opportunity(self):
        return self.notifications[0].opportunity

    @property
    def unread(self) -> list[Notification]:
        return [n for n in self.notifications if n.read_at is None]

    @property
    def count(self) -> int:
        """How many the line speaks of: the unread ones, else all. When the line holds every notification of the
        group, only those still visible count; beyond ROWS_PER_GROUP the stored number stands."""
        if self.total <= ROWS_PER_GROUP:
            return len(self.unread) or len(self.notifications)
        return self.unread_total or self.total

    @property
    def target_comment(self) -> Comment | None:
        """The earliest unread comment read for this line: where reading should start (a comment hidden after
        reports first: the line speaks of it)."""
        shown = self.unread or self.notifications
        with_comments = [n for n in shown if n.comment is not None and n.kind == NotificationKind.REVIEW] or [
            n for n in shown if n.comment is not None]
        return with_comments[-1].comment if with_comments else None

    @property
    def review(self) -> Notification | None:
        """The line's notice that the person's own post or comment was hidden after reports, if any."""
        return next((n for n in self.unread or self.notifications if n.kind == NotificationKind.REVIEW), None)

    @property
    def mentions_me(self) -> bool:
        return any(n.kind == NotificationKind.MENTION for n in self.unread or self.notifications)

    @property
    def summary(self) -> str:
        """What the group is about, for its one-line text: applications, warning, event, idea_status, mention,
        reply, personal, new_post, followed."""
        kinds = {n.kind for n in self.unread or self.notifications}
        if self.key[0] in ("applications", "warning"):
            return self.key[0]
        if "review" in kinds:  # more urgent than any reply in the same thread
            return "review"
        if "idea_status" in kinds:  # the association's answer to an idea outweighs the comments around it
            return "idea_status"
        if self.event is not None:
            return "event"
        if self.opportunity is not None:
            return "offer_expiring" if "offer_expiring" in kinds else "offer"
        if kinds in ({"mention"}, {"reply"}, {"new_post"}):
            return kinds.pop()
        return "personal" if kinds <= {"reply", "mention"} else "followed"


@dataclass
class NotificationPage:
    groups: list[Group]
    next_cursor: str | None


def notification_options():
    return (joinedload(Notification.post).joinedload(Post.author),
            joinedload(Notification.comment).joinedload(Comment.author),
            joinedload(Notification.event), joinedload(Notification.actor),
            joinedload(Notification.application).joinedload(MembershipApplication.user),
            joinedload(Notification.sanction), joinedload(Notification.opportunity))


def _line_options():
    """What a line of the bell shows and `still_visible` asks, without the texts of posts and comments."""
    texts = (defer(Post.body_source), defer(Post.body_html), defer(Post.excerpt))
    return (joinedload(Notification.post).options(joinedload(Post.author).load_only(*BYLINE), *texts),
            joinedload(Notification.comment).options(joinedload(Comment.author).load_only(*BYLINE),
                                                     defer(Comment.body_source), defer(Comment.body_html)),
            joinedload(Notification.event).options(defer(Event.description_source), defer(Event.description_html)),
            joinedload(Notification.actor).load_only(*BYLINE),
            joinedload(Notification.application).joinedload(MembershipApplication.user).load_only(*BYLINE),
            joinedload(Notification.sanction),
            joinedload(Notification.opportunity).options(defer(Opportunity.body_source), defer(Opportunity.body_html)))


def _group_key(notification: Notification) -> tuple[str, int]:
    """One line per thread or event; all membership applications make one line; each warning its own."""
    if notification.kind == NotificationKind.APPLICATION:
        return ("applications", 0)
    if notification.kind == NotificationKind.WARNING:
        return ("warning", notification.sanction_id or 0)
    if notification.event_id:
        return ("event", notification.event_id)
    if notification.opportunity_id:
        return ("offer", notification.opportunity_id)
    return ("post", notification.post_id or 0)


def _keyed(user: User):
    """The person's notifications with their line's key as columns (`_group_key` in SQL)."""
    application = Notification.kind == NotificationKind.APPLICATION
    warning = Notification.kind == NotificationKind.WARNING
    return (select(Notification.id, Notification.created_at, Notification.read_at,
                   case((application, "applications"), (warning, "warning"),
                        (Notification.event_id.is_not(None), "event"),
                        (Notification.opportunity_id.is_not(None), "offer"), else_="post").label("line"),
                   case((application, 0), (warning, func.coalesce(Notification.sanction_id, 0)),
                        (Notification.event_id.is_not(None), Notification.event_id),
                        (Notification.opportunity_id.is_not(None), Notification.opportunity_id),
                        else_=func.coalesce(Notification.post_id, 0)).label("target"))
            .where(Notification.user_id == user.id).subquery())


def page_of_groups(user: User, cursor: str | None = None) -> NotificationPage:
    """One page of the bell, newest line first: GROUPS_PER_PAGE lines after `cursor` (keyset on each line's newest
    notification), each with its newest ROWS_PER_GROUP notifications. Two statements and a bounded number of rows,
    however many notifications the person has."""
    keyed = _keyed(user)
    latest, latest_id = func.max(keyed.c.created_at), func.max(keyed.c.id)
    heads_query = (select(keyed.c.line, keyed.c.target, latest.label("latest"), latest_id.label("latest_id"),
                          func.count().label("total"),
                          func.sum(case((keyed.c.read_at.is_(None), 1), else_=0)).label("unread"))
                   .group_by(keyed.c.line, keyed.c.target))
    position = decode_cursor(cursor)
    if position is not None:
        heads_query = heads_query.having(tuple_(latest, latest_id) < tuple_(*position))
    heads = db.session.execute(heads_query.order_by(latest.desc(), latest_id.desc())
                               .limit(GROUPS_PER_PAGE + 1)).all()
    more, heads = len(heads) > GROUPS_PER_PAGE, heads[:GROUPS_PER_PAGE]
    groups = {(head.line, head.target): Group((head.line, head.target), [], head.total, head.unread or 0)
              for head in heads}
    if groups:
        for notification in _newest_of(keyed, list(groups)):
            if still_visible(user, notification):
                groups[_group_key(notification)].notifications.append(notification)
    next_cursor = f"{heads[-1].latest.timestamp():.6f}_{heads[-1].latest_id}" if more else None
    return NotificationPage([group for group in groups.values() if group.notifications], next_cursor)


def _newest_of(keyed, keys: list[tuple[str, int]]) -> list[Notification]:
    """The newest ROWS_PER_GROUP notifications of each of these lines, newest first, with what they show."""
    lines = {line: [target for kind, target in keys if kind == line]
             for line in ("post", "event", "applications", "warning", "offer")}
    rank = func.row_number().over(partition_by=(keyed.c.line, keyed.c.target),
                                  order_by=(keyed.c.created_at.desc(), keyed.c.id.desc())).label("rank")
    ranked = (select(keyed.c.id, rank)
              .where(or_(*(and_(keyed.c.line == line, keyed.c.target.in_(targets))
                           for line, targets in lines.items() if targets)))
              .subquery())
    return list(db.session.scalars(select(Notification).join(ranked, ranked.c.id == Notification.id)
                                   .where(ranked.c.rank <= ROWS_PER_GROUP).options(*_line_options())
                                   .order_by(Notification.created_at.desc(), Notification.id.desc())).unique())


def notify_followers_of_post(post: Post) -> int:
    """A new published post tells the followers of its category."""
    if post.category_id is None or post.status != Status.PUBLISHED:
        return 0
    followers = db.session.scalars(select(User).join(Follow, Follow.user_id == User.id).where(
        Follow.target == FollowTarget.CATEGORY, Follow.target_id == post.category_id,
        User.id != post.author_id)).all()
    count = 0
    for user in followers:
        if not user.is_suspended and policy.can_read_post(user, post):
            db.session.add(Notification(user_id=user.id, kind=NotificationKind.NEW_POST, post_id=post.id,
                                        actor_id=post.author_id, created_at=post.created_at))
            count += 1
    return count


def notify_mentions_in_post(post: Post) -> int:
    """@handles in a post's own text (not only in comments) notify those people, once per post and person:
    editing the post notifies only people mentioned anew. Held posts notify when they are approved."""
    handles = mentioned_handles(post.body_source)
    if not handles or post.status != Status.PUBLISHED:
        return 0
    already = set(db.session.scalars(select(Notification.user_id).where(
        Notification.post_id == post.id, Notification.comment_id.is_(None),
        Notification.kind == NotificationKind.MENTION)))
    count = 0
    for user in db.session.scalars(select(User).where(User.handle.in_(handles), User.id != post.author_id)):
        if user.id not in already and not user.is_suspended and policy.can_read_post(user, post):
            db.session.add(Notification(user_id=user.id, kind=NotificationKind.MENTION, post_id=post.id,
                                        actor_id=post.author_id, created_at=utcnow()))
            count += 1
    return count


def notify_deciders_of_application(application: MembershipApplication) -> int:
    """A new membership application reaches everyone who decides on them: the bell, and mail if they chose it."""
    deciders = db.session.scalars(select(User).where(policy.membership_deciders(), User.id != application.user_id,
                                                     ~User.is_suspended)).all()
    for user in deciders:
        db.session.add(Notification(user_id=user.id, kind=NotificationKind.APPLICATION, application_id=application.id,
                                    actor_id=application.user_id, created_at=utcnow()))
    return len(deciders)


def notify_followers_of_events(event) -> int:
    """A new event tells the followers of the events calendar who may see it."""
    followers = db.session.scalars(select(User).join(Follow, Follow.user_id == User.id).where(
        Follow.target == FollowTarget.EVENTS)).all()
    count = 0
    for user in followers:
        if user.id != event.created_by_id and not user.is_suspended and policy.can_read_event(user, event):
            db.session.add(Notification(user_id=user.id, kind=NotificationKind.NEW_EVENT, event_id=event.id,
                                        actor_id=event.created_by_id, created_at=event.created_at))
            count += 1
    return count


def mark_read(user: User, key: tuple[str, int] | None = None) -> None:
    """Mark one thread's (or event's) notifications, or all, as read."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if key is not None and key[0] == "applications":
        query = query.where(Notification.kind == NotificationKind.APPLICATION)
    elif key is not None:
        column = {"event": Notification.event_id, "warning": Notification.sanction_id,
                  "offer": Notification.opportunity_id}.get(key[0], Notification.post_id)
        query = query.where(column == key[1])
    db.session.execute(query.values(read_at=utcnow()))
    user.unread_notifications = None  # counted again when shown




def clean_up() -> int:
    """Delete read notifications older than NOTIFICATION_KEEP_DAYS (the nightly job): the bell is for what is
    new, not an archive of who did what."""
    before = utcnow() - timedelta(days=current_app.config["NOTIFICATION_KEEP_DAYS"])
    result = db.session.execute(delete(Notification).where(Notification.read_at.is_not(None),
                                                           Notification.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
