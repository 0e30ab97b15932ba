"""Site settings changed by admins in the browser."""

from __future__ import annotations

from app.extensions import db
from app.models.moderation import SiteSetting

# name -> default; values are stored as strings
DEFAULTS = {
    "hold_first_posts": "0",
}


def get_flag(key: str) -> bool:
    setting = db.session.get(SiteSetting, key)
    return (setting.value if setting else DEFAULTS[key]) == "1"


def set_flag(key: str, value: bool) -> None:
    """Store a yes/no setting."""
    if key not in DEFAULTS:
        raise KeyError(key)
    setting = db.session.get(SiteSetting, key) or SiteSetting(key=key)
    setting.value = "1" if value else "0"
    db.session.add(setting)
    db.session.flush()
