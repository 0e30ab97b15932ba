"""The editable site pages (imprint, privacy policy, community guidelines)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.content import render_markdown
from app.extensions import db
from app.models.page import Page
from app.models.user import User


def find_page(slug: str, locale: str) -> Page | None:
    """The page in this language, else in the default language."""
    pages = db.session.scalars(select(Page).where(Page.slug == slug)).all()
    by_locale = {page.locale: page for page in pages}
    return by_locale.get(locale) or by_locale.get(current_app.config["BABEL_DEFAULT_LOCALE"])


def save_page(slug: str, locale: str, title: str, body: str, editor: User | None) -> Page:
    """Create or update one language version of a page."""
    page = db.session.scalar(select(Page).where(Page.slug == slug, Page.locale == locale))
    if page is None:
        page = Page(slug=slug, locale=locale)
        db.session.add(page)
    page.title = title.strip()
    page.body_source = body
    page.body_html = render_markdown(body)
    page.updated_by_id = editor.id if editor else None
    db.session.flush()
    return page
