"""Files and backups: `flask storage-migrate`, `flask backup`, `flask restore`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app import backup, storage
from app.extensions import db
from app.services import uploads


@click.command("storage-migrate")
@click.option("--from-dir", "from_dir", type=click.Path(file_okay=False), default=None,
              help="The local upload folder to copy from (default: UPLOAD_DIR).")
@click.option("--overwrite", is_flag=True, help="Copy files the bucket already has, too.")
@with_appcontext
def storage_migrate(from_dir: str | None, overwrite: bool) -> None:
    """Copy the files of a local upload folder into the configured bucket (STORAGE_URL). Safe to run again."""
    if not current_app.config.get("STORAGE_URL"):
        raise click.ClickException("STORAGE_URL is not set: the files already live in the local folder.")
    source = storage.LocalStorage(from_dir or current_app.config["UPLOAD_DIR"])
    target = storage.current()
    try:
        copied, skipped = storage.copy_all(source, target, overwrite=overwrite)
        missing = uploads.missing_files()
    except storage.StorageUnavailable as exc:
        raise click.ClickException(f"The bucket does not answer: {exc}") from exc
    click.echo(f"Copied {copied} files from {source.description} to {target.description}; "
               f"{skipped} were there already.")
    if missing:
        click.echo(f"{len(missing)} files the database refers to are in neither place:")
        for key in missing:
            click.echo(f"  {key}")
        raise SystemExit(1)
    click.echo("Every file the database refers to is in the bucket. Files are now served from there.")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str | None) -> None:
    """Write the database and every stored file into one archive (default: alumni-backup-<time>.tar.gz)."""
    target = Path(path or f"alumni-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz")
    try:
        manifest = backup.create(db.engine, storage.current(), target)
    except (backup.BackupError, storage.StorageUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {target}: {manifest['database']} database at revision {manifest['revision']}, "
               f"{manifest['files']} files.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite a database and file store that are not empty.")
@with_appcontext
def restore_command(path: str, replace: bool) -> None:
    """Restore a `flask backup` archive into the configured database and file store."""
    try:
        manifest = backup.restore(db.engine, storage.current(), Path(path), replace=replace)
    except (backup.BackupError, storage.StorageUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored the backup of {manifest['created']}: {manifest['database']} database, "
               f"{manifest['files']} files. Run `flask db upgrade` if this version is newer than the backup.")


COMMANDS = (storage_migrate, backup_command, restore_command)
