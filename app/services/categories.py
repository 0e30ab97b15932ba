"""Categories of posts: listed in the feed's filter, chosen when writing, added by volunteers."""

from __future__ import annotations

import logging
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.extensions import db
from app.models.audit import AuditAction
from app.models.post import Category
from app.models.user import User
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.name)))


def find_category(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def slugify(name: str) -> str:
    """An address-friendly name: "Über uns" -> "uber-uns", "Straße" -> "strasse"."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "category"


def create_category(actor: User, name: str) -> Category:
    """Add a category (volunteers); a name whose address is taken is refused."""
    if not policy.can_manage_categories(actor):
        raise PermissionDenied(_l("Only volunteers add categories."))
    name = name.strip()
    slug = slugify(name)
    if find_category(slug) is not None:
        raise DomainError(_l("This category exists already."), "name")
    category = Category(name=name, slug=slug)
    db.session.add(category)
    db.session.flush()
    audit.record(actor, AuditAction.CATEGORY_CREATED, new_value=name)
    return category
