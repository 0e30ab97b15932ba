"""Demo content for `make run` on an empty database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.cli.accounts import generate_password
from app.demo import DEMO_ACCOUNTS, has_accounts, seed
from app.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo accounts and pages into an empty database (does nothing otherwise)."""
    if has_accounts():
        click.echo("The database already has accounts; no demo content loaded.")
        click.echo(f"Demo login: {DEMO_ACCOUNTS[0][0]} (password shown when it was seeded; "
                   "`.venv/bin/flask --app wsgi set-password EMAIL` makes a new one).")
        return
    password = generate_password()
    seed(password)
    db.session.commit()
    click.echo("Demo content loaded. Log in with any of these accounts:")
    for email, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<10} {email}")
    click.echo(f"Password for all demo accounts: {password}")


COMMANDS = (seed_demo,)
