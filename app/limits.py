"""Every rate limit in one place: the keys (who is counted) and the limits (how many, from config).

Limits are callables, so each request reads the configured value (tests and operators change them
through config, e.g. POSTING_RATE_LIMIT or LOGIN_RATE_LIMIT).
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app import site


def _config(name: str):
    return lambda: current_app.config[name]


# ---------------------------------------------------------------- keys


def per_person() -> str:
    """Per logged-in person, not per address (many people can share one address)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def per_account_typed() -> str:
    """Per account named in the form: the address typed into a login or reset form."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def login_failed(response) -> bool:
    """Count only failed logins against the account: a successful one redirects."""
    return response.status_code != 302


# ---------------------------------------------------------------- limits

# These two are the admin's settings (app.site), with the configured values as their defaults.
posting = lambda: site.get("posting_rate_limit")  # noqa: E731  comments, discussions, sign-ups (per person)
contact = lambda: site.get("contact_rate_limit")  # noqa: E731  messages through the member directory (per person)
login_per_address = _config("LOGIN_RATE_LIMIT")
login_per_account = _config("LOGIN_ACCOUNT_RATE_LIMIT")  # failures only
registration_per_address = _config("REGISTRATION_RATE_LIMIT")
reset_per_address = _config("RESET_RATE_LIMIT")
reset_per_account = _config("RESET_ACCOUNT_RATE_LIMIT")
verification_resend = _config("VERIFICATION_RESEND_RATE_LIMIT")
data_export = _config("DATA_EXPORT_RATE_LIMIT")  # "download my data" per person
search_per_address = _config("SEARCH_RATE_LIMIT")  # anonymous searches (logged-in people are not limited)


def logged_in() -> bool:
    return current_user.is_authenticated
