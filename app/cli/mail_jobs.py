"""The mail jobs that cron runs: each queues its mail in one transaction, then sends it."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app import jobs
from app.jobs import run_job
from app.mail import send_pending
from app.models.notification import MailMode
from app.services import announcements, digests, signups


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Remind confirmed attendees of events starting soon (for cron); each person once per event."""
    click.echo(f"{run_job(signups.send_reminders)} reminders queued.")


@click.command("send-notifications")
@with_appcontext
def send_notifications() -> None:
    """Mail what is new to people who want it right away (cron: every 5 minutes; coalesces)."""
    click.echo(f"{run_job(digests.send_immediate)} mails queued.")


@click.command("send-digests")
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
@with_appcontext
def send_digests(period: str) -> None:
    """Compose this period's digests (cron: daily and weekly); each person at most once per period."""
    click.echo(f"{run_job(lambda: digests.send_digests(MailMode(period)))} digests queued.")


@click.command("send-announcements")
@with_appcontext
def send_announcements() -> None:
    """Send the next batch of every news announcement in progress (cron: every minute)."""
    click.echo(f"{run_job(announcements.send_pending_batches)} announcement mails queued.")


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Send every unsent mail now, also what waits for its next attempt (each mail once, whoever else sends)."""
    sent, failed = send_pending(retry_now=True)
    click.echo(f"{sent} sent, {failed} failed.")


@click.command("clean-up")
@with_appcontext
def clean_up() -> None:
    """Delete stored mail sent more than MAIL_KEEP_DAYS ago or given up more than MAIL_KEEP_FAILED_DAYS ago,
    and uploads nobody attached within a day."""
    click.echo(f"{run_job(jobs.clean_up)} old rows deleted (sent mail, unused uploads, read notifications).")


COMMANDS = (send_reminders, send_notifications, send_digests, send_announcements, send_mail, clean_up)
