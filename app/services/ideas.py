"""Ideas with votes: a discussion that others vote for, and the association's visible answer (its status).

The post stays a discussion (feeds, search, the members boundary and reports need nothing new); the `ideas` row
adds the status and the vote count, kept in the same transaction as the `idea_votes` rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload, load_only

from app import policy
from app.database import insert_if_absent, rows_changed, set_row_present
from app.extensions import db
from app.models.audit import AuditAction
from app.models.idea import Idea, IdeaStatus, IdeaVote
from app.models.notification import Follow, FollowTarget, Notification, NotificationKind
from app.models.post import Post, PostKind
from app.models.types import utcnow
from app.models.user import BYLINE, User
from app.services import audit
from app.services.errors import DomainError, PermissionDenied
from app.services.notifications import follow

log = logging.getLogger(__name__)
REASON_MAX = 2000
PAGE_SIZE = 20
MAX_PAGE = 500  # deeper pages of a list sorted by votes are of no use; the number stays bounded for the database
SORTS = ("votes", "newest")


# ---------------------------------------------------------------- becoming an idea


def idea_of(post: Post) -> Idea | None:
    """The post's idea row (already loaded with the post where the loaders did so)."""
    return post.idea if "idea" in post.__dict__ else db.session.get(Idea, post.id)


def propose(author: User, post: Post) -> None:
    """The author ticked "This is an idea" when starting the discussion (again is fine: a double submit)."""
    if not policy.can_propose_idea(author, post):
        raise PermissionDenied(_l("Only discussions can be ideas."))
    insert_if_absent(Idea, post_id=post.id, status=IdeaStatus.NEW, vote_count=0, created_at=utcnow())
    db.session.expire(post, ["idea"])


def set_idea(actor: User, post: Post, *, is_idea: bool) -> bool:
    """A volunteer turns a discussion into an idea, or an idea back into a plain discussion (its votes and status
    go with it; the audit log keeps how many there were). Returns whether anything changed."""
    if not policy.can_manage_ideas(actor):
        raise PermissionDenied(_l("Only volunteers turn discussions into ideas."))
    if post.kind != PostKind.DISCUSSION:
        raise DomainError(_l("Only discussions can be ideas."))
    if is_idea:
        changed = insert_if_absent(Idea, post_id=post.id, status=IdeaStatus.NEW, vote_count=0, created_at=utcnow())
        if changed:
            audit.record(actor, AuditAction.IDEA_MARKED, subject_id=post.author_id, new_value=f"post:{post.id}")
        db.session.expire(post, ["idea"])
        return changed
    idea = db.session.get(Idea, post.id)
    if idea is None:
        return False
    old = f"post:{post.id} {idea.status.value} votes={idea.vote_count}"
    db.session.execute(delete(IdeaVote).where(IdeaVote.post_id == post.id))
    changed = bool(rows_changed(delete(Idea).where(Idea.post_id == post.id)))
    if changed:
        audit.record(actor, AuditAction.IDEA_UNMARKED, subject_id=post.author_id, old_value=old)
    db.session.expire(post, ["idea"])
    return changed


# ---------------------------------------------------------------- votes


def set_vote(user: User, post: Post, *, voted: bool) -> None:
    """Vote or take the vote back, as the button said when the page was shown: pressing "Vote" twice (two tabs,
    the back button, a double click, two requests at once) leaves one vote. The count moves only when a row did.
    Voting follows the idea (like commenting does, for people who follow what they take part in), so its answer
    reaches the voter; they can unfollow it as any thread."""
    idea = idea_of(post)
    if idea is None:
        raise DomainError(_l("This discussion is not an idea."))
    if not policy.can_vote_for_idea(user, post, idea):
        raise PermissionDenied(_l("You may not vote for this idea."))
    changed = set_row_present(IdeaVote, voted, post_id=post.id, user_id=user.id)
    if changed:
        rows_changed(update(Idea).where(Idea.post_id == post.id)
                     .values(vote_count=Idea.vote_count + (1 if voted else -1))
                     .execution_options(synchronize_session=False))
        db.session.expire(idea, ["vote_count"])
    if changed and voted and user.auto_follow:
        follow(user, FollowTarget.POST, post.id)


def withdraw_votes(user: User) -> None:
    """An erased account's votes go, and the ideas' counts with them."""
    # One vote per person and idea (the primary key), so each idea they voted for loses exactly one: one UPDATE.
    voted = select(IdeaVote.post_id).where(IdeaVote.user_id == user.id)
    db.session.execute(update(Idea).where(Idea.post_id.in_(voted)).values(vote_count=Idea.vote_count - 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(IdeaVote).where(IdeaVote.user_id == user.id))


def has_voted(user, post_id: int) -> bool:
    return bool(voted_among(user, [post_id]))


def voted_among(user, post_ids: list[int]) -> set[int]:
    """Which of these ideas the person voted for: one query, whatever the number."""
    if user is None or not user.is_authenticated or not post_ids:
        return set()
    return set(db.session.scalars(select(IdeaVote.post_id).where(IdeaVote.user_id == user.id,
                                                                 IdeaVote.post_id.in_(post_ids))))


# ---------------------------------------------------------------- the association's answer


def parse_status(value: str | None) -> IdeaStatus | None:
    try:
        return IdeaStatus(value or "")
    except ValueError:
        return None


def set_status(actor: User, post: Post, status: IdeaStatus, reason: str) -> bool:
    """A volunteer answers an idea: new, under review, planned, done or declined (declined needs a reason). The
    answer is audited, shown on the idea, and tells its author and followers. The same answer twice (a double
    submit) changes and tells nothing."""
    if not policy.can_manage_ideas(actor):
        raise PermissionDenied(_l("Only volunteers give ideas a status."))
    idea = idea_of(post)
    if idea is None:
        raise DomainError(_l("This discussion is not an idea."))
    status = IdeaStatus(status)
    reason = (reason or "").strip().replace("\r\n", "\n")
    if status == IdeaStatus.DECLINED and not reason:
        raise DomainError(_l("Please say why the idea is declined: its author and supporters read it."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    if idea.status == status and (idea.status_reason or "") == reason:
        return False
    audit.record(actor, AuditAction.IDEA_STATUS, subject_id=post.author_id,
                 old_value=f"post:{post.id} {idea.status.value}", new_value=f"post:{post.id} {status.value}")
    idea.status, idea.status_reason = status, reason or None
    idea.status_changed_at, idea.status_changed_by_id = utcnow(), actor.id
    _notify_about_status(actor, post)
    log.info("idea %s: status %s by %s", post.id, status, actor.id)
    return True


def _notify_about_status(actor: User, post: Post) -> int:
    """The idea's author and followers hear of the answer (the bell, and mail as each chose for followed threads),
    when they may read it; not the one who gave it."""
    followers = select(Follow.user_id).where(Follow.target == FollowTarget.POST, Follow.target_id == post.id)
    people = db.session.scalars(select(User).where((User.id == post.author_id) | User.id.in_(followers),
                                                   User.id != actor.id)).all()
    count = 0
    for person in people:
        if not person.is_suspended and policy.can_read_post(person, post):
            db.session.add(Notification(user_id=person.id, kind=NotificationKind.IDEA_STATUS, post_id=post.id,
                                        actor_id=actor.id, created_at=utcnow()))
            count += 1
    return count


# ---------------------------------------------------------------- the ideas page


@dataclass
class IdeasPage:
    ideas: list[Idea]
    voted: set[int]
    page: int
    has_more: bool


def ideas_page(viewer, *, sort: str = "votes", status: IdeaStatus | None = None, page: int = 1) -> IdeasPage:
    """One page of the ideas this person may see, by votes (ties: newest first) or newest; optionally one status.
    Two statements whatever the number of ideas: the page with its posts and authors, and the viewer's votes."""
    query = (select(Idea).join(Post, Post.id == Idea.post_id).where(policy.visible_ideas(viewer))
             .options(joinedload(Idea.post).options(
                 load_only(Post.id, Post.title, Post.excerpt, Post.visibility, Post.status, Post.kind,
                           Post.comment_count, Post.created_at, Post.author_id, Post.hidden_at, Post.locked,
                           Post.lock_at, Post.locked_until),
                 joinedload(Post.author).load_only(*BYLINE))))
    if status is not None:
        query = query.where(Idea.status == status)
    if sort == "newest":
        query = query.order_by(Post.created_at.desc(), Post.id.desc())
    else:
        query = query.order_by(Idea.vote_count.desc(), Post.id.desc())
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return IdeasPage(ideas=rows, voted=voted_among(viewer, [idea.post_id for idea in rows]), page=page,
                     has_more=more and page < MAX_PAGE)
