"""The editable site pages (imprint, privacy policy, community guidelines)."""

from __future__ import annotations

from sqlalchemy import select

from app import site
from app.content import render_markdown
from app.extensions import db
from app.models.audit import AuditAction
from app.models.page import Page
from app.models.user import User
from app.services import audit


def find_page(slug: str, locale: str) -> Page | None:
    """The page in this language, else in the default language."""
    pages = db.session.scalars(select(Page).where(Page.slug == slug)).all()
    by_locale = {page.locale: page for page in pages}
    return by_locale.get(locale) or by_locale.get(site.get("default_locale"))


def page_in(slug: str, locale: str) -> Page | None:
    """Exactly this language version, or None (for the editor)."""
    return db.session.scalar(select(Page).where(Page.slug == slug, Page.locale == locale))


def all_pages() -> dict[tuple[str, str], Page]:
    """Every written page by (slug, locale), for the admins' list."""
    return {(page.slug, page.locale): page for page in db.session.scalars(select(Page))}


def save_page(slug: str, locale: str, title: str, body: str, editor: User | None) -> Page:
    """Create or update one language version of a page (editor None: the command line)."""
    page = page_in(slug, locale)
    if page is None:
        page = Page(slug=slug, locale=locale)
        db.session.add(page)
    page.title = title.strip()
    page.body_source = body
    page.body_html = render_markdown(body)
    page.updated_by_id = editor.id if editor else None
    db.session.flush()
    audit.record(editor, AuditAction.PAGE_EDITED, new_value=f"{slug}/{locale}")
    return page


LEGAL_PAGES = ("imprint", "privacy")  # German law wants both reachable from every page


def missing_legal_pages() -> list[str]:
    """The legal pages not yet written in the site's default language (one query)."""
    written = set(db.session.scalars(select(Page.slug).where(
        Page.slug.in_(LEGAL_PAGES), Page.locale == site.get("default_locale"), Page.body_source != "")))
    return [slug for slug in LEGAL_PAGES if slug not in written]
