"""Becoming and ending a membership: apply and decide, invite and accept, leave and end.

Every decision changes the role through roles.apply_role, which records it in the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import policy, site
from app.extensions import db
from app.mail import links, queue_mail
from app.models.audit import AuditAction
from app.models.membership import ApplicationStatus, Invitation, InvitationStatus, MembershipApplication
from app.models.types import utcnow
from app.models.user import Role, User
from app.services import audit, mail_preferences, spreadsheets
from app.services.accounts import create_account, find_user_by_email, normalise_email, screen_name
from app.services.errors import DomainError, InvalidToken, PermissionDenied
from app.services.notifications import notify_deciders_of_application
from app.services.roles import apply_role
from app.services.tokens import make_token, read_token

log = logging.getLogger(__name__)
MAX_INVITATIONS = 500
CSV_MAX_BYTES = 2 * 1024 * 1024


def pending_application(user: User) -> MembershipApplication | None:
    return db.session.scalar(select(MembershipApplication).where(
        MembershipApplication.user_id == user.id, MembershipApplication.status == ApplicationStatus.PENDING))


def latest_application(user: User) -> MembershipApplication | None:
    return db.session.scalar(select(MembershipApplication).where(MembershipApplication.user_id == user.id)
                             .order_by(MembershipApplication.created_at.desc()).limit(1))


def pending_count(user) -> int:
    """Applications waiting for a decision, for the tab of those who decide (no query for anyone else)."""
    if not policy.can_decide_membership(user):
        return 0
    return db.session.scalar(select(func.count()).select_from(MembershipApplication).where(
        MembershipApplication.status == ApplicationStatus.PENDING)) or 0


def open_applications() -> list[MembershipApplication]:
    """Applications waiting for a decision, oldest first."""
    return list(db.session.scalars(select(MembershipApplication).where(
        MembershipApplication.status == ApplicationStatus.PENDING)
        .options(joinedload(MembershipApplication.user)).order_by(MembershipApplication.created_at)))


def decided_applications(limit: int = 50) -> list[MembershipApplication]:
    """The latest decisions, newest first."""
    return list(db.session.scalars(select(MembershipApplication).where(
        MembershipApplication.status != ApplicationStatus.PENDING)
        .options(joinedload(MembershipApplication.user), joinedload(MembershipApplication.decided_by))
        .order_by(MembershipApplication.decided_at.desc()).limit(limit)))


def apply(user: User, programme: str, year: int | None, message: str) -> MembershipApplication:
    """Ask to become a member. A second application while one is open is refused."""
    if not policy.can_apply_for_membership(user):
        raise PermissionDenied(_l("Only registered alumni with a confirmed email address can apply."))
    if pending_application(user) is not None:
        raise DomainError(_l("You have already applied. We will write to you when it is decided."))
    application = MembershipApplication(user=user, programme=programme.strip(), year=year, message=message.strip())
    db.session.add(application)
    db.session.flush()
    notify_deciders_of_application(application)
    log.info("membership application %s by %s", application.id, user.id)
    return application


def decide(actor: User, application: MembershipApplication, approve: bool, reason: str = "") -> None:
    """Approve (the applicant becomes a member) or decline, with an optional reason; mail either way."""
    if not policy.can_decide_membership(actor):
        raise PermissionDenied(_l("Only volunteers decide on applications."))
    if application.status != ApplicationStatus.PENDING:
        raise DomainError(_l("This application has already been decided."))
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DECLINED
    application.decided_at = utcnow()
    application.decided_by = actor
    application.reason = reason.strip()
    applicant = application.user
    if approve:
        apply_role(actor, applicant, Role.MEMBER, AuditAction.MEMBERSHIP_APPROVED)
    else:
        audit.record(actor, AuditAction.MEMBERSHIP_DECLINED, subject=applicant)
    queue_mail(applicant.email, "membership_approved" if approve else "membership_declined",
               locale=applicant.locale, user=applicant, reason=application.reason,
               url=links.members_home())


def leave(user: User) -> None:
    """A member steps back to alumnus."""
    if not policy.can_leave_membership(user):
        raise PermissionDenied(_l("Only members can leave; volunteers and admins please ask an admin."))
    apply_role(user, user, Role.ALUMNUS, AuditAction.MEMBERSHIP_LEFT)


def end_membership(actor: User, subject: User) -> None:
    """An admin ends someone's membership."""
    if not policy.can_end_membership(actor, subject):
        raise PermissionDenied(_l("You may not end this membership."))
    apply_role(actor, subject, Role.ALUMNUS, AuditAction.MEMBERSHIP_ENDED)


# ---------------------------------------------------------------- invitations


@dataclass
class InvitationReport:
    invited: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, why)


def parse_invitations(text: str) -> tuple[list[tuple[int, str, str, int | None]], list[tuple[int, str, str]]]:
    """Lines or CSV rows of "email[, name[, year]]" -> (good rows, bad rows with the reason)."""
    good, bad = [], []
    for number, cells, line in spreadsheets.rows(text):
        try:
            email = validate_email(cells[0], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            bad.append((number, line, str(_l("not a valid email address"))))
            continue
        name = cells[1] if len(cells) > 1 else ""
        if len(name) > 80 or "<" in name or ">" in name:
            bad.append((number, line, str(_l("the name is too long or contains < or >"))))
            continue
        year_text = cells[2] if len(cells) > 2 else ""
        if year_text and not (year_text.isdigit() and 1900 <= int(year_text) <= 2100):
            bad.append((number, line, str(_l("the year is not a year between 1900 and 2100"))))
            continue
        good.append((number, email, name, int(year_text) if year_text else None))
    return good, bad


def invitation_text(pasted: str, upload=None) -> str:
    """The pasted lines plus those of an uploaded CSV file (UTF-8, or Windows-1252 as older
    spreadsheet programs write it)."""
    parts = [pasted.rstrip("\n")] if pasted.strip() else []  # row numbers of a file alone start at 1
    if upload is not None:
        parts.append(spreadsheets.read_upload(upload, CSV_MAX_BYTES, "csv_file"))
    text = "\n".join(parts)
    if not text.strip():
        raise DomainError(_l("Please enter at least one email address, or upload a CSV file."), "addresses")
    return text


def invite_many(actor: User, text: str) -> InvitationReport:
    """Invite every good row; report every bad or redundant row with the reason."""
    if not policy.can_invite(actor):
        raise PermissionDenied(_l("Only volunteers invite members."))
    good, bad = parse_invitations(text)
    if len(good) > MAX_INVITATIONS:
        raise DomainError(_l("At most %(num)d invitations at once, please.", num=MAX_INVITATIONS), "addresses")
    report = InvitationReport(skipped=list(bad))
    seen = set()
    for number, email, name, year in good:
        existing_user = find_user_by_email(email)
        if email in seen:
            report.skipped.append((number, email, str(_l("listed twice"))))
        elif existing_user is not None and policy.is_member(existing_user):
            report.skipped.append((number, email, str(_l("already a member"))))
        elif _open_invitation(email) is not None:
            report.skipped.append((number, email, str(_l("already invited; use “Send again” in the list"))))
        else:
            invitation = Invitation(email=email, name=name, year=year, invited_by=actor)
            db.session.add(invitation)
            db.session.flush()
            _send_invitation(invitation)
            report.invited.append(email)
        seen.add(email)
    log.info("%s invited %s people (%s rows skipped)", actor.id, len(report.invited), len(report.skipped))
    return report


def recent_invitations(limit: int = 200) -> list[Invitation]:
    """The latest invitations with who sent them, newest first."""
    return list(db.session.scalars(select(Invitation).options(joinedload(Invitation.invited_by))
                                   .order_by(Invitation.created_at.desc()).limit(limit)))


def _open_invitation(email: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(
        Invitation.email == email, Invitation.status == InvitationStatus.PENDING,
        Invitation.sent_at > utcnow() - _lifetime()))


def _lifetime() -> timedelta:
    return timedelta(days=site.get("invitation_days"))


def invitation_state(invitation: Invitation) -> str:
    """pending, expired, accepted or revoked."""
    if invitation.status == InvitationStatus.PENDING and invitation.sent_at <= utcnow() - _lifetime():
        return "expired"
    return invitation.status


def _send_invitation(invitation: Invitation) -> None:
    token = make_token("invitation", {"iid": invitation.id, "n": invitation.send_count})
    queue_mail(invitation.email, "membership_invitation", invitation=invitation,
               inviter=invitation.invited_by.display_name if invitation.invited_by else "",
               url=links.invitation(token))


def resend(actor: User, invitation: Invitation) -> None:
    """Send a fresh link (older links stop working) and restart the expiry clock."""
    if not policy.can_invite(actor):
        raise PermissionDenied(_l("Only volunteers invite members."))
    if invitation.status != InvitationStatus.PENDING:
        raise DomainError(_l("Only open invitations can be sent again."))
    invitation.send_count += 1
    invitation.sent_at = utcnow()
    _send_invitation(invitation)


def revoke(actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation; its link stops working."""
    if not policy.can_invite(actor):
        raise PermissionDenied(_l("Only volunteers invite members."))
    if invitation.status == InvitationStatus.PENDING:
        invitation.status = InvitationStatus.REVOKED
        log.info("invitation %s revoked by %s", invitation.id, actor.id)


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a link, or InvalidToken saying why not."""
    payload = read_token("invitation", token)
    invitation = db.session.get(Invitation, payload.get("iid"))
    if invitation is None or payload.get("n") != invitation.send_count:
        raise InvalidToken(_l("This invitation link is no longer valid. Ask for a new one."))
    state = invitation_state(invitation)
    if state == InvitationStatus.ACCEPTED:
        raise InvalidToken(_l("This invitation has already been accepted."))
    if state == InvitationStatus.REVOKED:
        raise InvalidToken(_l("This invitation has been withdrawn."))
    if state == "expired":
        raise InvalidToken(_l("This invitation has expired. Ask for a new one."))
    return invitation


def accept(token: str, user: User | None, *, display_name: str = "", password: str = "",
           wants_news: bool = False) -> User:
    """Accept: a logged-in account is upgraded to member; otherwise a new, verified member account is made.
    `wants_news`: the news box was ticked, which starts the double opt-in."""
    invitation = invitation_for_token(token)
    existing = find_user_by_email(invitation.email)
    if user is None:
        if existing is not None:
            raise DomainError(_l("An account with this email address exists. Please log in first, then open "
                                 "the link again."))
        if display_name:
            screen_name(None, display_name)
        user = create_account(invitation.email, display_name or invitation.name, password, verified=True,
                              locale=str(get_locale()))
    elif normalise_email(user.email) != invitation.email:
        raise DomainError(_l("This invitation was sent to %(email)s. Please log in with that account.",
                             email=invitation.email))
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    if not user.is_verified:
        user.email_verified_at = utcnow()  # the link proved the mailbox
    if user.locale is None:
        user.locale = str(get_locale())  # mail to the new member comes in the language they joined in
    if not policy.is_member(user):
        apply_role(invitation.invited_by, user, Role.MEMBER, AuditAction.MEMBERSHIP_INVITED)
    if wants_news:
        mail_preferences.opt_in_to_news(user)
    log.info("invitation %s accepted by %s", invitation.id, user.id)
    return user
