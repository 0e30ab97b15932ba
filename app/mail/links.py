"""The site's addresses that mail and calendar files carry: the one place services get a URL from.

Services stay free of HTTP routing: they ask here for "the link to cancel this sign-up", and only this
module knows which endpoint that is. Links are absolute (`_external`): inside a request they use the
request's host; from the command line and the worker, `SITE_URL` (see `app.jobs.run_job`).
"""

from __future__ import annotations

from flask import url_for


def _external(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def site_host() -> str:
    """The host name, for globally unique calendar ids."""
    return _external("feed.index").split("://", 1)[1].split("/", 1)[0]


# accounts
def login() -> str:
    return _external("auth.login")


def password_reset_request() -> str:
    return _external("auth.reset_request")


def password_reset(token: str) -> str:
    return _external("auth.reset_password", token=token)


def email_verification(token: str) -> str:
    return _external("auth.verify_email", token=token)


def email_change(token: str) -> str:
    return _external("account.confirm_email", token=token)


def guidelines() -> str:
    return _external("main.guidelines")


# posts and events
def post(post_id: int) -> str:
    return _external("feed.show", post_id=post_id)


def event(event_id: int) -> str:
    return _external("events.show", event_id=event_id)


def opportunity(offer_id: int) -> str:
    return _external("opportunities.show", offer_id=offer_id)


def signup_cancellation(token: str) -> str:
    return _external("events.cancel_by_link", token=token)


# members
def members_home() -> str:
    return _external("members.home")


def first_admin(token: str) -> str:
    return _external("auth.first_admin", token=token)


def invitation(token: str) -> str:
    return _external("members.accept_invitation", token=token)


def directory_profile(user_id: int) -> str:
    return _external("members.profile", user_id=user_id)


# mail settings
def notification_settings() -> str:
    return _external("notifications.settings")


def mail_consent(token: str) -> str:
    return _external("notifications.confirm_mail", token=token)


def unsubscribe(token: str) -> str:
    return _external("notifications.unsubscribe", token=token)


def site_root() -> str:
    """The site's address with a trailing slash, for making a post's own paths absolute in mail."""
    return _external("feed.index")
