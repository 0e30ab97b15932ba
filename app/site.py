"""The association's own settings, changed by admins at run time (app.services.settings stores them).

Every setting is declared once here with its type, limits and default; the default comes from the
configuration, so an operator's environment still decides until an admin changes a value. Secrets and
infrastructure (database, Redis, SMTP, storage) are never settings.

Reading is cheap: all settings are one small table, read in one query and kept in each process for
SETTINGS_CACHE_SECONDS (other hosts see a change within that time; the process that saves sees it at once).
Within one request every read sees the same snapshot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

from app.extensions import db
from app.models.settings import SiteSetting


@dataclass(frozen=True)
class Setting:
    key: str
    kind: str  # text | bool | int | choice | color | rate | markdown | lines
    default: str | Callable[[Mapping], str] = ""
    minimum: int = 0
    maximum: int = 0  # for int: the range; for text: the length (0 = 500)
    choices: tuple[str, ...] = ()

    def default_for(self, config: Mapping) -> str:
        return self.default(config) if callable(self.default) else self.default


def _config(name: str, scale: int = 1) -> Callable[[Mapping], str]:
    return lambda config: str(int(config[name]) // scale) if scale != 1 else str(config[name])


REGISTRATION_MODES = ("open", "approval", "invitation")
MAIL_INTRO_KINDS = ("welcome", "invitation", "membership_accepted", "event_confirmation")
IMPRINT_FIELDS = ("imprint_organisation", "imprint_address", "imprint_represented_by", "imprint_register",
                  "imprint_vat_id", "imprint_phone", "imprint_responsible")
MB = 1024 * 1024

_DECLARED = [
    # the association
    Setting("site_name", "text", _config("SITE_NAME"), maximum=80),
    Setting("tagline", "text", maximum=200),
    Setting("contact_email", "text", maximum=254),
    Setting("default_locale", "choice", _config("BABEL_DEFAULT_LOCALE"), choices=("de", "en")),
    Setting("logo", "text", maximum=80),  # the stored logo's version ("" = none), see app.services.branding
    Setting("accent_color", "color", "#0b5cad"),
    # who may come in
    Setting("registration_mode", "choice", "open", choices=REGISTRATION_MODES),
    Setting("members_area", "bool", "1"),
    Setting("members_area_name_de", "text", maximum=60),
    Setting("members_area_name_en", "text", maximum=60),
    Setting("member_name_de", "text", maximum=60),
    Setting("member_name_en", "text", maximum=60),
    Setting("new_accounts_follow_events", "bool", "0"),
    # participation
    Setting("hold_first_posts", "bool", "0"),
    # ideas (app.services.ideas): members vote; with this on, registered alumni with a confirmed address too
    Setting("ideas_alumni_vote", "bool", "0"),
    # link spam: a post or comment with more links than this, from an account with fewer published posts and
    # comments than new_account_link_posts, is held for approval (0 published needed: the rule is off)
    Setting("new_account_link_limit", "int", "2", minimum=0, maximum=100),
    Setting("new_account_link_posts", "int", "3", minimum=0, maximum=100),
    Setting("posting_rate_limit", "rate", _config("POSTING_RATE_LIMIT"), maximum=100),
    Setting("contact_rate_limit", "rate", _config("CONTACT_RATE_LIMIT"), maximum=100),
    Setting("thread_page_size", "int", "50", minimum=5, maximum=500),
    Setting("comment_edit_minutes", "int", _config("COMMENT_EDIT_MINUTES"), minimum=0, maximum=10_080),
    Setting("invitation_days", "int", _config("INVITATION_TOKEN_MAX_AGE", 24 * 60 * 60), minimum=1, maximum=90),
    Setting("reminder_hours", "int", _config("REMINDER_HOURS"), minimum=1, maximum=336),
    Setting("attachment_max_mb", "int", _config("ATTACHMENT_MAX_BYTES", MB), minimum=1, maximum=50),
    Setting("document_max_mb", "int", _config("DOCUMENT_MAX_BYTES", MB), minimum=1, maximum=50),
    Setting("attachments_per_item", "int", _config("ATTACHMENTS_PER_ITEM"), minimum=1, maximum=30),
    Setting("uploads_per_hour", "int", _config("UPLOADS_PER_HOUR"), minimum=1, maximum=1000),
    # community flagging (app.services.flagging): how many reports hide content until a moderator looks at it
    Setting("flag_hide_threshold", "int", "3", minimum=0, maximum=50),
    # the first days of new accounts (app.services.new_account_limits); 0 days: no limits
    Setting("new_account_days", "int", "7", minimum=0, maximum=365),
    Setting("new_account_posts_per_day", "int", "10", minimum=1, maximum=1000),
    Setting("new_account_links_per_post", "int", "10", minimum=0, maximum=100),
    Setting("new_account_uploads_per_day", "int", "5", minimum=0, maximum=1000),
    # links in the footer: one "Label | https://…" per line
    Setting("footer_links", "lines", maximum=2000),
    Setting("social_links", "lines", maximum=2000),
    # the imprint's facts (§ 5 DDG), from which the imprint page is written
    *(Setting(key, "text", maximum=500) for key in IMPRINT_FIELDS),
    # an intro paragraph of system mails, per language (Markdown)
    *(Setting(f"mail_intro_{kind}_{locale}", "markdown", maximum=2000)
      for kind in MAIL_INTRO_KINDS for locale in ("de", "en")),
    # the watched words' version: changed with every change to the list, so every process compiles it anew
    # (app.services.screening); never shown in a form
    Setting("watched_words_version", "text", maximum=40),
    # the first-run setup: finished (or skipped) once
    Setting("setup_finished", "bool", "0"),
]
SETTINGS: dict[str, Setting] = {setting.key: setting for setting in _DECLARED}

_lock = threading.Lock()
_cache: dict[str, Any] = {"stored": None, "loaded_at": 0.0}


def _stored(fresh: bool = False) -> dict[str, str]:
    """The values admins stored, from the process cache or the database (one query)."""
    if has_request_context() and "site_settings" in g:
        return g.site_settings
    max_age = 0 if fresh else current_app.config.get("SETTINGS_CACHE_SECONDS", 5)
    with _lock:
        stored, loaded_at = _cache["stored"], _cache["loaded_at"]
    if stored is None or time.monotonic() - loaded_at > max_age:
        try:
            stored = {row.key: row.value for row in db.session.scalars(select(SiteSetting))}
        except (OperationalError, InterfaceError, ProgrammingError):
            # The database is away (or not migrated yet): the site runs on the defaults meanwhile.
            db.session.rollback()
            return {}
        with _lock:
            _cache["stored"], _cache["loaded_at"] = stored, time.monotonic()
    if has_request_context():
        g.site_settings = stored
    return stored


def raw(key: str) -> str:
    """The stored text of a setting, or its default."""
    setting = SETTINGS[key]
    stored = _stored() if has_app_context() else {}
    value = stored.get(key)
    return value if value is not None else setting.default_for(current_app.config)


def get(key: str) -> Any:
    """A setting's value in its type: bool, int or str."""
    kind, value = SETTINGS[key].kind, raw(key)
    if kind == "bool":
        return value == "1"
    if kind == "int":
        return int(value)
    return value


def byte_limit(key: str, config_key: str) -> int:
    """A size limit in bytes: an admin's value in MB once stored, else the configured bytes (exact)."""
    stored = _stored() if has_app_context() else {}
    return int(stored[key]) * MB if key in stored else int(current_app.config[config_key])


def localized(prefix: str, locale: str) -> str:
    """A per-language setting (e.g. members_area_name) in this language, or ""."""
    key = f"{prefix}_{locale}"
    return get(key) if key in SETTINGS else ""


def links(key: str) -> list[tuple[str, str]]:
    """A "lines" setting as (label, url) pairs."""
    pairs = []
    for line in raw(key).splitlines():
        label, _, url = line.partition("|")
        if label.strip() and url.strip():
            pairs.append((label.strip(), url.strip()))
    return pairs


def read_fresh() -> None:
    """This request reads the settings from the database, not the cache: the admin who just saved them on
    one worker process may be served by another next."""
    if has_request_context():
        g.pop("site_settings", None)
    _stored(fresh=True)


def forget() -> None:
    """Drop the cached values: the next read asks the database (after a save, and between tests)."""
    with _lock:
        _cache["stored"], _cache["loaded_at"] = None, 0.0
    if has_request_context():
        g.pop("site_settings", None)
