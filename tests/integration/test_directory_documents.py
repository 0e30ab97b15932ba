"""The member directory (opt-in, per-field privacy, search, contact, photos) and documents."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models.membership import Document, MemberProfile
from app.models.user import Role
from tests.conftest import english_client, make_app, text_of

PROFILE = {"listed": "y", "programme": "Maschinenbau", "year": "2009", "city": "Köln", "employer": "Acme GmbH",
           "position": "Ingenieurin", "bio": "Ich mag Brücken.", "website": "https://ada.example.org",
           "social_url": "https://www.linkedin.com/in/ada"}


def png_bytes(size=(800, 600), exif=False):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x8825] = {2: (50.0, 56.0, 0.0)}  # GPS data that must not survive
        image.save(out, "JPEG", exif=info)
    else:
        image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def listed_member(make_user, new_client):
    member = make_user(Role.MEMBER, name="Ada Directory")
    browser = new_client()
    browser.login(member)
    response = browser.submit("/members/directory/me", {**PROFILE, "private_employer": "y"})
    assert response.status_code == 302
    return member


def test_directory_is_opt_in(app, client, make_user):
    hidden = make_user(Role.MEMBER, name="Not Listed")
    client.login(make_user(Role.MEMBER))
    assert "Not Listed" not in text_of(client.get("/members/directory"))
    assert client.get(f"/members/directory/{hidden.id}").status_code == 404


def test_listed_member_shows_shared_fields_only_and_never_the_email(client, make_user, listed_member):
    client.login(make_user(Role.MEMBER))
    page = text_of(client.get("/members/directory"))
    assert "Ada Directory" in page and "Köln" in page and "Acme GmbH" not in page
    profile = text_of(client.get(f"/members/directory/{listed_member.id}"))
    assert "Maschinenbau" in profile and "Ich mag Brücken." in profile and "Acme GmbH" not in profile
    assert listed_member.email not in profile and listed_member.email not in page


def test_search_never_matches_private_fields(client, make_user, listed_member):
    client.login(make_user(Role.MEMBER))
    assert "Ada Directory" in text_of(client.get("/members/directory?city=köln"))
    assert "Ada Directory" in text_of(client.get("/members/directory?year=2009&name=ada"))
    assert "Ada Directory" not in text_of(client.get("/members/directory?employer=acme"))
    assert "Ada Directory" not in text_of(client.get("/members/directory?year=1999"))
    assert client.get("/members/directory?year=abc").status_code == 200


def test_owner_sees_everything_of_their_own_entry(client, listed_member):
    client.login(listed_member)
    assert "Acme GmbH" in text_of(client.get(f"/members/directory/{listed_member.id}"))


@pytest.mark.parametrize("field", ["website", "social_url"])
@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org", "not a url"])
def test_profile_links_must_be_http(app, client, make_user, field, url):
    member = make_user(Role.MEMBER)
    client.login(member)
    response = client.submit("/members/directory/me", {**PROFILE, field: url})
    assert response.status_code == 400 and "starting with https://" in text_of(response)
    assert "Maschinenbau" in text_of(response)  # the rest of the form is kept
    with app.app_context():
        assert db.session.get(MemberProfile, member.id) is None


def test_photo_is_reencoded_small_without_metadata(app, client, make_user):
    member = make_user(Role.MEMBER)
    client.login(member)
    response = client.submit("/members/directory/me", {**PROFILE, "photo": (io.BytesIO(png_bytes(exif=True)), "me.jpg")},
                             content_type="multipart/form-data")
    assert response.status_code == 302
    photo = client.get(f"/members/directory/{member.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and max(image.size) <= 400
    assert not image.getexif().get(0x8825)


@pytest.mark.parametrize(("payload", "name"), [(b"<svg onload=alert(1)></svg>", "x.png"),
                                                (b"<html><script>alert(1)</script>", "x.jpg"),
                                                (b"", "empty.png")])
def test_bad_photos_are_refused(client, make_user, payload, name):
    client.login(make_user(Role.MEMBER))
    response = client.submit("/members/directory/me", {**PROFILE, "photo": (io.BytesIO(payload), name)},
                             content_type="multipart/form-data")
    assert response.status_code == 400


def test_private_photo_is_404_to_others(client, new_client, make_user):
    member = make_user(Role.MEMBER)
    client.login(member)
    client.submit("/members/directory/me", {**PROFILE, "private_photo": "y",
                                            "photo": (io.BytesIO(png_bytes()), "p.png")},
                  content_type="multipart/form-data")
    assert client.get(f"/members/directory/{member.id}/photo").status_code == 200
    other = new_client()
    other.login(make_user(Role.MEMBER))
    assert other.get(f"/members/directory/{member.id}/photo").status_code == 404


def test_contact_sends_mail_with_reply_to(client, make_user, listed_member, mailbox):
    sender = make_user(Role.MEMBER, name="Sam Sender")
    client.login(sender)
    response = client.submit(f"/members/directory/{listed_member.id}/contact",
                             {"subject": "Stammtisch", "message": "Kommst du?"})
    assert response.status_code == 302
    mail = mailbox.wait_for(listed_member.email)[-1]
    assert mail["Reply-To"] == sender.email and "Kommst du?" in mailbox.body(mail)
    bad = client.submit(f"/members/directory/{listed_member.id}/contact", {"subject": "", "message": "kept text"})
    assert bad.status_code == 400 and "kept text" in text_of(bad)


def test_cannot_contact_yourself_or_unlisted(client, make_user, listed_member):
    client.login(listed_member)
    assert client.get(f"/members/directory/{listed_member.id}/contact").status_code == 400
    unlisted = make_user(Role.MEMBER)
    assert client.get(f"/members/directory/{unlisted.id}/contact").status_code == 404


def test_contact_is_rate_limited(database_url, smtp_server, app, make_user, listed_member):
    from app.extensions import limiter

    controller, _box = smtp_server
    limited = make_app(database_url, controller.port, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                       CONTACT_RATE_LIMIT="2 per hour")
    client = english_client(limited)
    client.login(make_user(Role.MEMBER))
    try:
        statuses = [client.submit(f"/members/directory/{listed_member.id}/contact",
                                  {"subject": f"Hi {n}", "message": "x"}).status_code for n in range(3)]
    finally:
        limiter.reset()
        limiter.init_app(app)
    assert statuses == [302, 302, 429]


def upload(client, payload, name, title="Satzung"):
    return client.submit("/members/documents", {"title": title, "description": "Stand 2026",
                                                "file": (io.BytesIO(payload), name)},
                         form_url="/members/documents", content_type="multipart/form-data")


def test_documents_upload_download_delete(app, client, new_client, make_user):
    volunteer = make_user(Role.VOLUNTEER)
    client.login(volunteer)
    response = upload(client, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n", "Satzung 2026.pdf")
    assert response.status_code == 302
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.content_type == "application/pdf" and document.stored_name != "Satzung 2026.pdf"
        assert "Satzung" not in document.stored_name
    member = new_client()
    member.login(make_user(Role.MEMBER))
    assert "Satzung" in text_of(member.get("/members/documents"))
    download = member.get(f"/members/documents/{document.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert member.submit(f"/members/documents/{document.id}/delete", form_url="/members/documents").status_code == 403
    client.submit(f"/members/documents/{document.id}/delete", form_url="/members/documents")
    assert member.get(f"/members/documents/{document.id}/download").status_code == 404


@pytest.mark.parametrize(("payload", "name"), [
    (b"<html><script>alert(1)</script></html>", "minutes.pdf"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "slides.pdf"),
    (b"MZ\x90\x00 an executable", "statutes.docx"),
    (b"", "empty.pdf"),
])
def test_disguised_or_empty_uploads_are_refused(app, client, make_user, payload, name):
    client.login(make_user(Role.VOLUNTEER))
    response = upload(client, payload, name)
    assert response.status_code == 400
    assert "not accepted" in text_of(response) or "empty" in text_of(response)
    assert 'value="Satzung"' in text_of(response)  # the title typed is kept
    with app.app_context():
        assert db.session.scalar(select(Document)) is None


def test_oversized_upload_is_refused(app, client, make_user):
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    try:
        client.login(make_user(Role.VOLUNTEER))
        response = upload(client, b"%PDF-1.7\n" + b"x" * 2048, "big.pdf")
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 400 and "too large" in text_of(response)


def test_members_cannot_upload(client, make_user):
    client.login(make_user(Role.MEMBER))
    assert upload(client, b"%PDF-1.7\n", "x.pdf").status_code == 403


def test_a_decompression_bomb_is_refused_before_it_is_decoded(app, client, make_user):
    """A 12,000 x 12,000 PNG is a few KB on the wire and ~576 MB decoded: refused by its header."""
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, "PNG", optimize=True)
    assert len(bomb.getvalue()) < 100_000
    member = make_user(Role.MEMBER)
    client.login(member)
    response = client.submit("/members/directory/me", {**PROFILE, "photo": (io.BytesIO(bomb.getvalue()), "b.png")},
                             content_type="multipart/form-data")
    assert response.status_code == 400
    assert "12000 × 12000" in text_of(response) or "12,000 × 12,000" in text_of(response)
    assert 'value="Maschinenbau"' in text_of(response)  # what was typed is kept
    with app.app_context():
        assert db.session.get(MemberProfile, member.id) is None


def test_a_stored_file_that_is_gone_is_404_not_a_server_error(app, client, make_user, world):
    from app.services import uploads

    client.login(make_user(Role.MEMBER))
    with app.test_request_context():
        document = db.session.get(Document, world["DOCUMENT"])
        profile = db.session.get(MemberProfile, world["AUTHOR"])
        uploads.delete("documents", document.stored_name)
        uploads.delete("photos", profile.photo_name)
    assert client.get(f"/members/documents/{world['DOCUMENT']}/download").status_code == 404
    assert client.get(f"/members/directory/{world['AUTHOR']}/photo").status_code == 404
