"""How a session or remember cookie turns back into a user.

The cookie holds "<user id>:<session version>"; bumping the version (logout, password change or
reset) makes every cookie issued before it worthless, on every device.
"""

from __future__ import annotations

from app.extensions import db
from app.models.user import User


def load_user(token: str) -> User | None:
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.is_suspended:
        return None
    return user
