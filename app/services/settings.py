"""Admins change the association's settings (declared in app.site); every change is validated and audited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from limits import parse_many

from app import policy, site
from app.extensions import db
from app.models.audit import AuditAction
from app.models.settings import SiteSetting
from app.models.user import User
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
AUDIT_TEXT = 200  # long texts (mail intros, links) are shortened in the audit log


def as_text(key: str, value: Any) -> str:
    """The stored form of a value, checked against its declaration; DomainError(field) names what is wrong."""
    setting = site.SETTINGS[key]
    if setting.kind == "bool":
        return "1" if value else "0"
    if setting.kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise DomainError(_l("Please enter a whole number."), field=key) from None
        if not setting.minimum <= number <= setting.maximum:
            raise DomainError(_l("Please enter a number from %(min)d to %(max)d.", min=setting.minimum,
                                 max=setting.maximum), field=key)
        return str(number)
    text = str(value or "").strip().replace("\r\n", "\n")
    if len(text) > (setting.maximum or 500):
        raise DomainError(_l("Use at most %(max)d characters.", max=setting.maximum or 500), field=key)
    if setting.kind == "choice" and text not in setting.choices:
        raise DomainError(_l("Please choose one of the options."), field=key)
    if setting.kind == "color" and not COLOR_RE.match(text):
        raise DomainError(_l("Please enter a colour like #0b5cad."), field=key)
    if setting.kind == "rate":
        _check_rate(key, text)
    if setting.kind == "lines":
        _check_links(key, text)
    return text.lower() if setting.kind == "color" else text


def _check_rate(key: str, text: str) -> None:
    try:
        parsed = parse_many(text)
    except ValueError:
        parsed = []
    if not parsed:
        raise DomainError(_l('Please write limits like "10 per minute; 100 per day".'), field=key)


def _check_links(key: str, text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, bar, url = line.partition("|")
        url = url.strip()
        if not bar or not label.strip() or not url.startswith(("https://", "http://")) or " " in url:
            raise DomainError(_l('Line %(number)d: write "Label | https://address".', number=number), field=key)


def save(actor: User | None, values: Mapping[str, Any]) -> list[str]:
    """Store the given settings (actor None: the command line); returns the keys that changed. Nothing is
    stored when any value is invalid."""
    if actor is not None and not policy.can_change_settings(actor):
        raise PermissionDenied(_l("Only admins change the settings."))
    texts = {key: as_text(key, value) for key, value in values.items()}
    changed = []
    for key, new in texts.items():
        old = site.raw(key)
        if old == new:
            continue  # unchanged (or still the default): nothing to store or record
        row = db.session.get(SiteSetting, key) or SiteSetting(key=key)
        row.value = new
        db.session.add(row)
        audit.record(actor, AuditAction.SETTING_CHANGED, old_value=f"{key}={old}"[:AUDIT_TEXT],
                     new_value=f"{key}={new}"[:AUDIT_TEXT])
        changed.append(key)
    if changed:
        db.session.flush()
        site.forget()
    return changed
