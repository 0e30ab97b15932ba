"""Shared file storage (app.storage) against a real S3-compatible server on loopback (SeaweedFS), and the local
folder it replaces: the same contract, uploads and downloads through the access-checked routes, a private
bucket, 404 for missing objects, 503 (never 500) when the store is down, and `flask storage-migrate`."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import select

from app import storage
from app.extensions import db
from app.models.membership import Document
from app.models.user import Role
from tests.conftest import english_client, free_port, make_app, text_of

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


def s3_storage(object_store, prefix):
    return storage.from_config({**object_store.settings(prefix), "UPLOAD_DIR": "unused"})


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return storage.LocalStorage(tmp_path / "files")
    return s3_storage(request.getfixturevalue("object_store"), f"contract-{uuid.uuid4().hex[:8]}")


def test_both_stores_keep_list_and_delete_files_the_same_way(store):
    assert store.open("documents/none.pdf") is None and not store.exists("documents/none.pdf")
    store.put("documents/a.pdf", PDF, "application/pdf")
    store.put("photos/b.jpg", b"\xff\xd8\xff", "image/jpeg")
    with store.open("documents/a.pdf") as stream:
        assert stream.read() == PDF
    assert store.exists("photos/b.jpg")
    assert sorted(store.keys()) == ["documents/a.pdf", "photos/b.jpg"]
    store.delete("documents/a.pdf")
    store.delete("documents/a.pdf")  # twice is harmless
    assert list(store.keys()) == ["photos/b.jpg"]
    store.ping()
    for bad in ("../etc/passwd", "/abs", "a//b", ""):
        with pytest.raises(ValueError):
            store.put(bad, b"x", "text/plain")


def test_the_bucket_serves_nothing_to_anonymous_requests(object_store):
    store = s3_storage(object_store, "private")
    store.put("documents/members-only.pdf", PDF, "application/pdf")
    for url in (f"{object_store.endpoint}/{object_store.bucket}/private/documents/members-only.pdf",
                f"{object_store.endpoint}/{object_store.bucket}/"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 403


def _s3_app(database_url, smtp_server, object_store, **overrides):
    prefix = f"app-{uuid.uuid4().hex[:8]}"
    return make_app(database_url, smtp_server[0].port, **object_store.settings(prefix), **overrides), prefix


def _upload(client, payload=PDF, title="Satzung"):
    return client.submit("/members/documents", {"title": title, "description": "Stand 2026",
                                                "file": (io.BytesIO(payload), "Satzung.pdf")},
                         form_url="/members/documents", content_type="multipart/form-data")


def _login(application, make_user, role):
    client = english_client(application)
    client.login(make_user(role))
    return client


def test_documents_go_into_the_bucket_and_come_back_only_through_the_checked_route(
        app, database_url, smtp_server, object_store, make_user, tmp_path):
    application, prefix = _s3_app(database_url, smtp_server, object_store, UPLOAD_DIR=str(tmp_path / "disk"))
    volunteer = _login(application, make_user, Role.VOLUNTEER)
    assert _upload(volunteer).status_code == 302
    with application.app_context():
        document = db.session.scalar(select(Document))
    bucket = s3_storage(object_store, prefix)
    assert list(bucket.keys()) == [f"documents/{document.stored_name}"]
    assert not (tmp_path / "disk").exists()  # nothing on this host's disk

    member = _login(application, make_user, Role.MEMBER)
    download = member.get(f"/members/documents/{document.id}/download")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Cache-Control"] == "private, no-store"
    alumnus = _login(application, make_user, Role.ALUMNUS)
    assert alumnus.get(f"/members/documents/{document.id}/download").status_code in (302, 403, 404)

    bucket.delete(f"documents/{document.stored_name}")  # gone from the store: 404, not 500
    assert member.get(f"/members/documents/{document.id}/download").status_code == 404
    bucket.put(f"documents/{document.stored_name}", PDF, "application/pdf")
    volunteer.submit(f"/members/documents/{document.id}/delete", form_url="/members/documents")
    assert list(bucket.keys()) == []  # deleting the document deletes the object


def test_a_store_that_is_down_is_a_503_and_a_form_error_never_a_500(
        app, database_url, smtp_server, make_user, make_world_document):
    dead = {"STORAGE_URL": "s3://alumni-files", "STORAGE_S3_ENDPOINT": f"http://127.0.0.1:{free_port()}",
            "STORAGE_S3_ACCESS_KEY": "x", "STORAGE_S3_SECRET_KEY": "y", "STORAGE_TIMEOUT": 1.0}
    application = make_app(database_url, smtp_server[0].port, **dead)
    document_id = make_world_document()
    member = _login(application, make_user, Role.MEMBER)
    assert member.get(f"/members/documents/{document_id}/download").status_code == 503

    volunteer = _login(application, make_user, Role.VOLUNTEER)
    response = _upload(volunteer, title="Protokoll der Mitgliederversammlung")
    assert response.status_code == 400
    page = text_of(response)
    assert "could not be stored just now" in page and "Protokoll der Mitgliederversammlung" in page
    health = application.test_client().get("/healthz")
    assert health.status_code == 200 and health.json["storage"] == "unavailable"
    assert health.json["status"] == "degraded"


@pytest.fixture
def make_world_document(app, make_user):
    def factory():
        with app.app_context():
            document = Document(title="Protokoll", original_name="p.pdf", stored_name="gone.pdf",
                                content_type="application/pdf", size=3, uploaded_by_id=make_user(Role.VOLUNTEER).id)
            db.session.add(document)
            db.session.commit()
            return document.id
    return factory


def test_storage_migrate_copies_the_local_files_into_the_bucket_once(
        app, database_url, smtp_server, object_store, make_user, tmp_path):
    local_dir = tmp_path / "uploads"
    local_app = make_app(database_url, smtp_server[0].port, UPLOAD_DIR=str(local_dir))
    volunteer = _login(local_app, make_user, Role.VOLUNTEER)
    for title in ("Satzung", "Beitragsordnung"):
        assert _upload(volunteer, title=title).status_code == 302
    assert len(list(storage.LocalStorage(local_dir).keys())) == 2

    bucket_app, prefix = _s3_app(database_url, smtp_server, object_store, UPLOAD_DIR=str(local_dir))
    runner = bucket_app.test_cli_runner()
    first = runner.invoke(args=["storage-migrate"])
    assert first.exit_code == 0, first.output
    assert "Copied 2 files" in first.output and "Every file the database refers to is in the bucket" in first.output
    again = runner.invoke(args=["storage-migrate"])
    assert "Copied 0 files" in again.output and "2 were there already" in again.output
    assert len(list(s3_storage(object_store, prefix).keys())) == 2

    member = _login(bucket_app, make_user, Role.MEMBER)
    with bucket_app.app_context():
        ids = list(db.session.scalars(select(Document.id)))
    assert all(member.get(f"/members/documents/{i}/download").data == PDF for i in ids)

    with bucket_app.app_context():
        db.session.add(Document(title="Lost", original_name="l.pdf", stored_name="lost.pdf",
                                content_type="application/pdf", size=1, uploaded_by_id=ids and
                                db.session.get(Document, ids[0]).uploaded_by_id))
        db.session.commit()
    missing = runner.invoke(args=["storage-migrate"])
    assert missing.exit_code == 1 and "documents/lost.pdf" in missing.output


def test_storage_migrate_needs_a_bucket(app):
    result = app.test_cli_runner().invoke(args=["storage-migrate"])
    assert result.exit_code != 0 and "STORAGE_URL is not set" in result.output
