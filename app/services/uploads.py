"""Files people upload: checked by their content, stored outside static/ under random names."""

from __future__ import annotations

import io
import logging
import secrets
import warnings
from typing import IO

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from app import storage
from app.extensions import db
from app.models import Document, MemberProfile
from app.services.errors import DomainError

log = logging.getLogger(__name__)

# What a document may be, decided from the bytes (never from the name or the browser's claim).
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/x-ole-storage": "doc",
}
PHOTO_SIZE = (400, 400)


def read_limited(stream, limit: int, field: str = "file") -> bytes:
    """Read at most `limit` bytes; more is an error, not a silent cut."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_l("The file is too large (at most %(num)d MB).", num=limit // (1024 * 1024)), field)
    if not data:
        raise DomainError(_l("The file is empty."), field)
    return data


def document_type(data: bytes, field: str = "file") -> str:
    """The content type detected from the bytes, if it is one we accept."""
    kind = filetype.guess(data)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise DomainError(_l("This kind of file is not accepted. Please upload a PDF, an image or an office "
                             "document."), field)
    return kind.mime


def stored_file(kind: str, name: str | None) -> IO[bytes] | None:
    """The stored file, open for reading, or None when it is gone (the caller answers 404, not a server error).
    Raises StorageUnavailable when the store does not answer (503)."""
    if not name:
        return None
    return storage.current().open(f"{kind}/{name}")


def store(kind: str, data: bytes, extension: str, content_type: str, *, field: str = "file") -> str:
    """Keep the bytes under a new random name; a store that is down is the person's form error, not a 500."""
    name = f"{secrets.token_urlsafe(24)}.{extension}"
    try:
        storage.current().put(f"{kind}/{name}", data, content_type)
    except storage.StorageUnavailable as exc:
        log.error("could not store %s/%s: %s", kind, name, exc)
        raise DomainError(_l("The file could not be stored just now. Please try again in a few minutes."),
                          field) from exc
    return name


def reencode_photo(data: bytes) -> bytes:
    """Any image in, a small JPEG out: drops metadata (location!) and anything hidden in the file."""
    try:
        with warnings.catch_warnings():  # Pillow warns about the size on open; _check_pixels refuses it
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            check_pixels(image)
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            # JPEGs (most phone photos) are decoded at a fraction of their size: memory stays small.
            image.draft("RGB", (PHOTO_SIZE[0] * 2, PHOTO_SIZE[1] * 2))
            photo = image.convert("RGB")
            photo.thumbnail(PHOTO_SIZE)
            out = io.BytesIO()
            photo.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(_l("This is not an image we can read. Please upload a JPEG, PNG or WebP photo."),
                          "photo") from exc


def check_pixels(image) -> None:
    """Refuse before decoding: the size comes from the header, the pixels would take width x height x 4 bytes."""
    limit = current_app.config["IMAGE_MAX_PIXELS"]
    width, height = image.size
    if width * height > limit:
        raise DomainError(_l("This image is too large (%(width)d × %(height)d pixels). Please upload one of at most "
                             "%(mp)d megapixels.", width=width, height=height, mp=limit // 1_000_000), "photo")


def delete(kind: str, name: str | None) -> None:
    """Remove a file after its row is gone; a store that is down leaves an orphan (logged), never an error."""
    if name:
        storage.delete_quietly(f"{kind}/{name}")


def referenced_keys() -> set[str]:
    """The store keys the database points at (documents and directory photos): what a migration or a restore
    must bring along."""
    documents = {f"documents/{name}" for name in db.session.scalars(select(Document.stored_name))}
    photos = {f"photos/{name}" for name in db.session.scalars(
        select(MemberProfile.photo_name).where(MemberProfile.photo_name.is_not(None)))}
    return documents | photos


def missing_files() -> list[str]:
    """Referenced files the store does not have (each a 404 for the people who click them)."""
    store = storage.current()
    return sorted(key for key in referenced_keys() if not store.exists(key))
