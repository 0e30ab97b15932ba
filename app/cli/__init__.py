"""Command line: `flask COMMAND`. One module per group of commands; each command is a plain function.

accounts: create-user, set-role, set-password · demo: seed-demo ·
mail jobs (by hand; the worker runs them on its own schedule): send-mail, send-notifications, send-digests,
send-announcements, send-reminders · worker · check-deploy ·
files: storage-migrate, backup, restore · search-reindex · push-keys
"""

from __future__ import annotations

from flask import Flask

from app.cli import accounts, demo, deploy, files, mail_jobs, push, search, worker

COMMANDS = (*accounts.COMMANDS, *demo.COMMANDS, *deploy.COMMANDS, *files.COMMANDS, *mail_jobs.COMMANDS,
            *search.COMMANDS, *worker.COMMANDS, *push.COMMANDS)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
