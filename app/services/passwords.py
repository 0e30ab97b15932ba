"""Password rules and hashing (scrypt, via Werkzeug)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.services.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 128  # capped before hashing, so a huge password cannot cost a huge hash
# Django's list of 20,000 common passwords (BSD licence), lower-cased.
_COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
# Compared against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password", method="scrypt")


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def check_password_rules(password: str, *, email: str = "", display_name: str = "") -> None:
    """Raise DomainError(field='password') when the password is too short, long or guessable."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("Use at least %(num)d characters.", num=MIN_LENGTH), "password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("Use at most %(num)d characters.", num=MAX_LENGTH), "password")
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        raise DomainError(_l("This password is too common. Choose a less guessable one."), "password")
    personal = {email.lower(), email.lower().partition("@")[0], display_name.lower().replace(" ", "")}
    if lowered in personal or lowered.replace(" ", "") in personal:
        raise DomainError(_l("The password must not be your name or email address."), "password")


def hash_password(password: str) -> str:
    # The method is configurable only so the test suite can use cheaper scrypt parameters.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password[:MAX_LENGTH], method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password[:MAX_LENGTH])
        return False
    return check_password_hash(password_hash, password[:MAX_LENGTH])
