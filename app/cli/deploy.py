"""`flask check-deploy`: what is unsafe or missing before this installation faces people (like Django's
`check --deploy`). Exit status 1 when an error is found, so a deploy script can stop on it; warnings name what
is fine for one small host only."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import storage
from app.models.page import PAGE_SLUGS
from app.services.pages import LEGAL_PAGES, page_in


def problems(app: Flask) -> list[tuple[str, str]]:
    """(level, what to do) for each finding; level is "error" (unsafe) or "warning" (fine for one small host)."""
    config, found = app.config, []
    if config["APP_ENV"] != "production":
        found.append(("error", f"APP_ENV is {config['APP_ENV']!r}: set APP_ENV=production."))
    if app.debug:
        found.append(("error", "Debug mode is on: never in production (unset FLASK_DEBUG)."))
    key = config.get("SECRET_KEY") or ""
    if len(key) < 32:
        found.append(("error", "SECRET_KEY is missing or shorter than 32 characters: generate one once and keep it."))
    if not (config.get("SITE_URL") or "").startswith("https://"):
        found.append(("error", "SITE_URL is not an https:// address: links in mail would point elsewhere."))
    if not config["MAIL_SERVER"]:
        found.append(("error", "MAIL_SERVER is not set: mail is only written to the outbox folder, nobody gets it."))
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        found.append(("warning", "The database is a SQLite file: fine for one small host; use PostgreSQL "
                                 "(DATABASE_URL) for more."))
    if not config["REDIS_URL"]:
        found.append(("warning", "REDIS_URL is not set: rate limits and the page cache are per process and the job "
                                 "queue is a local file, so run one host with one worker process."))
    found += _storage(config)
    found += _legal_pages(config["LANGUAGES"])
    return found


def _storage(config) -> list[tuple[str, str]]:
    if not config.get("STORAGE_URL"):
        return [("warning", f"Uploads are stored on this host's disk ({config['UPLOAD_DIR']}): several hosts need "
                            "STORAGE_URL (an S3-compatible bucket); `flask storage-migrate` copies the files there.")]
    try:
        storage.current().ping()
    except storage.StorageUnavailable as exc:
        return [("error", f"The file store ({config['STORAGE_URL']}) does not answer: {exc}")]
    return []


def _legal_pages(languages) -> list[tuple[str, str]]:
    missing = [f"{slug}/{locale}" for slug in LEGAL_PAGES if slug in PAGE_SLUGS for locale in languages
               if not ((page := page_in(slug, locale)) and page.body_source.strip())]
    if not missing:
        return []
    return [("error", f"These pages are empty: {', '.join(missing)} (Administration → Pages).")]


@click.command("check-deploy")
@with_appcontext
def check_deploy() -> None:
    """List what is unsafe or missing for production; exit 1 when anything unsafe is."""
    found = problems(current_app._get_current_object())  # noqa: SLF001
    for level, message in found:
        click.echo(f"{level.upper():8} {message}")
    errors = sum(level == "error" for level, _ in found)
    click.echo(f"{errors} errors, {len(found) - errors} warnings.")
    if errors:
        raise SystemExit(1)


COMMANDS = (check_deploy,)
