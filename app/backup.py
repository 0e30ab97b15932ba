"""One archive with the database and every stored file, and its restore (`flask backup`, `flask restore`).

The archive is a gzipped tar:
    manifest.json        format, when, which database, the schema revision, how many files
    database.sqlite      SQLite: a consistent copy made with SQLite's online backup API, or
    database.dump        PostgreSQL: `pg_dump --format=custom` (restored with `pg_restore`)
    files/<key>          every object of the file store (documents, photos), local folder or bucket

The database is copied first, then the files: a file uploaded meanwhile is an unused extra, never a missing one
(only a file deleted in those seconds can be missing; its row is then shown as "file missing", a 404).
Restore goes into the same kind of database (SQLite -> SQLite, PostgreSQL -> PostgreSQL).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  (pg_dump / pg_restore, with fixed arguments)
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from app import storage

FORMAT = 1
SQLITE_MEMBER, POSTGRES_MEMBER = "database.sqlite", "database.dump"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def _pg_env(engine: Engine) -> dict[str, str]:
    """libpq settings from the app's URL (the password travels in the environment, not on the command line)."""
    url = engine.url
    env = dict(os.environ)
    env.update({"PGHOST": url.host or "localhost", "PGPORT": str(url.port or 5432), "PGDATABASE": url.database or ""})
    if url.username:
        env["PGUSER"] = url.username
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _postgres_tool(engine: Engine, *args: str) -> None:
    """Run pg_dump or pg_restore (from the PATH, the client of the server's version) for the app's database."""
    try:
        subprocess.run(args, env=_pg_env(engine), check=True, capture_output=True)  # noqa: S603  # nosec B603
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or str(exc).encode()
        raise BackupError(f"{args[0]} failed: {detail.decode(errors='replace').strip()}") from exc


def _revision(engine: Engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _dump_database(engine: Engine, folder: Path) -> Path:
    if engine.dialect.name == "sqlite":
        target = folder / SQLITE_MEMBER
        source = sqlite3.connect(make_url(str(engine.url)).database or "")
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        return target
    if engine.dialect.name == "postgresql":
        target = folder / POSTGRES_MEMBER
        _postgres_tool(engine, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
        return target
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def create(engine: Engine, store: storage.Storage, path: Path) -> dict:
    """Write the archive to `path` (through a temporary name: a half-written backup never looks complete)."""
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as folder:
        dump = _dump_database(engine, Path(folder))
        manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": engine.dialect.name, "revision": _revision(engine), "files": 0}
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            for key in store.keys():
                stream = store.open(key)
                if stream is None:
                    continue
                with stream:
                    _add_bytes(archive, f"files/{key}", stream.read())
                manifest["files"] += 1
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    partial.replace(path)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{path} is not a backup of this application: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; this version reads {FORMAT}.")
    return manifest


def restore(engine: Engine, store: storage.Storage, path: Path, *, replace: bool = False) -> dict:
    """Put the archive's database and files back. Refuses to overwrite data unless `replace`."""
    manifest = read_manifest(path)
    if manifest["database"] != engine.dialect.name:
        raise BackupError(f"The backup holds a {manifest['database']} database; DATABASE_URL is "
                          f"{engine.dialect.name}. Restore into the same kind of database.")
    if not replace and inspect(engine).get_table_names():
        raise BackupError("The database is not empty. Restore into an empty database, or pass --replace to "
                          "overwrite it and the file store.")
    with tempfile.TemporaryDirectory() as folder, tarfile.open(path, "r:gz") as archive:
        member = SQLITE_MEMBER if engine.dialect.name == "sqlite" else POSTGRES_MEMBER
        archive.extract(member, folder, filter="data")
        _load_database(engine, Path(folder) / member)
        if replace:
            storage.remove_tree(store)
        for entry in archive:
            if entry.isfile() and entry.name.startswith("files/"):
                data = archive.extractfile(entry)
                if data is not None:
                    store.put(entry.name.removeprefix("files/"), data.read(), "application/octet-stream")
    return manifest


def _load_database(engine: Engine, dump: Path) -> None:
    engine.dispose()  # no pooled connection may keep the old file or schema open
    if engine.dialect.name == "sqlite":
        target = Path(make_url(str(engine.url)).database or "")
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(dump, partial)
        partial.replace(target)
        return
    with engine.begin() as conn:  # pg_restore --clean leaves tables the backup does not know
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    _postgres_tool(engine, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                   f"--dbname={engine.url.database}", str(dump))
