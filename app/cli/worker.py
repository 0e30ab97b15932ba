"""`flask worker`: the background worker (mail after requests, and every periodic job; no crontab needed)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app import jobs


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running jobs.")
@with_appcontext
def worker(workers: int) -> None:
    """Run queued jobs and the periodic schedule until stopped (several hosts may each run one)."""
    app = current_app._get_current_object()  # noqa: SLF001
    if app.config["JOBS_IMMEDIATE"]:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run where they are asked for, not in a worker.")
    queue = "Redis" if app.config["REDIS_URL"] else app.config["JOBS_SQLITE"]
    click.echo(f"Worker started: {workers} threads, queue in {queue}.")
    jobs.run_worker(app, workers)


COMMANDS = (worker,)
