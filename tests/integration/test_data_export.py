"""Download my data: after the password again, one ZIP with every kind of row about the person and their
files; and the inventory is complete — every column that points at a user is exported or named as not the
person's own with a reason, so a new table cannot be forgotten."""

from __future__ import annotations

import io
import json
import zipfile

from app.extensions import db
from app.models.user import Role, User
from app.services.data_export import EXPORTED, NOT_EXPORTED
from tests.conftest import DEFAULT_PASSWORD, english_client, text_of


def test_every_reference_to_a_user_is_exported_or_explained(app):
    references = {(table.name, column.name) for table in db.metadata.sorted_tables for column in table.columns
                  for key in column.foreign_keys if key.column.table.name == "users"}
    forgotten = references - set(EXPORTED) - set(NOT_EXPORTED)
    assert not forgotten, f"personal data neither exported nor explained in app/services/data_export.py: {forgotten}"
    assert not set(EXPORTED) & set(NOT_EXPORTED)
    assert all(len(reason) > 20 for reason in NOT_EXPORTED.values())


def test_the_zip_holds_everything_about_the_person_and_nothing_about_others(app, make_user, make_post, add_comment,
                                                                            make_event, world):
    person = make_user(Role.MEMBER, name="Frieda Export")
    other = make_user(Role.MEMBER, name="Someone Else")
    post = make_post(person, title="Mein Beitrag", body="Mein **Text**")
    add_comment(person, post, "Mein Kommentar")
    make_post(other, title="Fremder Beitrag")
    client = english_client(app)
    client.login(person)
    assert "To protect your data" in text_of(client.get("/account/data"))
    wrong = client.submit("/account/data", {"current_password": "not it"})
    assert wrong.status_code == 400 and "not your current password" in text_of(wrong)
    answer = client.submit("/account/data", {"current_password": DEFAULT_PASSWORD})
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert answer.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "posts.json", "comments.json", "event_signups.json",
            "directory_entry.json", "mail_preferences.json"} <= names
    account = json.loads(archive.read("account.json"))
    assert account["email"] == person.email and "password_hash" not in account
    posts = json.loads(archive.read("posts.json"))
    assert [p["title"] for p in posts] == ["Mein Beitrag"] and posts[0]["body_source"] == "Mein **Text**"
    assert [c["body_source"] for c in json.loads(archive.read("comments.json"))] == ["Mein Kommentar"]
    everything = b"".join(archive.read(name) for name in names)
    assert b"Fremder Beitrag" not in everything and other.email.encode() not in everything
    readme = archive.read("README.txt").decode()
    assert all(name in readme for name in names if name.endswith(".json"))


def test_a_signup_with_a_note_and_uploaded_files_are_in_it(app, make_user, make_event, make_post):
    from app import storage
    from app.models.attachment import Attachment
    from app.models.event import Signup

    person = make_user(Role.MEMBER, name="Gerd")
    event = make_event(title="Sommerfest", note_label="Diät")
    with app.app_context():
        db.session.add(Signup(event_id=event.id, user_id=person.id, status="confirmed", guests=1, note="vegan"))
        picture = Attachment(owner_id=person.id, kind="file", content_type="application/pdf", size=9,
                             stored_name="export-test", original_name="Protokoll.pdf", widths="")
        storage.current().put(picture.key(), b"%PDF-1.4 x", "application/pdf")
        db.session.add(picture)
        db.session.commit()
    client = english_client(app)
    client.login(person)
    archive = zipfile.ZipFile(io.BytesIO(client.submit("/account/data", {"current_password": DEFAULT_PASSWORD}).data))
    signups = json.loads(archive.read("event_signups.json"))
    assert signups[0]["note"] == "vegan" and signups[0]["guests"] == 1
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert files and archive.read(files[0]) == b"%PDF-1.4 x"
    with app.app_context():
        assert db.session.get(User, person.id).email == person.email
