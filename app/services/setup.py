"""A fresh install becomes the association's site: the first admin account (through a one-time link the
operator gets on the command line, so nobody who merely finds the site first can claim it), and the
first-run setup, finished once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app import site
from app.database import insert_if_absent
from app.extensions import db
from app.mail import links
from app.models.audit import AuditAction
from app.models.settings import SiteSetting
from app.models.user import Role, User
from app.services import accounts, audit, settings
from app.services.errors import InvalidToken
from app.services.tokens import make_token, read_token

FIRST_ADMIN_CLAIM = "first_admin_claimed"  # a row whose primary key lets only one request create the first admin


def needs_first_admin() -> bool:
    return not db.session.scalar(select(exists().where(User.role == Role.ADMIN, User.erased_at.is_(None))))


def first_admin_link() -> str:
    return links.first_admin(make_token("first-admin", {"purpose": "first-admin"}))


def check_first_admin_token(token: str) -> None:
    read_token("first-admin", token)
    if not needs_first_admin():
        raise InvalidToken(_l("This site already has an admin. Please log in."))


def create_first_admin(token: str, email: str, display_name: str, password: str, locale: str | None) -> User:
    """The operator's first account: an admin whose address counts as confirmed (they hold the server)."""
    check_first_admin_token(token)
    if not insert_if_absent(SiteSetting, key=FIRST_ADMIN_CLAIM, value="1"):
        raise InvalidToken(_l("This site already has an admin. Please log in."))  # a second, concurrent click
    user = accounts.create_account(email, display_name, password, role=Role.ADMIN, locale=locale, verified=True)
    audit.record(None, AuditAction.SITE_SET_UP, subject=user, new_value="first admin")
    return user


def is_finished() -> bool:
    return bool(site.get("setup_finished"))


def finish(actor: User | None) -> None:
    if not is_finished():
        settings.save(actor, {"setup_finished": True})
        audit.record(actor, AuditAction.SITE_SET_UP, new_value="setup finished")
