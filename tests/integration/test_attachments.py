"""Photos and files in posts, tried as people would: pick two photos, describe them, publish; the gallery; the
stored bytes carry no location; bad files get a clear message and lose nothing; and the members boundary holds
for every picture, also after the post changes."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from app import storage
from app.extensions import db
from app.models.attachment import Attachment
from app.models.post import Post
from app.models.user import Role
from tests.conftest import english_client, text_of


def phone_photo(width=1600, height=1200) -> bytes:
    """A JPEG as phones write them: rotated by EXIF, with the camera and the GPS position in it."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°: the picture is portrait
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png(width=400, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 90, 200, 128)).save(out, "PNG")
    return out.getvalue()


def submit_post(client, files=(), **fields):
    data = {"title": "Bilder vom Stammtisch", "body": "Es war schön!", "visibility": "public", **fields}
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.submit("/posts/new", data, content_type="multipart/form-data")


def drafts_in(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="attachment" value="(\d+)"', page)]


@pytest.fixture
def author(app, make_user):
    client = english_client(app)
    client.login(make_user(Role.ALUMNUS))
    return client


def publish_with_photos(client, files, visibility="public"):
    first = submit_post(client, files, visibility=visibility)
    assert first.status_code == 200, text_of(first)[:500]
    page = first.get_data(as_text=True)
    ids = drafts_in(page)
    assert len(ids) == len(files) and "Please describe each photo" in text_of(first)
    fields = {"attachment": [str(i) for i in ids], **{f"alt-{i}": f"Foto {n}" for n, i in enumerate(ids)}}
    second = client.submit("/posts/new", {"title": "Bilder vom Stammtisch", "body": "Es war schön!",
                                          "visibility": visibility, **fields})
    assert second.status_code == 302, text_of(second)[:800]
    return int(second.headers["Location"].rsplit("/", 1)[1]), ids


def test_two_photos_described_and_published_show_as_a_gallery(app, author):
    post_id, ids = publish_with_photos(author, [("stammtisch.jpg", phone_photo()), ("gruppe.png", png())])
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    images = re.findall(r"<img [^>]*>", page.split('class="gallery"', 1)[1].split("</ul>", 1)[0])
    assert len(images) == 2
    assert all('loading="lazy"' in tag and "srcset=" in tag and 'width="' in tag for tag in images)
    assert 'alt="Foto 0"' in images[0] and 'alt="Foto 1"' in images[1]
    assert 'width="1200" height="1600"' in images[0]  # 1600 x 1200 turned upright by its EXIF orientation

    with app.app_context():
        photo = db.session.get(Attachment, ids[0])
        assert photo.post_id == post_id and photo.widths == "320,960,1200"
        stored = storage.current().open(photo.key(photo.available_widths[-1])).read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "WEBP" and image.height > image.width  # the EXIF rotation was applied
    assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info  # no GPS, no camera
    assert b"PhoneMaker" not in stored

    full = author.get(f"/files/{ids[0]}")
    assert full.status_code == 200 and "Photo 1 of 2" in text_of(full) and f"/files/{ids[1]}" in full.get_data(
        as_text=True)


def test_a_photo_without_description_is_asked_for_and_nothing_is_lost(app, author):
    first = submit_post(author, [("a.jpg", phone_photo())], title="Mein Titel bleibt")
    ids = drafts_in(first.get_data(as_text=True))
    again = author.submit("/posts/new", {"title": "Mein Titel bleibt", "body": "Text bleibt", "visibility": "public",
                                         "attachment": str(ids[0]), f"alt-{ids[0]}": "  "})
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "Please describe each photo" in text_of(again) and "Mein Titel bleibt" in page and drafts_in(page) == ids
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def bomb_png() -> bytes:
    """A tiny PNG that claims 12,000 x 12,000 pixels."""
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("huge.png", "BOMB", "too large"),
    ("cut.jpg", "TRUNCATED", "could not be read as an image"),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not accepted"),
    ("page.png", b"<html><script>alert(1)</script></html>", "not accepted"),
    ("empty.jpg", b"", "The file is empty"),
    ("polyglot.jpg", b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script>" * 10, "could not be read"),
])
def test_bad_files_get_a_clear_message_and_nothing_is_stored(app, author, name, content, message):
    if content == "BOMB":
        content = bomb_png()
    elif content == "TRUNCATED":
        content = phone_photo()[:2000]
    with app.app_context():
        before = set(storage.current().keys())
    response = submit_post(author, [(name, content)], title="Titel bleibt")
    assert response.status_code == 400 and message in text_of(response), text_of(response)[:600]
    assert "Titel bleibt" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert set(storage.current().keys()) == before  # nothing half-stored


def test_a_png_named_jpg_is_judged_by_its_bytes(app, author):
    post_id, _ids = publish_with_photos(author, [("actually-a.jpg", png())])
    assert author.get(f"/posts/{post_id}").status_code == 200


def test_limits_on_count_and_size(app, author):
    app.config["ATTACHMENTS_PER_ITEM"] = 2
    try:
        response = submit_post(author, [(f"{n}.png", png(50, 50)) for n in range(3)])
        assert response.status_code == 400 and "At most 2 photos and files" in text_of(response)
    finally:
        app.config["ATTACHMENTS_PER_ITEM"] = 10
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    try:
        response = submit_post(author, [("big.jpg", phone_photo())])
        assert response.status_code == 400 and "too large" in text_of(response)
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 15 * 1024 * 1024


def test_a_pdf_is_attached_as_a_file(app, author):
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
    first = submit_post(author, [("Einladung.pdf", pdf)])
    ids = drafts_in(first.get_data(as_text=True))
    second = author.submit("/posts/new", {"title": "Einladung", "body": "Anbei.", "visibility": "public",
                                          "attachment": str(ids[0])})
    post_id = int(second.headers["Location"].rsplit("/", 1)[1])
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f"/files/{ids[0]}/download" in page and "Einladung.pdf" in page
    download = english_client(app).get(f"/files/{ids[0]}/download")
    assert download.data == pdf and download.headers["Content-Disposition"].startswith("attachment")


def image_urls(client, attachment_id):
    with client.application.app_context():
        attachment = db.session.get(Attachment, attachment_id)
        widths = attachment.available_widths
    return [f"/files/{attachment_id}/{w}.webp" for w in widths] + [f"/files/{attachment_id}",
                                                                   f"/files/{attachment_id}/download"]


def test_members_only_pictures_stay_with_members_also_after_changes(app, make_user, new_client):
    member = english_client(app)
    member.login(make_user(Role.MEMBER))
    post_id, (photo,) = publish_with_photos(member, [("intern.jpg", phone_photo())], visibility="members")
    visitor, alumnus = new_client(), new_client()
    alumnus.login(make_user(Role.ALUMNUS))
    for url in image_urls(member, photo):
        assert visitor.get(url).status_code == 404 and alumnus.get(url).status_code == 404, url
        answer = member.get(url)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store", url

    member.submit(f"/posts/{post_id}/edit", {"title": "Jetzt öffentlich", "body": "x", "visibility": "public",
                                             "attachment": str(photo), f"alt-{photo}": "Foto"})
    image = image_urls(member, photo)[0]
    assert visitor.get(image).status_code == 200 and visitor.get(image).headers["Cache-Control"].startswith("public")
    member.submit(f"/posts/{post_id}/edit", {"title": "Wieder intern", "body": "x", "visibility": "members",
                                             "attachment": str(photo), f"alt-{photo}": "Foto"})
    assert visitor.get(image).status_code == 404  # at once

    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    moderator.submit(f"/moderation/posts/{post_id}/hide", {"reason": "x"}, form_url=f"/posts/{post_id}")
    assert member.get(image).status_code == 404  # a hidden post hides its pictures


def test_drafts_are_their_uploaders_alone(app, author, make_user, new_client):
    first = submit_post(author, [("privat.jpg", phone_photo())])
    (draft,) = drafts_in(first.get_data(as_text=True))
    other = new_client()
    other.login(make_user(Role.MEMBER))
    assert other.get(f"/files/{draft}").status_code == 404
    assert author.get(f"/files/{draft}/320.webp").status_code == 200
    stolen = other.submit("/posts/new", {"title": "Geklaut", "body": "x", "visibility": "public",
                                         "attachment": str(draft), f"alt-{draft}": "meins"})
    assert stolen.status_code == 302
    with app.app_context():
        assert db.session.get(Attachment, draft).is_draft  # someone else's id in the form is ignored


def test_drafts_nobody_attached_are_deleted_after_a_day(app, author):
    from app.models.types import utcnow

    first = submit_post(author, [("vergessen.jpg", phone_photo())])
    (draft,) = drafts_in(first.get_data(as_text=True))
    with app.app_context():
        attachment = db.session.get(Attachment, draft)
        keys = [attachment.key(w) for w in attachment.available_widths]
        attachment.created_at = utcnow() - timedelta(days=2)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["clean-up"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Attachment, draft) is None
        assert not any(storage.current().exists(key) for key in keys)


def test_a_comment_with_a_photo_and_deleting_it_removes_the_photo(app, make_user, make_post, new_client):
    commenter = english_client(app)
    commenter.login(make_user(Role.ALUMNUS))
    post = make_post(make_user(Role.MEMBER), title="Grillfest")
    first = commenter.submit(f"/posts/{post.id}/comments", {"body": "Hier ein Foto!", "files": (
        io.BytesIO(phone_photo(800, 600)), "grill.jpg")}, form_url=f"/posts/{post.id}",
        content_type="multipart/form-data")
    assert first.status_code == 200 and "Please describe each photo" in text_of(first)
    (photo,) = drafts_in(first.get_data(as_text=True))
    assert "Hier ein Foto!" in first.get_data(as_text=True)  # the typed comment is kept
    second = commenter.submit(f"/posts/{post.id}/comments", {"body": "Hier ein Foto!", "attachment": str(photo),
                                                            f"alt-{photo}": "Würstchen auf dem Grill"},
                              form_url=f"/posts/{post.id}")
    assert second.status_code == 302
    comment_id = int(second.headers["Location"].rsplit("#c", 1)[1])
    page = new_client().get(f"/posts/{post.id}").get_data(as_text=True)
    assert 'alt="Würstchen auf dem Grill"' in page and f"/files/{photo}/320.webp" in page
    with app.app_context():
        keys = [db.session.get(Attachment, photo).key(w) for w in db.session.get(Attachment, photo).available_widths]
    commenter.submit(f"/comments/{comment_id}/delete", form_url=f"/posts/{post.id}")
    assert new_client().get(f"/files/{photo}/320.webp").status_code == 404
    with app.app_context():
        assert db.session.get(Attachment, photo) is None
        assert not any(storage.current().exists(key) for key in keys)


def test_after_an_event_its_attendees_add_photos_to_its_page(app, make_user, make_event, new_client):
    from app.models.event import Event, Signup
    from app.models.types import utcnow

    attendee, stranger = make_user(Role.ALUMNUS), make_user(Role.ALUMNUS)
    event = make_event(title="Sommerfest", visibility="public")
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.starts_at, row.ends_at = utcnow() - timedelta(days=1, hours=3), utcnow() - timedelta(days=1)
        db.session.add(Signup(event_id=event.id, user_id=attendee.id, status="confirmed"))
        db.session.commit()
    outsider = new_client()
    outsider.login(stranger)
    assert outsider.get(f"/events/{event.id}/photos").status_code == 403
    client = new_client()
    client.login(attendee)
    assert "Add your photos" in text_of(client.get(f"/events/{event.id}"))
    first = client.submit(f"/events/{event.id}/photos", {"files": (io.BytesIO(phone_photo(900, 600)), "fest.jpg")},
                          content_type="multipart/form-data")
    (photo,) = drafts_in(first.get_data(as_text=True))
    done = client.submit(f"/events/{event.id}/photos", {"attachment": str(photo), f"alt-{photo}": "Tanzfläche"})
    assert done.status_code == 302
    page = new_client().get(f"/events/{event.id}").get_data(as_text=True)
    assert 'id="photos"' in page and 'alt="Tanzfläche"' in page


def test_a_members_only_events_photos_stay_with_members(app, make_user, make_event, new_client):
    volunteer = english_client(app)
    volunteer.login(make_user(Role.VOLUNTEER))
    event = make_event(title="Mitgliederabend", visibility="members")
    first = volunteer.submit(f"/events/{event.id}/edit", {"files": (io.BytesIO(png()), "plan.png")},
                             content_type="multipart/form-data")
    (photo,) = drafts_in(first.get_data(as_text=True))
    with app.app_context():
        db.session.get(Attachment, photo).alt_text = "Sitzplan"
        db.session.get(Attachment, photo).event_id = event.id
        db.session.commit()
    assert new_client().get(f"/files/{photo}/320.webp").status_code == 404
    member = new_client()
    member.login(make_user(Role.MEMBER))
    assert member.get(f"/files/{photo}/320.webp").status_code == 200


def test_a_public_post_with_a_photo_has_an_og_image_a_members_only_one_none(app, author, make_user):
    post_id, (photo,) = publish_with_photos(author, [("titel.jpg", phone_photo(1000, 800))])
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    assert re.search(rf'<meta property="og:image" content="http://[^"]+/files/{photo}/\d+\.webp">', page)
    member = english_client(app)
    member.login(make_user(Role.MEMBER))
    members_post, _ = publish_with_photos(member, [("intern.jpg", png())], visibility="members")
    assert "og:image" not in member.get(f"/posts/{members_post}").get_data(as_text=True)


def test_a_photo_placed_in_the_text_is_shown_there(app, author):
    first = submit_post(author, [("see.jpg", phone_photo(1000, 800))])
    (photo,) = drafts_in(first.get_data(as_text=True))
    done = author.submit("/posts/new", {"title": "Am See", "body": f"Schaut mal:\n\n![Der See](upload:{photo})",
                                        "visibility": "public", "attachment": str(photo), f"alt-{photo}": "Der See"})
    post_id = int(done.headers["Location"].rsplit("/", 1)[1])
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f'<img src="/files/{photo}/960.webp" alt="Der See" loading="lazy"' in page
    assert english_client(app).get(f"/files/{photo}/960.webp").status_code == 200


def test_moderators_hide_a_photo_and_show_it_again(app, author, make_user, new_client):
    post_id, (photo,) = publish_with_photos(author, [("streit.jpg", png())])
    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    assert "Hide this photo" in text_of(moderator.get(f"/files/{photo}"))
    moderator.submit(f"/moderation/attachments/{photo}/hide", form_url=f"/files/{photo}")
    visitor = new_client()
    assert visitor.get(f"/files/{photo}/320.webp").status_code == 404
    assert f"/files/{photo}/" not in visitor.get(f"/posts/{post_id}").get_data(as_text=True)
    assert moderator.get(f"/files/{photo}/320.webp").status_code == 200
    moderator.submit(f"/moderation/attachments/{photo}/restore", form_url=f"/files/{photo}")
    assert visitor.get(f"/files/{photo}/320.webp").status_code == 200
    audit = text_of(english_client(app).get("/"))  # the audit page needs an admin; check the rows instead
    with app.app_context():
        from app.models.audit import AuditEntry

        actions = [entry.action.value for entry in db.session.scalars(select(AuditEntry))]
    assert actions[-2:] == ["attachment.hidden", "attachment.restored"] and audit


def test_the_scripts_upload_answers_with_the_form_items(app, author):
    answer = author.submit("/files/drafts", {"files": (io.BytesIO(png()), "a.png")}, form_url="/posts/new",
                           content_type="multipart/form-data")
    assert answer.status_code == 200
    (item,) = answer.json["items"]
    assert f'name="attachment" value="{item["id"]}"' in item["html"] and f'name="alt-{item["id"]}"' in item["html"]
    bad = author.submit("/files/drafts", {"files": (io.BytesIO(b"<svg/>"), "x.svg")}, form_url="/posts/new",
                        content_type="multipart/form-data")
    assert bad.status_code == 400 and "not accepted" in bad.json["error"] and bad.json["items"] == []


def test_a_reported_photo_shows_in_the_queue_with_its_thumbnail_and_hiding_settles_it(app, author, make_user,
                                                                                      new_client):
    post_id, (photo,) = publish_with_photos(author, [("anstoss.jpg", png())])
    reporter = new_client()
    reporter.login(make_user(Role.ALUMNUS))
    assert "Report this photo" in text_of(reporter.get(f"/files/{photo}"))
    sent = reporter.submit(f"/files/{photo}/report", {"reason": "privacy", "note": "Bitte prüfen"})
    assert sent.status_code == 302
    reporter.submit(f"/files/{photo}/report", {"reason": "privacy"})  # twice: still one report
    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    queue = moderator.get("/moderation/").get_data(as_text=True)
    assert f"/files/{photo}/320.webp" in queue and "Bitte prüfen" in queue
    assert queue.count(f'value="hide file:{photo}"') == 1  # one case, with its own "Hide it"
    moderator.submit("/moderation/decide", {"one": f"hide file:{photo}"}, form_url="/moderation/")
    assert "Bitte prüfen" not in moderator.get("/moderation/").get_data(as_text=True)  # settled
    assert new_client().get(f"/files/{photo}/320.webp").status_code == 404
    assert new_client().get(f"/posts/{post_id}").status_code == 200  # the post itself stays


def heic() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 10)).save(out, "HEIF")
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (200, 100), color) for color in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


@pytest.mark.parametrize(("name", "content"), [("iphone.heic", "HEIC"), ("party.gif", "GIF")])
def test_iphone_photos_are_read_and_animations_become_a_still(app, author, name, content):
    data = heic() if content == "HEIC" else animated_gif()
    _post_id, (photo,) = publish_with_photos(author, [(name, data)])
    with app.app_context():
        attachment = db.session.get(Attachment, photo)
        stored = storage.current().open(attachment.key(attachment.available_widths[-1])).read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "WEBP" and getattr(image, "n_frames", 1) == 1


def test_a_persons_uploads_are_limited_per_hour(app, author):
    app.config["UPLOADS_PER_HOUR"] = 2
    try:
        assert len(drafts_in(submit_post(author, [("1.png", png(40, 40)), ("2.png", png(40, 40))])
                             .get_data(as_text=True))) == 2
        third = submit_post(author, [("3.png", png(40, 40))])
        assert third.status_code == 400 and "many files in the last hour" in text_of(third)
    finally:
        app.config["UPLOADS_PER_HOUR"] = 60
