"""Posts and comments, ideas and polls: what every feed, list and count builds its query from."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, true

from app import site
from app.models.idea import Idea
from app.models.post import Post, PostKind, Status, Visibility
from app.policy.roles import VISITOR_RANK, can_moderate, can_post, can_take_part, is_member, is_volunteer, rank_of

__all__ = [
    "can_announce", "can_close_poll", "can_comment", "can_delete_comment", "can_edit_comment", "can_edit_poll",
    "can_edit_post", "can_manage_ideas", "can_propose_idea", "can_react", "can_read_post", "can_report",
    "can_see_comment_text", "can_see_hidden_post", "can_see_poll_results", "can_start_discussion",
    "can_vote_for_idea", "can_vote_in_poll", "can_write_news", "is_announceable", "is_slowed_down", "is_syndicated",
    "may_vote_for_ideas", "members_area_posts", "news_for_mail", "public_feed_posts", "report_weight",
    "shows_teaser", "syndicated_posts", "visible_ideas",
]


# ---------------------------------------------------------------- posts and comments
# The clauses below are what every list, feed, count and search builds its query from.


def _user_id(user) -> int | None:
    return user.id if user is not None and user.is_authenticated else None


def _published_or_own(model, user):
    """Held content is seen by its author and by moderators only."""
    if can_moderate(user):
        return true()
    own = _user_id(user)
    published = model.status == Status.PUBLISHED
    return or_(published, model.author_id == own) if own else published


def _in_feeds():
    """Not hidden, and not an event's discussion (that lives on the event page)."""
    return and_(Post.hidden_at.is_(None), Post.kind != PostKind.EVENT)


def public_feed_posts(user):
    """The public feed: public posts, and members-only posts whose author allowed a teaser."""
    shown = or_(Post.visibility == Visibility.PUBLIC, Post.public_teaser.is_(True))
    return and_(_in_feeds(), _published_or_own(Post, user), shown)


def members_area_posts(user):
    """The members area's feed (members only, enforced by the view as well)."""
    if not is_member(user):
        return false()
    return and_(_in_feeds(), _published_or_own(Post, user), Post.visibility == Visibility.MEMBERS)


def syndicated_posts():
    """Atom and anything else read by machines: public and published only, never teasers."""
    return and_(_in_feeds(), Post.status == Status.PUBLISHED, Post.visibility == Visibility.PUBLIC)


def is_syndicated(post) -> bool:
    """The same rule as `syndicated_posts`, for one post (its comment feed)."""
    return (post.kind != PostKind.EVENT and not post.is_hidden and post.status == Status.PUBLISHED
            and post.visibility == Visibility.PUBLIC)


def news_for_mail():
    """News that digests may mail: published, not hidden. Each reader is then asked `can_read_post`."""
    return and_(Post.kind == PostKind.NEWS, Post.status == Status.PUBLISHED, Post.hidden_at.is_(None))


def can_announce(user, post) -> bool:
    """Send a news post by mail to everyone who opted in: volunteers, published news only."""
    return can_write_news(user) and is_announceable(post)


def is_announceable(post) -> bool:
    return post.is_news and not post.is_hidden and not post.is_pending


def can_read_post(user, post) -> bool:
    if post.is_members_only and not is_member(user):
        return False
    if post.is_pending and not (can_moderate(user) or post.author_id == _user_id(user)):
        return False
    return True


def shows_teaser(user, post) -> bool:
    """A non-member who may see only the teaser of this post."""
    return post.is_members_only and post.public_teaser and not is_member(user) and not post.is_hidden


def can_start_discussion(user, visibility: Visibility = Visibility.PUBLIC) -> bool:
    if visibility == Visibility.MEMBERS and not is_member(user):
        return False
    return can_post(user)


def can_write_news(user) -> bool:
    return is_volunteer(user) and can_post(user)


def can_edit_post(user, post) -> bool:
    if not can_post(user) or not can_read_post(user, post):
        return False
    return post.author_id == user.id or (post.is_news and is_volunteer(user))


def can_comment(user, post) -> bool:
    if not can_post(user) or not can_read_post(user, post) or post.is_hidden:
        return False
    return not post.is_locked or can_moderate(user)


def can_see_hidden_post(user, post) -> bool:
    """The text of a hidden post: moderators, and its author while it awaits review after reports (so they can
    see why and edit it)."""
    return can_moderate(user) or (post.is_awaiting_review and post.author_id == _user_id(user))


def is_slowed_down(user, post) -> bool:
    """Slow mode applies to everyone but moderators."""
    return post.slow_mode_minutes > 0 and not can_moderate(user)


def report_weight(user, *, enough: int, new_since) -> int:
    """How much one person's report counts toward hiding content until a moderator looks at it, in half reports
    (`enough` is the threshold in halves): nothing from unconfirmed or suspended accounts, ½ from alumni accounts
    made after `new_since`, 1 from alumni, 1½ from members, and a moderator's report is enough on its own."""
    if not can_post(user):
        return 0
    if can_moderate(user):
        return enough
    if is_member(user):
        return 3
    return 1 if user.created_at > new_since else 2


def can_react(user, post) -> bool:
    return can_take_part(user) and can_read_post(user, post) and not post.is_hidden


def can_report(user) -> bool:
    return rank_of(user) > VISITOR_RANK


def can_see_comment_text(user, comment) -> bool:
    """Deleted comments show a placeholder to all; hidden and held ones to all but moderators (and the author
    of a held one)."""
    if comment.is_deleted:
        return False
    if comment.is_hidden:
        return can_moderate(user) or (comment.is_awaiting_review and comment.author_id == _user_id(user))
    if comment.is_pending:
        return can_moderate(user) or comment.author_id == _user_id(user)
    return True


def can_edit_comment(user, comment, now, window) -> bool:
    """Within the edit window; and while the comment awaits review after reports, whenever (to mend it)."""
    if not can_post(user) or comment.author_id != user.id or comment.is_deleted:
        return False
    if comment.is_awaiting_review:
        return True
    return not comment.is_hidden and now - comment.created_at <= window


def can_delete_comment(user, comment) -> bool:
    return rank_of(user) > VISITOR_RANK and comment.author_id == user.id and not comment.is_deleted


# ---------------------------------------------------------------- ideas
# An idea is a discussion others vote for (app.services.ideas); it is read wherever its post may be read.


def visible_ideas(user):
    """The ideas page: ideas whose post this person may read in full (members-only ones for members only; no
    teasers, so votes and comments of members-only ideas never show outside)."""
    readable = or_(Post.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    return and_(Idea.post_id == Post.id, _in_feeds(), _published_or_own(Post, user), readable)


def can_manage_ideas(user) -> bool:
    """Give ideas their status, turn discussions into ideas and back: volunteers and admins."""
    return is_volunteer(user) and can_post(user)


def can_propose_idea(user, post) -> bool:
    """Mark one's own new discussion as an idea (the start-discussion form); volunteers any discussion."""
    return post.kind == PostKind.DISCUSSION and (post.author_id == _user_id(user) or can_manage_ideas(user))


def may_vote_for_ideas(user) -> bool:
    """Members vote; registered alumni too when the admins turned that on (Settings → Participation)."""
    return can_take_part(user) and (is_member(user) or bool(site.get("ideas_alumni_vote")))


def can_vote_for_idea(user, post, idea) -> bool:
    """Vote (or take the vote back) while the idea is open: not its author (one's own idea is one's vote
    already), not on a held, hidden or locked thread, not once it is done or declined."""
    if idea is None or not may_vote_for_ideas(user) or not can_read_post(user, post):
        return False
    if post.author_id == user.id or post.is_hidden or post.is_pending or post.is_locked:
        return False
    return not idea.is_closed
# ---------------------------------------------------------------- polls
# A poll is part of its post: whoever cannot read the post sees nothing of it (members-only polls live in
# members-only posts). Ballots are anonymous: no rule here ever shows who voted, nor for what.


def can_vote_in_poll(user, post) -> bool:
    """Those who may write on the post: a verified account, neither silenced nor suspended, that may read the post
    (not hidden or held). A lock on the comments does not stop the vote: the poll's own closing time does."""
    return (can_post(user) and can_read_post(user, post) and not post.is_hidden and not post.is_pending)


def can_edit_poll(user, post) -> bool:
    """Adding a poll to a post, or changing it while nobody has voted: the post's author."""
    return can_post(user) and can_read_post(user, post) and post.author_id == user.id and post.kind != PostKind.EVENT


def can_close_poll(user, post) -> bool:
    """Closing a poll early: its author, or a moderator."""
    if rank_of(user) == VISITOR_RANK or not can_read_post(user, post):
        return False
    return (post.author_id == user.id and not user.is_suspended) or can_moderate(user)


def can_see_poll_results(user, post, poll, *, voted: bool) -> bool:
    """The counts, as the author chose: after voting (and to its author and the moderators, who follow it, from the
    start), or only once it is closed (to everyone alike: nobody's early look can sway the later votes). Once
    closed, everyone who reads the post sees them."""
    if not can_read_post(user, post):
        return False
    if poll.is_closed:
        return True
    if poll.results_shown != "after_vote":
        return False
    return voted or post.author_id == _user_id(user) or can_moderate(user)
