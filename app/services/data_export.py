"""Download my data (GDPR Art. 15 and 20): one ZIP with every row that refers to the person, as JSON per kind,
their uploaded files, and a README saying what each file is.

The inventory below is THE list of personal data: every (table, column) that points at a user is either
exported (EXPORTED) or named as not the person's own data with a reason (NOT_EXPORTED). A test walks the
schema and fails for a reference that is in neither, so a new table cannot be forgotten. The same inventory
feeds the deletion of accounts and the privacy page.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import date, datetime
from enum import Enum
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import storage
from app.extensions import db
from app.models.attachment import Attachment
from app.models.mail import OutgoingMail
from app.models.membership import Document, MemberProfile
from app.models.user import User
from app.security import log_security_event
from app.services.errors import DomainError
from app.services.passwords import password_matches

# (table, column) -> (file in the ZIP, what it is)
EXPORTED: dict[tuple[str, str], tuple[str, Any]] = {
    ("posts", "author_id"): ("posts.json", _l("Discussions and news you wrote (Markdown source and dates)")),
    ("comments", "author_id"): ("comments.json", _l("Comments you wrote")),
    ("opportunities", "author_id"): ("offers.json", _l("Offers you posted on the jobs and volunteering board")),
    ("post_likes", "user_id"): ("likes_of_posts.json", _l("Posts you liked")),
    ("comment_likes", "user_id"): ("likes_of_comments.json", _l("Comments you liked")),
    ("idea_votes", "user_id"): ("idea_votes.json", _l("Ideas you voted for")),
    ("poll_ballots", "user_id"): ("poll_ballots.json", _l("Open polls you voted in (never what you chose; "
                                                          "forgotten once the poll closes)")),
    ("reports", "reporter_id"): ("reports.json", _l("Content you reported to the moderators")),
    ("reports", "person_id"): ("watched_words_found.json", _l("What the watched words found in your profile, "
                                                              "directory entry or messages, for the moderators")),
    ("follows", "user_id"): ("follows.json", _l("Threads, categories and calendars you follow")),
    ("notifications", "user_id"): ("notifications.json", _l("Your notifications")),
    ("mail_preferences", "user_id"): ("mail_preferences.json", _l("Which mail you chose to get, and how often")),
    ("digest_claims", "user_id"): ("digests_sent.json", _l("Which daily or weekly digests were sent to you")),
    ("announcement_deliveries", "user_id"): ("news_mails_received.json", _l("News mailed to you")),
    ("news_consents", "user_id"): ("news_consent.json", _l("Consent to news by mail you gave outside the site "
                                                           "(e.g. on paper), with its date and source")),
    ("membership_applications", "user_id"): ("membership_applications.json",
                                             _l("Your applications for membership and the decisions")),
    ("invitations", "accepted_by_id"): ("invitation_accepted.json", _l("The invitation you accepted")),
    ("invitations", "invited_by_id"): ("invitations_sent.json", _l("People you invited (as a volunteer)")),
    ("member_profiles", "user_id"): ("directory_entry.json", _l("Your entry in the member directory")),
    ("registrations", "user_id"): ("event_signups.json", _l("Your event sign-ups with guests, answers and notes")),
    ("events", "created_by_id"): ("events_created.json", _l("Events you created (as a volunteer)")),
    ("announcements", "created_by_id"): ("news_mailings_sent.json", _l("News you sent by mail (as a volunteer)")),
    ("documents", "uploaded_by_id"): ("documents.json", _l("Documents you uploaded for members (files in files/)")),
    ("attachments", "owner_id"): ("photos_and_files.json", _l("Photos and files you attached (files in files/)")),
    ("sanctions", "user_id"): ("moderation_of_you.json", _l("Warnings, silences and suspensions of your account, "
                                                         "with their reasons and dates")),
    ("audit_entries", "subject_id"): ("audit_log_about_you.json",
                                      _l("What volunteers and admins did about your account (roles, membership)")),
    ("audit_entries", "actor_id"): ("audit_log_by_you.json", _l("What you did as a volunteer or admin")),
    ("push_subscriptions", "user_id"): ("push_devices.json", _l("Devices you turned push notifications on for, "
                                                                "with their push service's address")),
    ("push_choices", "user_id"): ("push_choices.json", _l("Which notifications you chose to get by push")),
}
NOT_EXPORTED: dict[tuple[str, str], str] = {
    ("reports", "resolved_by_id"): "the moderator who closed someone else's report; your own moderation is in "
                                   "audit_log_by_you.json",
    ("membership_applications", "decided_by_id"): "who decided someone else's application; your decisions are "
                                                  "in audit_log_by_you.json",
    ("notifications", "actor_id"): "you as the cause of someone else's notification; what you did is exported "
                                   "as your posts, comments and likes",
    ("pages", "updated_by_id"): "who last edited a site page; your edits are in audit_log_by_you.json",
    ("ideas", "status_changed_by_id"): "the volunteer who last answered an idea (shown on it); your answers are in "
                                       "audit_log_by_you.json",
    ("sanctions", "created_by_id"): "the moderator who warned, silenced or suspended someone else; your decisions "
                                    "are in audit_log_by_you.json",
    ("sanctions", "lifted_by_id"): "the moderator who lifted someone else's silence or suspension; your decisions "
                                   "are in audit_log_by_you.json",
    ("goals", "created_by_id"): "which admin set one of the association's dashboard goals; the goals you set are "
                                "in audit_log_by_you.json",
    ("news_consents", "recorded_by_id"): "the admin who recorded someone else's consent from a file; your imports "
                                         "are in audit_log_by_you.json",
    ("watched_words", "created_by_id"): "who put a word on the moderators' list; the words you added are in "
                                        "audit_log_by_you.json",
}
ACCOUNT_FIELDS = ("id", "email", "display_name", "handle", "role", "locale", "bio", "profile_visibility",
                  "show_activity", "created_at", "email_verified_at", "last_login_at", "mail_consent_at",
                  "auto_follow", "suspended_at", "suspended_until", "suspension_reason", "silenced_at",
                  "silenced_until", "silence_reason")
# Internal keys that are not data about the person (and some are secrets).
SKIPPED_COLUMNS = frozenset({"password_hash", "calendar_token", "submission_key", "claim_token", "stored_name",
                             "path", "session_version", "p256dh", "auth"})  # the last two: a device's push keys


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _rows(table_name: str, column: str, user_id: int) -> list[dict]:
    table = db.metadata.tables[table_name]
    result = db.session.execute(select(table).where(table.c[column] == user_id).order_by(*table.primary_key))
    return [{key: _plain(value) for key, value in row._mapping.items() if key not in SKIPPED_COLUMNS}
            for row in result]


def _account(user: User) -> dict:
    return {name: _plain(getattr(user, name)) for name in ACCOUNT_FIELDS}


def _mail(user: User) -> list[dict]:
    rows = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == user.email)
                              .order_by(OutgoingMail.id))
    return [{"subject": m.subject, "created_at": _plain(m.created_at), "sent_at": _plain(m.sent_at),
             "message": m.message} for m in rows]


def _files(user: User) -> list[tuple[str, str]]:
    """(store key, name in the ZIP) of every file the person uploaded."""
    found = [(f"documents/{d.stored_name}", f"files/documents/{d.id}-{d.original_name}") for d in
             db.session.scalars(select(Document).where(Document.uploaded_by_id == user.id))]
    for a in db.session.scalars(select(Attachment).where(Attachment.owner_id == user.id)):
        key = a.key(a.available_widths[-1]) if a.is_image else a.key()
        found.append((key, f"files/photos_and_files/{a.id}-{a.original_name or 'file'}"
                      + (".webp" if a.is_image else "")))
    entry = db.session.get(MemberProfile, user.id)
    if entry is not None and entry.photo_name:
        found.append((f"photos/{entry.photo_name}", "files/directory_photo.jpg"))
    if user.avatar_name:
        found.append((f"avatars/{user.avatar_name}-256.webp", "files/profile_picture.webp"))
    return found


def _readme(user: User, names: dict[str, str]) -> str:
    lines = [f"Alumni Commons: your data ({user.display_name}, {user.email})", "",
             "Every file is JSON (UTF-8), times in UTC (ISO 8601). What each file holds:", "",
             "account.json: your account and settings (no password: only its hash is stored, and not exported)",
             "mail_to_you.json: mail the site stored for you (kept 30 days after sending)"]
    lines += [f"{name}: {what}" for name, what in sorted(names.items())]
    lines += ["files/: the documents, photos and pictures you uploaded (photos as stored: without metadata)", "",
              "Not in this file: web server logs (kept by the operator for a few days) and backups (see the privacy "
              "page)."]
    return "\n".join(lines) + "\n"


def check_password(user: User, password: str) -> None:
    """Downloading everything needs the password again (an unattended logged-in device is not enough)."""
    if not password_matches(user.password_hash, password or ""):
        log_security_event("data_export.refused", user)
        raise DomainError(_l("This is not your current password."), "current_password")


def build(user: User) -> IO[bytes]:
    """The ZIP, in a temporary file (memory stays small: spilled to disk above 8 MB), positioned at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (returned to the caller)
    names: dict[str, str] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", json.dumps(_account(user), indent=2, ensure_ascii=False))
        archive.writestr("mail_to_you.json", json.dumps(_mail(user), indent=2, ensure_ascii=False))
        by_file: dict[str, list[dict]] = {}
        for (table, column), (name, what) in EXPORTED.items():
            by_file.setdefault(name, []).extend(_rows(table, column, user.id))
            names[name] = str(what)  # in the person's language
        for name, rows in by_file.items():
            archive.writestr(name, json.dumps(rows, indent=2, ensure_ascii=False))
        for key, name in _files(user):
            stream = storage.current().open(key)
            if stream is not None:
                with stream, archive.open(name, "w") as target:
                    while chunk := stream.read(1024 * 1024):
                        target.write(chunk)
        archive.writestr("README.txt", _readme(user, names))
    log_security_event("data_export", user)
    out.seek(0)
    return out
