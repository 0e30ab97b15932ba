"""All models, imported here so Alembic and the app see the whole schema."""

from app.models.attachment import Attachment, AttachmentKind
from app.models.audit import AuditEntry
from app.models.event import Event, Signup, SignupStatus
from app.models.goal import Goal, GoalMetric, GoalPeriod
from app.models.idea import Idea, IdeaStatus, IdeaVote
from app.models.mail import OutgoingMail
from app.models.membership import (
    ApplicationStatus,
    Document,
    Invitation,
    InvitationStatus,
    MemberProfile,
    MembershipApplication,
)
from app.models.moderation import Report, ReportReason, ReportResolution
from app.models.notification import (
    Announcement,
    AnnouncementDelivery,
    DigestClaim,
    Follow,
    MailPreference,
    NewsConsent,
    Notification,
)
from app.models.opportunity import Opportunity, OpportunityKind, WorkMode
from app.models.page import PAGE_SLUGS, Page
from app.models.poll import Poll, PollBallot, PollOption, ResultsShown
from app.models.post import Category, Comment, CommentLike, Post, PostKind, PostLike, Status, Visibility
from app.models.push import PushChoice, PushMessage, PushSubscription
from app.models.sanction import Sanction, SanctionEnding, SanctionKind
from app.models.settings import SiteSetting
from app.models.user import Role, User
from app.models.watched_word import WatchAction, WatchedWord, WatchKind

__all__ = [
    "PushChoice", "PushMessage", "PushSubscription",
    "Attachment", "AttachmentKind", "Goal", "GoalMetric", "GoalPeriod", "Idea", "IdeaStatus", "IdeaVote",
    "Announcement", "AnnouncementDelivery", "DigestClaim", "Follow", "MailPreference", "NewsConsent", "Notification",
    "ApplicationStatus", "Document", "Invitation", "InvitationStatus", "MemberProfile", "MembershipApplication",
    "PAGE_SLUGS", "AuditEntry", "Category", "Comment", "CommentLike", "Event", "OutgoingMail", "Page", "Post",
    "Opportunity", "OpportunityKind", "WorkMode", "Poll", "PollBallot", "PollOption", "PostKind", "PostLike",
    "ResultsShown", "Sanction", "SanctionEnding", "SanctionKind",
    "Signup", "SignupStatus", "Report", "ReportReason", "ReportResolution", "Role",
    "SiteSetting", "Status", "User", "Visibility", "WatchAction", "WatchKind", "WatchedWord",
]
