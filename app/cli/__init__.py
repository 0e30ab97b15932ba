"""Command line: `flask COMMAND`. One module per group of commands; each command is a plain function.

accounts: create-user, set-role, set-password · demo: seed-demo ·
mail jobs (cron): send-mail, send-notifications, send-digests, send-announcements, send-reminders
"""

from __future__ import annotations

from flask import Flask

from app.cli import accounts, demo, mail_jobs

COMMANDS = (*accounts.COMMANDS, *demo.COMMANDS, *mail_jobs.COMMANDS)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
