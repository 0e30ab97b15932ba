"""`flask backup` and `flask restore`, tried as an operator would: a site with people, a post and an uploaded
document is backed up into one archive, restored into an empty database and an empty file store (SQLite and
PostgreSQL), and works there: the same login, the post, the document download."""

from __future__ import annotations

import io
import json
import tarfile
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app.extensions import db
from app.models.user import Role
from app.services.accounts import create_account
from tests.conftest import DEFAULT_PASSWORD, POSTGRES_FOR_FAULTS, english_client, make_app, text_of

PDF = b"%PDF-1.7\n% Satzung des Vereins\n%%EOF\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request, tmp_path):
    """A source and an empty target database of one kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'site.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    request.getfixturevalue("postgres_reachable")
    admin = create_engine(POSTGRES_FOR_FAULTS, isolation_level="AUTOCOMMIT")
    names = [f"alumni_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_FOR_FAULTS.rsplit("/", 1)[0]
    yield tuple(f"{base}/{name}" for name in names)
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _site_with_content(url, smtp_port, upload_dir):
    application = make_app(url, smtp_port, UPLOAD_DIR=str(upload_dir))
    with application.app_context():
        upgrade()
        create_account("kassenwart@example.org", "Kassenwart", DEFAULT_PASSWORD, role=Role.VOLUNTEER,
                       verified=True, locale="en")
        db.session.commit()
    client = english_client(application)
    client.login("kassenwart@example.org")
    assert client.submit("/members/documents", {"title": "Satzung", "description": "",
                                                "file": (io.BytesIO(PDF), "satzung.pdf")},
                         form_url="/members/documents", content_type="multipart/form-data").status_code == 302
    assert client.submit("/posts/new?kind=news", {"title": "Sommerfest am Rhein", "body": "Wir feiern.",
                                                  "visibility": "public", "guidelines": "y"}).status_code == 302
    return application


def test_a_backup_restores_into_an_empty_database_and_file_store(two_databases, smtp_server, tmp_path):
    source_url, target_url = two_databases
    source = _site_with_content(source_url, smtp_server[0].port, tmp_path / "files-a")
    archive = tmp_path / "backup.tar.gz"
    made = source.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "1 files" in made.output
    with tarfile.open(archive) as contents:
        names = contents.getnames()
        manifest = json.loads(contents.extractfile("manifest.json").read())
    assert manifest["database"] == ("sqlite" if source_url.startswith("sqlite") else "postgresql")
    assert manifest["revision"] and sum(name.startswith("files/documents/") for name in names) == 1

    target = make_app(target_url, smtp_server[0].port, UPLOAD_DIR=str(tmp_path / "files-b"))
    restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output

    client = english_client(target)
    assert client.login("kassenwart@example.org").status_code == 302
    assert "Sommerfest am Rhein" in text_of(client.get("/"))
    page = client.get("/members/documents")
    document_link = next(part.split('"')[0] for part in page.get_data(as_text=True).split('href="')
                         if part.startswith("/members/documents/") and "/download" in part.split('"')[0])
    assert client.get(document_link).data == PDF

    again = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "not empty" in again.output  # nothing overwritten by accident
    replaced = target.test_cli_runner().invoke(args=["restore", "--replace", str(archive)])
    assert replaced.exit_code == 0, replaced.output
    assert client.get(document_link).data == PDF
    for application in (source, target):
        with application.app_context():
            db.engine.dispose()


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    result = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0 and "is not a backup of this application" in result.output
