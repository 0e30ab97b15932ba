"""A person's own account: what only they see and change."""

from __future__ import annotations

from sqlalchemy import false

from app.models.push import PushSubscription

__all__ = ["own_push_devices"]


def own_push_devices(user):
    """A person sees and removes only their own devices (push subscriptions); nobody else's, whatever their role."""
    if user is None or not user.is_authenticated:
        return false()
    return PushSubscription.user_id == user.id
