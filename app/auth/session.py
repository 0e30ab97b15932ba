"""How a session or remember cookie turns back into a user.

The cookie holds "<user id>:<session version>"; bumping the version (logout, password change or
reset) makes every cookie issued before it worthless, on every device.
"""

from __future__ import annotations

from app.models.user import User
from app.services.accounts import load_for_session


def load_user(token: str) -> User | None:
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit() or len(user_id) > 10:
        return None
    user = load_for_session(int(user_id))
    if user is None or user.session_version != int(version) or user.is_suspended:
        return None
    return user
