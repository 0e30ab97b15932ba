"""What every template can use: the policy, the site name, languages, date formatting."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_time as babel_time
from babel.dates import format_timedelta as babel_timedelta
from flask import Flask, current_app, g, request
from flask_babel import format_date, format_datetime, format_time, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from app import policy, site
from app.entry_html import event_entry, feed_entry
from app.header_html import site_header
from app.i18n import LANGUAGE_NAMES, MAIL_KIND_LABELS, PAGE_TITLES, REPORT_REASON_LABELS, ROLE_LABELS
from app.models.types import utcnow
from app.models.user import Role
from app.services import mail_texts
from app.services.approval import waiting_count
from app.services.membership import pending_count
from app.services.notifications import unread_count
from app.services.pages import missing_legal_pages
from app.services.review_queue import moderation_count
from app.sharing import share_links


def format_when(value: datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def format_event_time(value: datetime | None, event, style: str = "medium") -> str:
    """In the event's own time zone and the viewer's language: a date ("full" adds the weekday), the
    time without seconds, and the zone's name only when it is not the site's own."""
    if not value:
        return ""
    local = value.astimezone(ZoneInfo(event.timezone))
    locale = get_locale()
    text = f"{babel_date(local, 'full' if style == 'full' else 'medium', locale=locale)}, " \
           f"{babel_time(local, 'short', locale=locale)}"
    if event.timezone != current_app.config["BABEL_DEFAULT_TIMEZONE"]:
        text += f" ({event.timezone})"
    return text


class DateTexts:
    """Dates of one rendered page in its language and zone, looked up once per page rather than once
    per date (a thread can show thousands). Made fresh for every render, so mail rendered in another
    language inside a request gets its own."""

    def __init__(self):
        self._ready = False
        self._relative: dict[int, str] = {}

    def _setup(self) -> None:
        self._locale, self._tz, self._now, self._ready = get_locale(), get_timezone(), utcnow(), True

    def absolute(self, value: datetime) -> str:
        if not self._ready:
            self._setup()
        return babel_datetime(value, "medium", tzinfo=self._tz, locale=self._locale)

    def relative(self, value: datetime) -> str:
        if not self._ready:
            self._setup()
        seconds = (value - self._now).total_seconds()
        if abs(seconds) < 60:
            return _("just now")
        # Rounded to the unit the text will name, so a page's hundreds of dates need a few dozen formattings.
        unit = 86_400 if abs(seconds) >= 86_400 else 3_600 if abs(seconds) >= 3_600 else 60
        rounded = int(round(seconds / unit) * unit)
        text = self._relative.get(rounded)
        if text is None:
            text = babel_timedelta(timedelta(seconds=rounded), add_direction=True, granularity="minute",
                                   locale=self._locale)
            self._relative[rounded] = text
        return text


def format_day(value: datetime | None) -> str:
    return format_date(value, "long") if value else ""


def format_until(value: datetime | None) -> str:
    """The end of a silence or suspension: the day and the time (a "7 days" silence ends at the time it began)."""
    return f"{format_date(value, 'long')}, {format_time(value, 'short')}" if value else ""


def format_ago(value: datetime | None) -> str:
    """The `ago` filter: one date, the same text as `DateTexts.relative` gives a whole page."""
    return DateTexts().relative(value) if value else ""


def _moderation_count() -> int:
    """What waits for moderators (reported things, held posts and comments), for their link in the header (one
    query, only for moderators)."""
    if g.get("database_unavailable"):
        return 0
    return moderation_count(current_user)


def report_reasons(stored: str | None) -> str:
    """The `report_reasons` filter: stored reasons ("spam,abuse") as the viewer reads them."""
    return ", ".join(str(REPORT_REASON_LABELS.get(reason, reason)) for reason in (stored or "").split(",") if reason)


def login_return_path() -> str | None:
    """Where "Log in" brings the person back to: this page (GET only, never an account page itself)."""
    if not request or request.method != "GET" or request.blueprint == "auth":
        return None
    return request.full_path.rstrip("?")


def members_area_name() -> str:
    """What this association calls its members area, in the page's language."""
    return site.localized("members_area_name", str(get_locale())) or _("Members area")


def role_labels() -> dict:
    """The roles' names, with "member" as this association calls its members."""
    member = site.localized("member_name", str(get_locale()))
    return {**ROLE_LABELS, Role.MEMBER: member} if member else ROLE_LABELS


def _legal_pages_missing() -> list[str]:
    """For the admins' banner: imprint or privacy policy not yet written."""
    if g.get("database_unavailable") or not policy.can_edit_pages(current_user):
        return []
    return missing_legal_pages()


def _accounts_waiting() -> int:
    if g.get("database_unavailable") or site.get("registration_mode") != "approval":
        return 0  # in the other modes nobody waits: no query
    return waiting_count(current_user)


def _unread_notifications() -> int:
    if g.get("database_unavailable"):
        return 0
    return unread_count(current_user)


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["until"] = format_until
    app.jinja_env.filters["event_time"] = format_event_time
    app.jinja_env.filters["ago"] = format_ago
    app.jinja_env.filters["report_reasons"] = report_reasons
    # Globals rather than context: mail is rendered by the worker too, outside any request.
    app.jinja_env.globals["site"] = site
    app.jinja_env.globals["mail_intro"] = mail_texts.intro
    app.jinja_env.globals["feed_entry"] = feed_entry
    app.jinja_env.globals["event_entry"] = event_entry
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.filters["iso"] = lambda value: value.isoformat() if value else ""

    @app.context_processor
    def globals_for_templates():
        return {
            "policy": policy,
            "site_name": site.get("site_name"),
            "members_area_name": members_area_name,
            "legal_pages_missing": _legal_pages_missing,
            "accounts_waiting": _accounts_waiting,
            "language_names": LANGUAGE_NAMES,
            "role_labels": role_labels(),
            "page_titles": PAGE_TITLES,
            "current_locale": str(get_locale()),
            "database_unavailable": g.get("database_unavailable", False),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "share_links": share_links,
            "login_return_path": login_return_path,
            "pending_applications": lambda: pending_count(current_user),
            "moderation_count": _moderation_count,
            "unread_notifications": _unread_notifications,
            "dates": DateTexts(),
            "kind_labels": MAIL_KIND_LABELS,
        }
