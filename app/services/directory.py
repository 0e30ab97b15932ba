"""The member directory: opt-in entries, per-field privacy, search, and contact by mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app import policy
from app.database import after_commit
from app.extensions import db
from app.mail import links, queue_mail
from app.models.membership import PROFILE_FIELDS, MemberProfile
from app.models.user import User
from app.services import screening, uploads
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
PAGE_SIZE = 24
SCREENED_FIELDS = ("programme", "city", "employer", "position", "bio")  # what members write in their own words


def find_entry(user_id: int) -> MemberProfile | None:
    return db.session.get(MemberProfile, user_id)


def profile_of(user: User) -> MemberProfile:
    """The member's entry (a new, unlisted one if none exists yet)."""
    profile = db.session.get(MemberProfile, user.id)
    if profile is None:
        profile = MemberProfile(user_id=user.id, user=user, listed=False)
    return profile


@dataclass
class ProfileChanges:
    listed: bool
    programme: str
    year: int | None
    city: str
    employer: str
    position: str
    bio: str
    website: str
    social_url: str
    private_fields: set[str]
    photo: bytes | None = None
    remove_photo: bool = False


def save_profile(user: User, changes: ProfileChanges) -> MemberProfile:
    """Store one's own directory entry; a new photo is re-encoded to a small JPEG."""
    if not policy.is_member(user):
        raise PermissionDenied(_l("The directory is for members."))
    for name in ("website", "social_url"):
        value = getattr(changes, name)
        if value and not value.lower().startswith(("http://", "https://")):
            raise DomainError(_l("Please enter a web address starting with https://"), name)
    profile = profile_of(user)
    verdict = screening.screen(user, {name: getattr(changes, name) for name in SCREENED_FIELDS
                                      if getattr(changes, name) != getattr(profile, name)}, where=screening.PROFILE)
    for name in ("listed", "programme", "year", "city", "employer", "position", "bio", "website", "social_url"):
        setattr(profile, name, verdict.texts.get(name, getattr(changes, name)))
    profile.private_fields = ",".join(sorted(changes.private_fields & set(PROFILE_FIELDS)))
    if changes.photo is not None:
        jpeg = uploads.reencode_photo(changes.photo)
        _drop_photo_after_commit(profile.photo_name)
        profile.photo_name = uploads.store("photos", jpeg, "jpg", "image/jpeg", field="photo")
    elif changes.remove_photo:
        _drop_photo_after_commit(profile.photo_name)
        profile.photo_name = None
    db.session.add(profile)
    db.session.flush()
    screening.record(verdict, person=user)
    return profile


def _drop_photo_after_commit(name: str | None) -> None:
    if name:
        after_commit(lambda: uploads.delete("photos", name))


def search(viewer: User, *, name: str = "", year: int | None = None, city: str = "", employer: str = "",
           page: int = 1):
    """Listed entries matching the filters; private fields are never searched."""
    query = (select(MemberProfile).join(User, User.id == MemberProfile.user_id)
             .where(policy.listed_profiles(viewer)).options(contains_eager(MemberProfile.user)))

    def shared(field_name: str):
        return ~func.coalesce(MemberProfile.private_fields, "").contains(field_name)

    if name:
        query = query.where(func.lower(User.display_name).contains(name.lower()))
    if year:
        query = query.where(MemberProfile.year == year, shared("year"))
    if city:
        query = query.where(func.lower(MemberProfile.city).contains(city.lower()), shared("city"))
    if employer:
        query = query.where(func.lower(MemberProfile.employer).contains(employer.lower()), shared("employer"))
    return db.paginate(query.order_by(User.display_name, User.id), page=page, per_page=PAGE_SIZE, error_out=False)


def contact(sender: User, profile: MemberProfile, subject: str, message: str) -> None:
    """Mail a listed member with the sender as reply-to; the address itself is never shown."""
    if not policy.can_contact(sender, profile):
        raise PermissionDenied(_l("You cannot contact this member."))
    recipient = profile.user
    verdict = screening.screen(sender, {"subject": subject, "message": message}, where=screening.MESSAGE)
    subject, message = verdict.texts["subject"], verdict.texts["message"]
    # A flagged message goes out; the queue hears of the sender, not what was said (it was meant for one person).
    screening.record(verdict, person=sender)
    queue_mail(recipient.email, "member_contact", locale=recipient.locale, reply_to=sender.email,
               user=recipient, sender=sender.display_name, subject=subject.strip(), message=message,
               url=links.directory_profile(sender.id))
    log.info("member %s contacted member %s", sender.id, recipient.id)
