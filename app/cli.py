"""Command line: accounts, roles, demo content, mail retries."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models.user import Role, User
from app.services import accounts, roles
from app.services.errors import DomainError

ROLE_CHOICE = click.Choice([role.value for role in Role], case_sensitive=False)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def run_mail_job(job) -> int:
    """Run a cron job that queues mail: links point at SITE_URL, one commit, then send what it queued."""
    from flask import current_app

    from app.mail import send_queued

    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        count = job()
        db.session.commit()
        send_queued()
    return count


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True, help="Display name")
    @click.option("--role", type=ROLE_CHOICE, default=Role.ALUMNUS.value, show_default=True)
    @click.option("--password", help="Generated and printed when left out.")
    def create_user(email: str, name: str, role: str, password: str | None) -> None:
        """Create a verified account with the given role."""
        shown = password is None
        password = password or generate_password()
        try:
            user = accounts.create_account(email, name, password, role=Role(role.lower()), verified=True)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        db.session.commit()
        click.echo(f"Created {user.email} ({user.role}).")
        if shown:
            click.echo(f"Password: {password}")

    @app.cli.command("set-role")
    @click.argument("email")
    @click.argument("role", type=ROLE_CHOICE)
    def set_role(email: str, role: str) -> None:
        """Give an existing account another role (recorded in the audit log)."""
        user = accounts.find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No account with the email address {email}.")
        try:
            changed = roles.change_role(None, user, Role(role.lower()))
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        db.session.commit()
        click.echo(f"{user.email} is {'now' if changed else 'already'} {user.role}.")

    @app.cli.command("set-password")
    @click.argument("email")
    def set_password(email: str) -> None:
        """Give an account a new generated password (printed) and end its sessions."""
        user = accounts.find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No account with the email address {email}.")
        password = generate_password()
        user.password_hash = accounts.hash_password(password)
        accounts.end_all_sessions(user, "password set from the command line")
        db.session.commit()
        click.echo(f"New password for {user.email}: {password}")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load demo accounts and pages into an empty database (does nothing otherwise)."""
        from app.demo import DEMO_ACCOUNTS, seed

        if db.session.scalar(select(func.count()).select_from(User)):
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

    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """Remind confirmed attendees of events starting soon (for cron); each person once per event."""
        from app.services.signups import send_reminders as remind

        click.echo(f"{run_mail_job(remind)} reminders queued.")

    @app.cli.command("send-notifications")
    def send_notifications() -> None:
        """Mail what is new to people who want it right away (cron: every 5 minutes; coalesces)."""
        from app.services.digests import send_immediate

        click.echo(f"{run_mail_job(send_immediate)} mails queued.")

    @app.cli.command("send-digests")
    @click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
    def send_digests(period: str) -> None:
        """Compose this period's digests (cron: daily and weekly); each person at most once per period."""
        from app.models.notification import MailMode
        from app.services.digests import send_digests as compose

        click.echo(f"{run_mail_job(lambda: compose(MailMode(period)))} digests queued.")

    @app.cli.command("send-announcements")
    def send_announcements() -> None:
        """Send the next batch of every news announcement in progress (cron: every minute)."""
        from app.services.announcements import send_pending_batches

        click.echo(f"{run_mail_job(send_pending_batches)} announcement mails queued.")

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Send mail that could not be sent before (for cron)."""
        from app.mail import send_pending

        sent, failed = send_pending()
        click.echo(f"{sent} sent, {failed} failed.")
