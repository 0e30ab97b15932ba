"""Signed, expiring tokens for links sent by mail.

Each purpose has its own salt. Single use comes from what a token is bound to: a reset token
carries a fingerprint of the password hash (void once the password changes), a verification or
email-change token carries the address it was issued for.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app import site
from app.services.errors import InvalidToken

MAX_AGE_SETTING = {
    "verify-email": "VERIFY_TOKEN_MAX_AGE",
    "reset-password": "RESET_TOKEN_MAX_AGE",
    "change-email": "EMAIL_CHANGE_TOKEN_MAX_AGE",
    "cancel-registration": "CANCEL_TOKEN_MAX_AGE",
    "first-admin": "FIRST_ADMIN_TOKEN_MAX_AGE",
    "invitation": "INVITATION_TOKEN_MAX_AGE",  # the default of the admin's setting invitation_days
    "mail-consent": "MAIL_CONSENT_TOKEN_MAX_AGE",
    "unsubscribe": "UNSUBSCRIBE_TOKEN_MAX_AGE",
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"alumni-commons/{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict:
    max_age = (site.get("invitation_days") * 24 * 60 * 60 if purpose == "invitation"
               else current_app.config[MAX_AGE_SETTING[purpose]])
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(_l("This link has expired. Please request a new one.")) from exc
    except BadSignature as exc:
        raise InvalidToken(_l("This link is not valid. Please request a new one.")) from exc
    if not isinstance(payload, dict):
        raise InvalidToken(_l("This link is not valid. Please request a new one."))
    return payload


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]
