"""Photos and files for posts, comments and events: checked, made safe, stored, attached, cleaned up.

Images are decoded within IMAGE_MAX_PIXELS (the size is read from the header first: no decompression bomb),
turned upright from their EXIF orientation, and re-encoded to WebP in up to three widths. Nothing of the
original file is kept: no EXIF (GPS, camera, owner), no ICC or XMP, nothing hidden after the image data.
Animated GIFs become a still of their first frame. iPhone HEIC photos are read through pillow-heif.
Other files (PDF, office formats) are checked by their bytes like the members' documents.
"""

from __future__ import annotations

import io
import logging
import secrets
import warnings
from collections.abc import Iterable
from datetime import timedelta

import pillow_heif
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from app import policy, site, storage
from app.database import after_commit
from app.extensions import db
from app.models.attachment import Attachment, AttachmentKind
from app.models.audit import AuditAction
from app.models.types import utcnow
from app.models.user import User
from app.services import audit, new_account_limits, uploads
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
pillow_heif.register_heif_opener()

WIDTHS = (320, 960, 1920)
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"}
FIELD = "files"


def _refuse(message, **values) -> DomainError:
    return DomainError(_l(message, **values), FIELD)


def decode_image(data: bytes, name: str) -> Image.Image:
    """The image, upright, in RGB(A), at most as large as the widest variant needs (JPEGs are decoded at a
    reduced scale: a 12-megapixel photo never takes 48 MB of pixels)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        if image.format not in IMAGE_FORMATS:
            raise _refuse("“%(name)s” is not a photo we accept. Please use JPEG, PNG, WebP, GIF or HEIC.", name=name)
        uploads.check_pixels(image)
        width, height = image.size
        if image.format in ("JPEG", "MPO"):
            scale = min(1.0, WIDTHS[-1] / max(width, height))
            image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
        image.seek(0)  # an animation: its first frame
        image.load()
        upright = ImageOps.exif_transpose(image)
        return upright.convert("RGBA" if upright.mode in ("RGBA", "LA", "P") and _has_alpha(upright) else "RGB")
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, EOFError) as exc:
        raise _refuse("“%(name)s” could not be read as an image (damaged or incomplete?).", name=name) from exc


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA") or "transparency" in image.info


def variants(data: bytes, name: str) -> tuple[dict[int, bytes], tuple[int, int]]:
    """WebP bytes per width (the widths smaller than the photo, and the photo's own up to the largest), and
    the size of the largest."""
    image = decode_image(data, name)
    width, height = image.size
    wanted = [w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]
    made, largest = {}, (width, height)
    for target in dict.fromkeys(wanted):
        copy = image.copy()
        copy.thumbnail((target, 10 * target), Image.Resampling.LANCZOS)
        copy.info = {}  # nothing of the original's metadata travels along
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=80, method=4)
        made[target] = out.getvalue()
        largest = copy.size
    return made, largest


def _recent_uploads(owner: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.owner_id == owner.id, Attachment.created_at >= since)) or 0


def upload(owner: User, files: Iterable[tuple[str, object]], already: int = 0) -> list[Attachment]:
    """Store each (file name, stream) as a draft of `owner`; the first that fails stops with its message (those
    before it stay, each complete). `already`: attachments the item has, for the per-item limit."""
    files = [(name, stream) for name, stream in files if name]
    per_item = site.get("attachments_per_item")
    if already + len(files) > per_item:
        raise _refuse("At most %(num)d photos and files per post, comment or event.", num=per_item)
    if _recent_uploads(owner) + len(files) > site.get("uploads_per_hour"):
        raise _refuse("You have uploaded many files in the last hour. Please wait a little.")
    new_account_limits.check_uploads(owner, len(files), FIELD)
    stored: list[Attachment] = []
    try:
        for position, (name, stream) in enumerate(files, start=already):
            data = uploads.read_limited(stream, site.byte_limit("attachment_max_mb", "ATTACHMENT_MAX_BYTES"), FIELD)
            stored.append(_store_one(owner, name[:255], data, position))
    except DomainError as error:
        error.stored = stored  # type: ignore[attr-defined]  # the files before this one are complete drafts
        raise
    return stored


def _store_one(owner: User, name: str, data: bytes, position: int) -> Attachment:
    stored_name = secrets.token_urlsafe(24)
    attachment = Attachment(owner_id=owner.id, original_name=name, stored_name=stored_name, position=position)
    if _looks_like_image(data):
        made, (width, height) = variants(data, name)
        attachment.kind, attachment.content_type = AttachmentKind.IMAGE, "image/webp"
        attachment.width, attachment.height = width, height
        attachment.widths = ",".join(str(w) for w in made)
        attachment.size = len(made[max(made)])
        _put_all(attachment, {attachment.key(w): blob for w, blob in made.items()}, "image/webp")
    else:
        content_type = uploads.document_type(data, FIELD)
        attachment.kind, attachment.content_type, attachment.size = AttachmentKind.FILE, content_type, len(data)
        _put_all(attachment, {attachment.key(): data}, content_type)
    db.session.add(attachment)
    db.session.flush()
    log.info("attachment %s (%s, %s bytes) uploaded by %s", attachment.id, attachment.kind, attachment.size, owner.id)
    return attachment


def _looks_like_image(data: bytes) -> bool:
    head = data[:32]
    return (head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8")) or head[8:12] == b"WEBP"
            or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc"))


def _put_all(attachment: Attachment, blobs: dict[str, bytes], content_type: str) -> None:
    """All variants or none: a store failing half-way removes what it took."""
    done = []
    try:
        for key, blob in blobs.items():
            storage.current().put(key, blob, content_type)
            done.append(key)
    except storage.StorageUnavailable as exc:
        for key in done:
            storage.delete_quietly(key)
        log.error("could not store attachment %s: %s", attachment.stored_name, exc)
        raise _refuse("The file could not be stored just now. Please try again in a few minutes.") from exc


def delete_files(attachment: Attachment) -> None:
    keys = [attachment.key(w) for w in attachment.available_widths] if attachment.is_image else [attachment.key()]
    for key in keys:
        storage.delete_quietly(key)


# ---------------------------------------------------------------- attaching


def _target_clause(post=None, comment=None, event=None):
    if post is not None:
        return Attachment.post_id == post.id
    if comment is not None:
        return Attachment.comment_id == comment.id
    if event is not None:
        return Attachment.event_id == event.id
    return None


def of(post=None, comment=None, event=None) -> list[Attachment]:
    """What is attached to one post, comment or event, in its order."""
    clause = _target_clause(post, comment, event)
    if clause is None:
        return []
    return list(db.session.scalars(select(Attachment).where(clause).order_by(Attachment.position, Attachment.id)))


def of_post_and_comments(post, comment_ids: list[int]) -> tuple[list[Attachment], dict[int, list[Attachment]]]:
    """A post's own photos and files and those of the given comments (a thread's slice), in one query; hidden
    ones of comments are left out."""
    clause = Attachment.post_id == post.id
    if comment_ids:
        clause = clause | (Attachment.comment_id.in_(comment_ids) & Attachment.hidden_at.is_(None))
    own: list[Attachment] = []
    by_comment: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(select(Attachment).where(clause)
                                         .order_by(Attachment.position, Attachment.id)):
        if attachment.post_id == post.id:
            own.append(attachment)
        else:
            by_comment.setdefault(attachment.comment_id or 0, []).append(attachment)
    return own, by_comment


def editable(owner: User, ids: Iterable[int], post=None, comment=None, event=None) -> list[Attachment]:
    """The attachments a form carries (its hidden ids): drafts of `owner`, or already on this item. Anything
    else named there (someone else's, another post's) is ignored."""
    wanted = [i for i in ids if 0 < i < 2**31]
    if not wanted:
        return []
    found = db.session.scalars(select(Attachment).where(Attachment.id.in_(wanted))).all()
    return sorted((a for a in found if (a.is_draft and a.owner_id == owner.id) or _belongs(a, post, comment, event)),
                  key=lambda a: wanted.index(a.id))


def _belongs(attachment: Attachment, post, comment, event) -> bool:
    return ((post is not None and attachment.post_id == post.id)
            or (comment is not None and attachment.comment_id == comment.id)
            or (event is not None and attachment.event_id == event.id))


def describe(attachments: list[Attachment], alt_texts: dict[int, str], removed: set[int]) -> list[Attachment]:
    """Apply the form's alt texts and removals; what stays, in order. Removed drafts are deleted at once."""
    kept = []
    for attachment in attachments:
        if attachment.id in removed:
            remove(attachment)
            continue
        attachment.alt_text = " ".join((alt_texts.get(attachment.id) or "").split())[:300]
        kept.append(attachment)
    return kept


def missing_descriptions(attachments: list[Attachment]) -> list[Attachment]:
    return [a for a in attachments if a.is_image and not a.alt_text]


def require_descriptions(attachments: list[Attachment]) -> None:
    if missing_descriptions(attachments):
        raise _refuse("Please describe each photo in a few words (for people who cannot see it).")


def attach(attachments: list[Attachment], post=None, comment=None, event=None, start: int = 0) -> None:
    """Put the attachments on the item, in the form's order (after `start` others)."""
    for position, attachment in enumerate(attachments, start=start):
        attachment.post_id = post.id if post is not None else None
        attachment.comment_id = comment.id if comment is not None else None
        attachment.event_id = event.id if event is not None else None
        attachment.position = position
        attachment.attached_at = attachment.attached_at or utcnow()


def remove(attachment: Attachment) -> None:
    """Delete an attachment and (after the commit) its files."""
    db.session.delete(attachment)
    after_commit(lambda: delete_files(attachment))


def set_hidden(actor: User, attachment: Attachment, hidden: bool) -> None:
    """Moderators hide a photo or file (everyone else gets a 404 for it), or show it again; audited."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    if hidden == (attachment.hidden_at is not None):
        return
    attachment.hidden_at = utcnow() if hidden else None
    audit.record(actor, AuditAction.ATTACHMENT_HIDDEN if hidden else AuditAction.ATTACHMENT_RESTORED,
                 subject_id=attachment.owner_id, new_value=f"attachment:{attachment.id}")


def clean_up_drafts() -> int:
    """Delete drafts older than a day (uploads started and never attached): the worker's nightly job."""
    old = db.session.scalars(select(Attachment).where(
        Attachment.post_id.is_(None), Attachment.comment_id.is_(None), Attachment.event_id.is_(None),
        Attachment.created_at < utcnow() - timedelta(days=1))).all()
    for attachment in old:
        remove(attachment)
    return len(old)


def square_variants(data: bytes, sizes: Iterable[int]) -> dict[int, bytes]:
    """A face for avatars: the centre square of the picture, upright and without metadata, as WebP per size."""
    image = decode_image(data, "avatar")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    made = {}
    for size in sizes:
        copy = square.resize((size, size), Image.Resampling.LANCZOS)
        copy.info = {}
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=82)
        made[size] = out.getvalue()
    return made
