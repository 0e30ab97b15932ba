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
# Django's list of 20,000 common passwords (BSD licence), lower-cased, and our list of German and other
# European ones that it misses.
_DATA = Path(__file__).resolve().parent.parent / "data"
_COMMON_PASSWORDS_FILE = _DATA / "common-passwords.txt.gz"
_EUROPEAN_PASSWORDS_FILE = _DATA / "common-passwords-european.txt"
# What people append to a common word: "passwort123", "schalke04!", "hallo2024".
_DECORATION = "0123456789!?.,;:-_#*+@$%&/()= "
# Compared against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password", method="scrypt")


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        english = {line.strip() for line in handle if line.strip()}
    with _EUROPEAN_PASSWORDS_FILE.open(encoding="utf-8") as handle:
        european = {line.strip() for line in handle if line.strip() and not line.startswith("#")}
    return frozenset(english | european)


def is_common(password: str) -> bool:
    """In a list of leaked passwords, as typed or as a listed word with digits or punctuation around it."""
    lowered = password.lower()
    common = _common_passwords()
    core = lowered.strip(_DECORATION)
    return lowered in common or (len(core) >= 4 and core in common) or len(set(lowered)) < 4


def check_password_rules(password: str, *, email: str = "", display_name: str = "") -> None:
    """Raise DomainError(field='password') when the password is too short, long or guessable."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("Use at least %(num)d characters.", num=MIN_LENGTH), "password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("Use at most %(num)d characters.", num=MAX_LENGTH), "password")
    lowered = password.lower()
    if is_common(password):
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
