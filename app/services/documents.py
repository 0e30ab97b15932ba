"""Documents for members: upload (volunteers), list, download, delete."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy, site
from app.database import after_commit
from app.extensions import db
from app.models.membership import Document
from app.models.user import User
from app.services import uploads
from app.services.errors import PermissionDenied

log = logging.getLogger(__name__)


def listing() -> list[Document]:
    """All documents, newest first, with who uploaded them."""
    return list(db.session.scalars(select(Document).options(joinedload(Document.uploaded_by))
                                   .order_by(Document.created_at.desc())))


def upload(uploader: User, *, title: str, description: str, filename: str, stream) -> Document:
    """Store a file for members, after checking what it really is."""
    if not policy.can_manage_documents(uploader):
        raise PermissionDenied(_l("Only volunteers upload documents."))
    data = uploads.read_limited(stream, site.byte_limit("document_max_mb", "DOCUMENT_MAX_BYTES"))
    content_type = uploads.document_type(data)
    stored = uploads.store("documents", data, uploads.DOCUMENT_TYPES[content_type], content_type)
    document = Document(title=title.strip(), description=description.strip(), original_name=filename[:255] or "file",
                        stored_name=stored, content_type=content_type, size=len(data), uploaded_by=uploader)
    db.session.add(document)
    db.session.flush()
    log.info("document %s (%s, %s bytes) uploaded by %s", document.id, content_type, len(data), uploader.id)
    return document


def delete(actor: User, document: Document) -> None:
    """Remove a document and its file."""
    if not policy.can_manage_documents(actor):
        raise PermissionDenied(_l("Only volunteers delete documents."))
    stored_name = document.stored_name
    db.session.delete(document)
    after_commit(lambda: uploads.delete("documents", stored_name))
    log.info("document %s deleted by %s", document.id, actor.id)
