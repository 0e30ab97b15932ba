"""THE rules of who may see and do what.

Views and templates ask the `can_*` predicates; every list, feed, count, calendar and mail builds its
query from the clauses here (`public_feed_posts`, `syndicated_posts`, `news_for_mail`, ...). Permission
decisions compare roles only here; services store roles and count admins, but never decide with them.
Roles are ordered: visitor (anonymous) < alumnus < member < volunteer < admin.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, false, or_, true

from app import site
from app.extensions import login_manager
from app.models.event import Event
from app.models.idea import Idea
from app.models.membership import PROFILE_FIELDS, MemberProfile
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post, PostKind, Status, Visibility
from app.models.push import PushSubscription
from app.models.types import utcnow
from app.models.user import ProfileVisibility, Role, User

ROLE_ORDER: tuple[Role, ...] = (Role.ALUMNUS, Role.MEMBER, Role.VOLUNTEER, Role.ADMIN)
_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER, start=1)}
VISITOR_RANK = 0


def rank_of(user) -> int:
    """0 for a visitor, then 1..4 along ROLE_ORDER."""
    if user is None or not user.is_authenticated:
        return VISITOR_RANK
    return _RANK.get(user.role, VISITOR_RANK)


def has_role(user, role: Role) -> bool:
    return rank_of(user) >= _RANK[role]


def is_member(user) -> bool:
    return has_role(user, Role.MEMBER)


def is_volunteer(user) -> bool:
    return has_role(user, Role.VOLUNTEER)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_take_part(user) -> bool:
    """Sign-ups, likes, membership applications: a verified, not suspended account (a silenced one too: a
    silence stops words, not attendance)."""
    return rank_of(user) > VISITOR_RANK and user.is_verified and not user.is_suspended


def can_post(user) -> bool:
    """Writing what others read (discussions, news, comments, events, documents, messages, photos): a verified
    account that is neither suspended nor silenced."""
    return can_take_part(user) and not user.is_silenced


def can_enter_members_area(user) -> bool:
    return is_member(user)


def can_change_roles(user) -> bool:
    return is_admin(user)


def can_edit_pages(user) -> bool:
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def can_moderate(user) -> bool:
    return is_volunteer(user)


def can_manage_categories(user) -> bool:
    return is_volunteer(user)


def can_manage_watched_words(user) -> bool:
    return is_volunteer(user)


def can_write_patterns(user) -> bool:
    """Regular expressions in the watched words: a careless one holds back everything or nothing, so admins only."""
    return is_admin(user)


def can_change_settings(user) -> bool:
    return is_admin(user)


def can_view_dashboard(user) -> bool:
    """The organizers' numbers (counts only, never a ranking of people): volunteers and admins."""
    return is_volunteer(user)


def can_set_goals(user) -> bool:
    return is_admin(user)


def can_import_consent(user) -> bool:
    """Recording consent given on paper speaks for other people: admins only, audited."""
    return is_admin(user)


def can_sanction(actor, subject) -> bool:
    """Warn or silence: moderators, never themselves nor anyone of their own rank or above (a volunteer cannot
    silence an admin, nor another volunteer)."""
    return can_moderate(actor) and actor.id != subject.id and rank_of(subject) < rank_of(actor)


def can_suspend(actor, subject) -> bool:
    """Locking someone out stays with admins (and, like every sanction, only of someone of a lower rank: an admin
    who must be stopped is first given another role, which is audited too)."""
    return is_admin(actor) and can_sanction(actor, subject)


def skips_new_account_limits(user) -> bool:
    """Members were let in by a person (application, invitation, import), volunteers and admins moderate: the
    limits of an account's first days (app.services.new_account_limits) are for everyone else."""
    return is_member(user)


def assignable_roles(actor) -> tuple[Role, ...]:
    """Roles an actor may hand out in the admin page."""
    return ROLE_ORDER if is_admin(actor) else ()


def require(check):
    """View decorator: visitors go to login (Flask-Login keeps a safe `next`), others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


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


# ---------------------------------------------------------------- events


def members_area_events(user):
    """The members area's events: members-only ones, for members."""
    return Event.visibility == Visibility.MEMBERS if is_member(user) else false()


def member_accounts():
    """Accounts that are members (for mail that only members may receive)."""
    return User.role.in_(ROLE_ORDER[1:])


def public_events():
    """Events on the public events page and in the public iCal feed, for everyone (members find the
    members-only ones in the members area)."""
    return Event.visibility == Visibility.PUBLIC


def events_for_mail():
    """New events that digests may mail: not cancelled. Each reader is then asked `can_read_event`."""
    return Event.cancelled_at.is_(None)


def can_read_event(user, event) -> bool:
    return not event.is_members_only or is_member(user)


def can_manage_events(user) -> bool:
    return is_volunteer(user) and can_post(user)


def can_sign_up(user, event) -> bool:
    return can_take_part(user) and can_read_event(user, event)


def can_see_online_link(user, event, signup) -> bool:
    """The online link: confirmed attendees of this event and organizers."""
    confirmed = signup is not None and signup.event_id == event.id and signup.is_confirmed
    return confirmed or can_manage_events(user)


# ---------------------------------------------------------------- membership, directory, documents


def can_apply_for_membership(user) -> bool:
    return can_take_part(user) and user.role == Role.ALUMNUS


def membership_deciders():
    """Accounts that decide on membership applications (told about new ones)."""
    return User.role.in_(ROLE_ORDER[2:])


def can_decide_membership(user) -> bool:
    return is_volunteer(user)


def can_invite(user) -> bool:
    return is_volunteer(user)


def can_leave_membership(user) -> bool:
    """Members step back to alumnus themselves; volunteers and admins ask an admin."""
    return rank_of(user) > VISITOR_RANK and user.role == Role.MEMBER


def can_end_membership(actor, subject) -> bool:
    return is_admin(actor) and subject.role == Role.MEMBER


def listed_profiles(user):
    """Directory entries `user` may find: members see the opted-in entries of current members."""
    if not is_member(user):
        return false()
    return and_(MemberProfile.listed.is_(True), member_accounts(), ~User.is_suspended)


def visible_profile_fields(viewer, profile) -> set[str]:
    """Which directory fields of `profile` the viewer sees: all for the owner, the shared ones for members."""
    if rank_of(viewer) > VISITOR_RANK and viewer.id == profile.user_id:
        return set(PROFILE_FIELDS)
    if not is_member(viewer) or not profile.listed or not is_member(profile.user) or profile.user.is_suspended:
        return set()
    return {name for name in PROFILE_FIELDS if not profile.is_private(name)}


def can_contact(sender, profile) -> bool:
    return (can_post(sender) and is_member(sender) and sender.id != profile.user_id
            and bool(visible_profile_fields(sender, profile)))


def can_manage_documents(user) -> bool:
    return is_volunteer(user) and can_post(user)


# ---------------------------------------------------------------- search
# Search joins each hit to its row and keeps it only when these clauses (the feeds' own) allow it.


def searchable_posts(user):
    """Posts whose whole text may be matched: what the feeds show in full to this person."""
    readable = or_(Post.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    return and_(_in_feeds(), _published_or_own(Post, user), readable)


def searchable_teasers(user):
    """Members-only posts with a public teaser: non-members may match their title and teaser only."""
    if is_member(user):
        return false()
    return and_(_in_feeds(), _published_or_own(Post, user), Post.visibility == Visibility.MEMBERS,
                Post.public_teaser.is_(True))


def searchable_comments(user):
    """Comments whose text this person sees on a post they may read (not deleted, hidden or held)."""
    readable = or_(Post.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    own = _user_id(user)
    shown = and_(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
                 or_(Comment.status == Status.PUBLISHED, true() if can_moderate(user) else
                     (Comment.author_id == own) if own else false()))
    return and_(Post.hidden_at.is_(None), _published_or_own(Post, user), readable, shown)


def searchable_opportunities(user):
    """Offers found by search: exactly those the board shows this person."""
    return open_opportunities(user)


def searchable_events(user):
    return or_(public_events(), members_area_events(user))


def searchable_documents(user):
    return true() if can_enter_members_area(user) else false()


# ---------------------------------------------------------------- photos and files
# An attachment is seen by exactly those who see what it is attached to, at the moment of asking.


def can_see_attachment(user, attachment) -> bool:
    if attachment.is_draft:
        return _user_id(user) == attachment.owner_id
    if attachment.hidden_at is not None and not can_moderate(user):
        return False
    if attachment.post is not None:
        post = attachment.post
        return can_read_post(user, post) and (not post.is_hidden or can_moderate(user))
    if attachment.comment is not None:
        comment = attachment.comment
        return (can_read_post(user, comment.post) and not comment.post.is_hidden
                and can_see_comment_text(user, comment))
    return attachment.event is not None and can_read_event(user, attachment.event)


def is_public_attachment(attachment) -> bool:
    """Seen by anyone without logging in: browsers and proxies may keep it."""
    return can_see_attachment(None, attachment) and attachment.hidden_at is None


def can_add_event_photos(user, event, signed_up: bool) -> bool:
    """After an event: its attendees, volunteers and (for members-only events) members add photos."""
    return can_post(user) and can_read_event(user, event) and (signed_up or is_volunteer(user))


# ---------------------------------------------------------------- profiles


def can_see_profile(viewer, person) -> bool:
    """The person's page: as they chose (everyone / registered alumni / members); themselves and moderators
    always."""
    if rank_of(viewer) > VISITOR_RANK and (viewer.id == person.id or can_moderate(viewer)):
        return True
    if person.profile_visibility == ProfileVisibility.EVERYONE:
        return True
    if person.profile_visibility == ProfileVisibility.ALUMNI:
        return rank_of(viewer) > VISITOR_RANK
    return is_member(viewer)


def shows_member_badge(viewer, person) -> bool:
    """Who is a member is for members to know."""
    return person.role == Role.MEMBER and is_member(viewer)


# ---------------------------------------------------------------- the jobs and volunteering board


def can_offer_opportunity(user, visibility: Visibility = Visibility.PUBLIC) -> bool:
    """Verified alumni, members and volunteers post offers (like discussions); members-only ones need a member."""
    return can_start_discussion(user, visibility)


def _readable_opportunity(user):
    readable = or_(Opportunity.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    return and_(readable, _published_or_own(Opportunity, user))


def open_opportunities(user):
    """The board: offers not expired, closed or hidden, that this person may read (held ones: author and
    moderators). Expiry is read against the clock, so no job has to close offers on time."""
    return and_(_readable_opportunity(user), Opportunity.hidden_at.is_(None), Opportunity.closed_at.is_(None),
                Opportunity.expires_at > utcnow())


def syndicated_opportunities():
    """The board's Atom feed: public, published and open offers only."""
    return and_(Opportunity.visibility == Visibility.PUBLIC, Opportunity.status == Status.PUBLISHED,
                Opportunity.hidden_at.is_(None), Opportunity.closed_at.is_(None), Opportunity.expires_at > utcnow())


def can_read_opportunity(user, offer) -> bool:
    """An offer's page, open or not: members-only ones for members; held ones for their author and moderators;
    hidden ones for moderators."""
    if offer.is_members_only and not is_member(user):
        return False
    if offer.is_hidden and not can_moderate(user):
        return False
    return not offer.is_pending or can_moderate(user) or offer.author_id == _user_id(user)


def can_edit_opportunity(user, offer) -> bool:
    """Edit, renew, close: the author, and moderators any offer."""
    if not can_post(user) or not can_read_opportunity(user, offer):
        return False
    return offer.author_id == user.id or can_moderate(user)


def can_apply_through_site(user, offer) -> bool:
    """The contact form on an open offer: any verified account but the author's own."""
    return (can_take_part(user) and can_read_opportunity(user, offer) and offer.is_open
            and offer.applies_through_site and offer.author_id != user.id)


def shows_job_posting(offer) -> bool:
    """Search engines' structured data: public, published, open offers only."""
    return not offer.is_members_only and not offer.is_pending and offer.is_open


def own_push_devices(user):
    """A person sees and removes only their own devices (push subscriptions); nobody else's, whatever their role."""
    if user is None or not user.is_authenticated:
        return false()
    return PushSubscription.user_id == user.id
