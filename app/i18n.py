"""Which language a page is shown in: this device's explicit choice, then the account's setting,
then the browser's Accept-Language, then German."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import site
from app.models.audit import AuditAction
from app.models.moderation import ReportReason
from app.models.notification import MailKind, MailMode
from app.models.sanction import SanctionEnding, SanctionKind
from app.models.user import Role
from app.models.watched_word import WatchAction, WatchKind

LOCALE_COOKIE = "lang"
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():  # command line, mail from cron: the default language
        return site.get("default_locale")
    supported = supported_locales()
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in supported:
        return chosen
    # On the "database unavailable" page, loading the user would fail again.
    user = None if g.get("database_unavailable") else current_user
    if user is not None and user.is_authenticated and user.locale in supported:
        return user.locale
    return request.accept_languages.best_match(supported) or site.get("default_locale")


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Names shown for stored values, in the viewer's language.
ROLE_LABELS = {
    Role.ALUMNUS: _l("Alumnus"),
    Role.MEMBER: _l("Member"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.ADMIN: _l("Admin"),
}
PAGE_TITLES = {
    "imprint": _l("Imprint"),
    "privacy": _l("Privacy policy"),
    "guidelines": _l("Community guidelines"),
}

MAIL_INTRO_TITLES = {  # the system mails whose intro admins write (app.services.mail_texts)
    "welcome": _l("Welcome (the first mail after registering)"),
    "invitation": _l("Invitation to become a member"),
    "membership_accepted": _l("Membership accepted"),
    "event_confirmation": _l("Event sign-up confirmed"),
}

REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.ABUSE: _l("Insulting, hateful or harassing"),
    ReportReason.PRIVACY: _l("Reveals personal data"),
    ReportReason.OFF_TOPIC: _l("Off topic"),
    ReportReason.OTHER: _l("Something else"),
}
SANCTION_KIND_LABELS = {
    SanctionKind.WARNING: _l("Warning"),
    SanctionKind.SILENCE: _l("Silence"),
    SanctionKind.SUSPENSION: _l("Suspension"),
}
SANCTION_ENDING_LABELS = {
    SanctionEnding.LIFTED: _l("lifted"),
    SanctionEnding.EXPIRED: _l("ended at its end date"),
    SanctionEnding.REPLACED: _l("replaced by a newer one"),
}
SCREENING_REASON_LABELS = {  # reports the site files itself (app.services.screening)
    ReportReason.WATCHED_WORD: _l("Watched word"),
    ReportReason.LINKS: _l("Many links from a new account"),
}
WATCH_ACTION_LABELS = {
    WatchAction.BLOCK: _l("Block"),
    WatchAction.HOLD: _l("Hold for approval"),
    WatchAction.FLAG: _l("Flag for review"),
    WatchAction.CENSOR: _l("Replace (censor)"),
}
WATCH_KIND_LABELS = {
    WatchKind.WORD: _l("Whole word or phrase"),
    WatchKind.SUBSTRING: _l("Also inside words"),
    WatchKind.REGEX: _l("Regular expression"),
}
MAIL_MODE_LABELS = {
    MailMode.OFF: _l("Off"),
    MailMode.IMMEDIATELY: _l("Right away"),
    MailMode.DAILY: _l("Daily digest"),
    MailMode.WEEKLY: _l("Weekly digest"),
}
MAIL_KIND_LABELS = {
    MailKind.REPLIES: _l("Replies to my comments and mentions of me"),
    MailKind.FOLLOWED: _l("New comments in threads I follow, new posts in categories I follow, new offers on the "
                          "jobs board I follow"),
    MailKind.NEWS: _l("News of the association"),
    MailKind.EVENTS: _l("New events"),
    MailKind.REMINDERS: _l("Reminders of events I signed up for"),
    MailKind.APPLICATIONS: _l("New membership applications (for volunteers)"),
}
AUDIT_ACTION_LABELS = {
    AuditAction.ROLE_CHANGED: _l("Role changed"),
    AuditAction.MEMBERSHIP_APPROVED: _l("Membership application approved"),
    AuditAction.MEMBERSHIP_DECLINED: _l("Membership application declined"),
    AuditAction.MEMBERSHIP_INVITED: _l("Became a member by invitation"),
    AuditAction.MEMBERSHIP_LEFT: _l("Left the membership"),
    AuditAction.MEMBERSHIP_ENDED: _l("Membership ended"),
    AuditAction.ACCOUNT_SUSPENDED: _l("Account suspended"),
    AuditAction.ACCOUNT_UNSUSPENDED: _l("Suspension lifted"),
    AuditAction.POST_PINNED: _l("Post pinned"),
    AuditAction.POST_UNPINNED: _l("Post unpinned"),
    AuditAction.POST_LOCKED: _l("Discussion locked"),
    AuditAction.POST_UNLOCKED: _l("Discussion unlocked"),
    AuditAction.POST_HIDDEN: _l("Post hidden"),
    AuditAction.POST_RESTORED: _l("Post restored"),
    AuditAction.POST_APPROVED: _l("Post approved"),
    AuditAction.OFFER_HIDDEN: _l("Offer hidden"),
    AuditAction.OFFER_RESTORED: _l("Offer restored"),
    AuditAction.OFFER_APPROVED: _l("Offer approved"),
    AuditAction.OFFER_CLOSED: _l("Offer closed"),
    AuditAction.OFFER_EDITED: _l("Offer edited"),
    AuditAction.COMMENT_HIDDEN: _l("Comment hidden"),
    AuditAction.COMMENT_RESTORED: _l("Comment restored"),
    AuditAction.COMMENT_APPROVED: _l("Comment approved"),
    AuditAction.ACCOUNT_ERASED: _l("Account erased"),
    AuditAction.ATTACHMENT_HIDDEN: _l("Photo or file hidden"),
    AuditAction.ATTACHMENT_RESTORED: _l("Photo or file restored"),
    AuditAction.PAGE_EDITED: _l("Page edited"),
    AuditAction.SETTING_CHANGED: _l("Setting changed"),
    AuditAction.CATEGORY_CREATED: _l("Category added"),
    AuditAction.CATEGORY_CHANGED: _l("Category changed"),
    AuditAction.ACCOUNT_APPROVED: _l("Account approved"),
    AuditAction.ACCOUNT_DECLINED: _l("Account declined"),
    AuditAction.SITE_SET_UP: _l("Site set up"),
    AuditAction.GOAL_SET: _l("Goal set"),
    AuditAction.GOAL_ARCHIVED: _l("Goal archived"),
    AuditAction.NEWS_CONSENT_IMPORTED: _l("Consent to news by mail imported"),
    AuditAction.REPORT_FILED: _l("Content reported"),
    AuditAction.REPORT_DISMISSED: _l("Reports dismissed"),
    AuditAction.HIDDEN_BY_REPORTS: _l("Hidden after reports, awaiting review"),
    AuditAction.REVIEW_RESTORED: _l("Restored after review, reports dismissed"),
    AuditAction.REVIEW_CONFIRMED: _l("Hiding confirmed after review"),
    AuditAction.POST_SLOW_MODE: _l("Slow mode changed"),
    AuditAction.POST_LOCK_SCHEDULED: _l("Lock scheduled"),
    AuditAction.ACCOUNT_WARNED: _l("Warned by a moderator"),
    AuditAction.ACCOUNT_SILENCED: _l("Silenced (can read, cannot write)"),
    AuditAction.ACCOUNT_UNSILENCED: _l("Silence lifted"),
    AuditAction.SILENCE_ENDED: _l("Silence ended at its end date"),
    AuditAction.SUSPENSION_ENDED: _l("Suspension ended at its end date"),
    AuditAction.WATCHED_WORDS_ADDED: _l("Watched words added"),
    AuditAction.WATCHED_WORD_CHANGED: _l("Watched word changed"),
    AuditAction.WATCHED_WORD_DELETED: _l("Watched word deleted"),
    AuditAction.IDEA_MARKED: _l("Discussion made an idea"),
    AuditAction.IDEA_UNMARKED: _l("Idea made a plain discussion again"),
    AuditAction.IDEA_STATUS: _l("Status of an idea changed"),
    AuditAction.POLL_CLOSED: _l("Poll closed early"),
}
JOB_LABELS = {  # the worker's periodic jobs (app.queue.PERIODIC), as the admins' page names them
    "mail": _l("Send due mail"),
    "notifications": _l("Mail notifications right away"),
    "announcements": _l("Send news by mail"),
    "reminders": _l("Event reminders"),
    "daily-digest": _l("Daily digest"),
    "weekly-digest": _l("Weekly digest"),
    "clean-up": _l("Delete old stored mail and unused uploads"),
    "erase-accounts": _l("Erase accounts whose deletion is due"),
    "end-sanctions": _l("End silences and suspensions at their end date"),
    "forget-poll-voters": _l("Forget who voted in closed polls"),
    "remind-expiring-offers": _l("Remind the authors of offers that leave the board soon"),
    "heartbeat": _l("Heartbeat"),
}
