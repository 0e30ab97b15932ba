"""Accounts from the command line: the first admin, roles, a forgotten password."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from app import site
from app.extensions import db
from app.models.user import Role
from app.services import accounts, roles, setup
from app.services.errors import DomainError

ROLE_CHOICE = click.Choice([role.value for role in Role], case_sensitive=False)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _existing(email: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email address {email}.")
    return user


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Display name")
@click.option("--role", type=ROLE_CHOICE, default=Role.ALUMNUS.value, show_default=True)
@click.option("--password", help="Generated and printed when left out.")
@click.option("--locale", type=click.Choice(["de", "en"]), default=None,
              help="Language of pages and mail (default: the site's default language, German).")
@with_appcontext
def create_user(email: str, name: str, role: str, password: str | None, locale: str | None) -> None:
    """Create a verified account with the given role."""
    shown = password is None
    password = password or generate_password()
    locale = locale or site.get("default_locale")
    try:
        user = accounts.create_account(email, name, password, role=Role(role.lower()), verified=True, locale=locale)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}, language {user.locale}).")
    if shown:
        click.echo(f"Password: {password}")


@click.command("setup-link")
@click.option("--if-needed", is_flag=True, help="Print nothing when the site has an admin already.")
@with_appcontext
def setup_link(if_needed: bool) -> None:
    """Print the one-time link that creates the first admin account (only while the site has none)."""
    if not setup.needs_first_admin():
        if not if_needed:
            click.echo("This site has an admin already: log in, or use `flask create-user --role admin`.")
        return
    click.echo("")
    click.echo("  This site has no admin yet. Open this link to create the first admin account and set up the")
    click.echo("  association's site (valid for 7 days, only until an admin exists):")
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        click.echo(f"  {setup.first_admin_link()}")
    click.echo("")


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Give an existing account another role (recorded in the audit log)."""
    user = _existing(email)
    try:
        changed = roles.change_role(None, user, Role(role.lower()))
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"{user.email} is {'now' if changed else 'already'} {user.role}.")


@click.command("set-password")
@click.argument("email")
@with_appcontext
def set_password(email: str) -> None:
    """Give an account a new generated password (printed) and end its sessions."""
    user = _existing(email)
    password = generate_password()
    accounts.set_password(user, password, "password set from the command line")
    db.session.commit()
    click.echo(f"New password for {user.email}: {password}")


COMMANDS = (create_user, set_role, set_password, setup_link)
