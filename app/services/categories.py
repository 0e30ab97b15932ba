"""Categories of posts: listed in the feed's filter, chosen when writing, added by volunteers."""

from __future__ import annotations

import logging
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.extensions import db
from app.models.audit import AuditAction
from app.models.post import Category
from app.models.types import utcnow
from app.models.user import User
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)


def all_categories(*, archived: bool = False, keep: Category | None = None) -> list[Category]:
    """In the order volunteers chose; archived ones only when asked for (or `keep`, a post's own)."""
    query = select(Category).order_by(Category.position, Category.name)
    if not archived:
        query = query.where(Category.archived_at.is_(None) | (Category.id == (keep.id if keep else None)))
    return list(db.session.scalars(query))


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
    last = db.session.scalar(select(func.max(Category.position))) or 0
    category = Category(name=name, slug=slug, position=last + 1)
    db.session.add(category)
    db.session.flush()
    audit.record(actor, AuditAction.CATEGORY_CREATED, new_value=name)
    return category


def _check(actor: User) -> None:
    if not policy.can_manage_categories(actor):
        raise PermissionDenied(_l("Only volunteers change categories."))


def rename_category(actor: User, category: Category, name: str) -> None:
    """A new name; the address stays, so links and followers keep working."""
    _check(actor)
    name = name.strip()
    if name == category.name:
        return
    clash = db.session.scalar(select(Category).where(func.lower(Category.name) == name.lower(),
                                                     Category.id != category.id))
    if clash is not None:
        raise DomainError(_l("This category exists already."), "name")
    audit.record(actor, AuditAction.CATEGORY_CHANGED, old_value=category.name, new_value=name)
    category.name = name


def move_category(actor: User, category: Category, step: int) -> None:
    """One place up (-1) or down (+1) in the order everyone sees."""
    _check(actor)
    ordered = all_categories(archived=True)
    index = next(i for i, c in enumerate(ordered) if c.id == category.id)
    target = index + step
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered, start=1):
        each.position = position  # renumbered: positions from before ordering existed may tie
    audit.record(actor, AuditAction.CATEGORY_CHANGED, new_value=f"{category.name}: {'up' if step < 0 else 'down'}")


def set_archived(actor: User, category: Category, archived: bool) -> None:
    """Archived: not offered for new posts nor in the filters; its posts keep it and its address still works."""
    _check(actor)
    if (category.archived_at is not None) == archived:
        return
    category.archived_at = utcnow() if archived else None
    audit.record(actor, AuditAction.CATEGORY_CHANGED,
                 new_value=f"{category.name}: {'archived' if archived else 'restored'}")
