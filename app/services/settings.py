"""Site settings changed by admins in the browser; every change is audited."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import policy
from app.extensions import db
from app.models.audit import AuditAction
from app.models.settings import SiteSetting
from app.models.user import User
from app.services import audit
from app.services.errors import PermissionDenied

# name -> default; values are stored as strings
DEFAULTS = {
    "hold_first_posts": "0",
}


def get_flag(key: str) -> bool:
    setting = db.session.get(SiteSetting, key)
    return (setting.value if setting else DEFAULTS[key]) == "1"


def set_flag(actor: User | None, key: str, value: bool) -> None:
    """Store a yes/no setting (actor None: the command line); a change is recorded in the audit log."""
    if key not in DEFAULTS:
        raise KeyError(key)
    if actor is not None and not policy.can_change_settings(actor):
        raise PermissionDenied(_l("Only admins change the settings."))
    setting = db.session.get(SiteSetting, key) or SiteSetting(key=key, value=DEFAULTS[key])
    new = "1" if value else "0"
    if setting.value == new:
        return  # unchanged (or still the default): nothing to store or record
    audit.record(actor, AuditAction.SETTING_CHANGED, old_value=f"{key}={setting.value}", new_value=f"{key}={new}")
    setting.value = new
    db.session.add(setting)
    db.session.flush()
