"""People's profile pages and faces: what a profile shows to whom, the person's own choices, and avatars
(an uploaded picture, re-encoded and stripped like every photo, or one generated from initials; never a
third-party service)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from html import escape

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy, storage
from app.database import after_commit
from app.extensions import db
from app.models.membership import PROFILE_FIELDS, MemberProfile
from app.models.post import Comment, Post
from app.models.user import ProfileVisibility, User
from app.services import attachments, screening, uploads
from app.services.errors import DomainError

log = logging.getLogger(__name__)
AVATAR_SIZES = (64, 256)
ACTIVITY_LIMIT = 20


def person_by_handle(handle: str) -> User | None:
    return db.session.scalar(select(User).where(User.handle == handle.lower()[:30])) if handle else None


@dataclass
class Activity:
    posts: list[Post]
    comments: list[Comment]


def activity(viewer, person: User) -> Activity:
    """What the person wrote that the viewer may read (the feeds' and search's own clauses), newest first."""
    if not person.show_activity and not (viewer is not None and viewer.is_authenticated and viewer.id == person.id):
        return Activity([], [])
    posts = db.session.scalars(select(Post).where(Post.author_id == person.id, policy.searchable_posts(viewer))
                               .order_by(Post.created_at.desc()).limit(ACTIVITY_LIMIT)).all()
    comments = db.session.scalars(
        select(Comment).join(Post, Post.id == Comment.post_id)
        .where(Comment.author_id == person.id, policy.searchable_comments(viewer))
        .options(joinedload(Comment.post)).order_by(Comment.created_at.desc()).limit(ACTIVITY_LIMIT)).all()
    return Activity(list(posts), list(comments))


def directory_fields(viewer, person: User) -> list[tuple[str, str]]:
    """The member-directory fields the person shares with this viewer (none for non-members), in order."""
    entry = db.session.get(MemberProfile, person.id)
    if entry is None:
        return []
    shown = policy.visible_profile_fields(viewer, entry)
    return [(name, str(getattr(entry, name))) for name in PROFILE_FIELDS
            if name in shown and name != "photo" and getattr(entry, name)]


def update(person: User, *, bio: str, visibility: ProfileVisibility, show_activity: bool) -> None:
    if bio.strip() != person.bio:
        verdict = screening.screen(person, {"bio": bio}, where=screening.PROFILE)
        person.bio = verdict.texts["bio"].strip()[:500]
        screening.record(verdict, person=person)
    person.profile_visibility = visibility
    person.show_activity = show_activity


# ---------------------------------------------------------------- avatars


def initials(name: str) -> str:
    parts = [part for part in name.replace("-", " ").split() if part[:1].isalnum()]
    letters = "".join(part[0] for part in parts[:2]) or (name[:1] if name else "?")
    return letters.upper()


def colour(user_id: int) -> str:
    """A stable colour per person, dark enough for white initials (contrast above 4.5:1)."""
    hue = int(hashlib.sha256(str(user_id).encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue}, 55%, 32%)"


def generated_avatar(person: User) -> str:
    """An SVG with the person's initials: drawn by us, no third party, nothing but shapes and text."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img">'
            f'<rect width="64" height="64" rx="32" fill="{colour(person.id)}"/>'
            '<text x="32" y="33" text-anchor="middle" dominant-baseline="central" fill="#fff" '
            'font-family="system-ui, sans-serif" font-size="26" font-weight="600">'
            f"{escape(initials(person.display_name))}</text></svg>")


def avatar_key(person: User, size: int) -> str:
    return f"avatars/{person.avatar_name}-{size}.webp"


def set_avatar(person: User, stream) -> None:
    """Store an uploaded picture (decoded within the pixel limit, upright, no metadata, square WebP)."""
    data = uploads.read_limited(stream, current_app.config["PHOTO_MAX_BYTES"], "avatar")
    try:
        square = attachments.square_variants(data, AVATAR_SIZES)
    except DomainError as error:
        raise DomainError(error.message, "avatar") from error
    old, person.avatar_name = person.avatar_name, secrets.token_urlsafe(18)
    try:
        for size, blob in square.items():
            storage.current().put(avatar_key(person, size), blob, "image/webp")
    except storage.StorageUnavailable as exc:
        person.avatar_name = old
        raise DomainError(_l("The file could not be stored just now. Please try again in a few minutes."),
                          "avatar") from exc
    if old:
        after_commit(lambda: _delete_avatar_files(old))


def remove_avatar(person: User) -> None:
    old, person.avatar_name = person.avatar_name, None
    if old:
        after_commit(lambda: _delete_avatar_files(old))


def _delete_avatar_files(name: str) -> None:
    for size in AVATAR_SIZES:
        storage.delete_quietly(f"avatars/{name}-{size}.webp")
