"""The first days of a new account, in the spirit of Discourse's trust level 0 but without a points game: for
`new_account_days` after registering, an account writes at most so many posts and comments a day, puts at most
so many links into each, and uploads at most so many photos and files a day (Administration → Settings →
Participation). Members (let in by a person), volunteers and admins are exempt (policy.skips_new_account_limits).

A day is a calendar day in the site's time zone: what "you can write again tomorrow" means to the person.
`count_links` is the one place that counts the links of a text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy, site
from app.content import render_markdown
from app.extensions import db
from app.models.attachment import Attachment
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import User
from app.services.errors import DomainError

_LINK = re.compile(r"<a\s[^>]*\bhref=", re.IGNORECASE)


def count_links(source: str) -> int:
    """How many links a Markdown text shows its readers: `[text](url)`, `<url>`, bare addresses and domain names
    alike. Counted in the rendered HTML, so whatever the renderer turns into a link counts, and nothing else."""
    return len(_LINK.findall(render_markdown(source or "")))


def limited_until(user: User) -> datetime | None:
    """When the account stops being new; None when the limits do not apply to it (exempt, old enough, or off)."""
    days = site.get("new_account_days")
    if days <= 0 or policy.skips_new_account_limits(user):
        return None
    until = user.created_at + timedelta(days=days)
    return until if until > utcnow() else None


def start_of_today() -> datetime:
    """Midnight of today in the site's time zone: where the daily counts start again."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)


def check_links(user: User, source: str, field: str = "body") -> None:
    """Too many links for a new account: refused at the field, so the form keeps the text."""
    until = limited_until(user)
    allowed = site.get("new_account_links_per_post")
    if until is None or count_links(source) <= allowed:
        return
    if allowed == 0:
        raise DomainError(_l("New accounts cannot add links yet (until %(date)s). Please remove the links; your text "
                             "is kept.", date=format_date(until, "long")), field)
    raise DomainError(lazy_ngettext(
        "New accounts can add at most %(num)d link to a post or comment (until %(date)s). Please remove the others; "
        "your text is kept.",
        "New accounts can add at most %(num)d links to a post or comment (until %(date)s). Please remove the others; "
        "your text is kept.", allowed, date=format_date(until, "long")), field)


def check_daily(user: User, field: str = "body") -> None:
    """Posts, comments and offers of today (held and deleted ones count too) against the new accounts' daily
    number."""
    until = limited_until(user)
    if until is None:
        return
    allowed, today = site.get("new_account_posts_per_day"), start_of_today()
    written = sum(db.session.scalar(select(func.count()).select_from(model).where(
        model.author_id == user.id, model.created_at >= today)) or 0 for model in (Post, Comment, Opportunity))
    if written >= allowed:
        raise DomainError(lazy_ngettext(
            "New accounts can write %(num)d post or comment a day (until %(date)s). You can publish this tomorrow; "
            "your text is kept.",
            "New accounts can write %(num)d posts and comments a day (until %(date)s). You can publish this "
            "tomorrow; your text is kept.", allowed, date=format_date(until, "long")), field)


def check_uploads(user: User, count: int, field: str = "files") -> None:
    """`count` more photos and files today, against the new accounts' daily number (0: none at all)."""
    until = limited_until(user)
    if until is None or count <= 0:
        return
    allowed = site.get("new_account_uploads_per_day")
    if allowed == 0:
        raise DomainError(_l("New accounts cannot upload photos or files yet (until %(date)s).",
                             date=format_date(until, "long")), field)
    uploaded = db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.owner_id == user.id, Attachment.created_at >= start_of_today())) or 0
    if uploaded + count > allowed:
        raise DomainError(lazy_ngettext(
            "New accounts can upload %(num)d photo or file a day (until %(date)s). Please try again tomorrow.",
            "New accounts can upload %(num)d photos and files a day (until %(date)s). Please try again tomorrow.",
            allowed, date=format_date(until, "long")), field)
