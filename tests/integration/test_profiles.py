"""Profiles and faces: a page per person as they chose it, activity built from the visibility policy (never a
members-only post for a non-member), generated avatars drawn by us, uploaded ones stripped of metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.extensions import db
from app.models.user import Role, User
from tests.conftest import english_client, text_of


def handle_of(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).handle


def set_profile(app, user, **values):
    with app.app_context():
        person = db.session.get(User, user.id)
        for key, value in values.items():
            setattr(person, key, value)
        db.session.commit()


@pytest.mark.parametrize(("visibility", "visitor", "alumnus", "member"), [
    ("everyone", 200, 200, 200), ("alumni", 404, 200, 200), ("members", 404, 404, 200)])
def test_the_profile_is_seen_as_the_person_chose(app, make_user, new_client, visibility, visitor, alumnus, member):
    person = make_user(Role.MEMBER, name="Ada Lovelace")
    set_profile(app, person, profile_visibility=visibility)
    url = f"/people/{handle_of(app, person)}"
    clients = {"visitor": new_client(), "alumnus": new_client(), "member": new_client(), "self": new_client()}
    clients["alumnus"].login(make_user(Role.ALUMNUS))
    clients["member"].login(make_user(Role.MEMBER))
    clients["self"].login(person)
    assert clients["visitor"].get(url).status_code == visitor
    assert clients["alumnus"].get(url).status_code == alumnus
    assert clients["member"].get(url).status_code == member
    assert clients["self"].get(url).status_code == 200
    assert new_client().get("/people/niemand-hier").status_code == 404


def test_activity_shows_only_what_the_viewer_may_read(app, make_user, make_post, add_comment, new_client):
    person = make_user(Role.MEMBER, name="Bea")
    set_profile(app, person, profile_visibility="everyone")
    make_post(person, title="Offener Beitrag")
    secret = make_post(person, title="Interner Beitrag Geheim", visibility="members")
    add_comment(person, secret, "Interner Kommentar")
    url = f"/people/{handle_of(app, person)}"
    visitor_page = text_of(new_client().get(url))
    assert "Offener Beitrag" in visitor_page and "Interner Beitrag" not in visitor_page
    member = new_client()
    member.login(make_user(Role.MEMBER))
    assert "Interner Beitrag Geheim" in text_of(member.get(url))
    set_profile(app, person, show_activity=False)
    assert "Offener Beitrag" not in text_of(new_client().get(url))


def test_badges_member_only_for_members(app, make_user, new_client):
    person = make_user(Role.MEMBER, name="Cleo")
    volunteer = make_user(Role.VOLUNTEER, name="Vera")
    for user in (person, volunteer):
        set_profile(app, user, profile_visibility="everyone")
    alumnus = new_client()
    alumnus.login(make_user(Role.ALUMNUS))
    assert "Member" not in text_of(alumnus.get(f"/people/{handle_of(app, person)}")).replace("Members", "")
    assert "Volunteer" in text_of(alumnus.get(f"/people/{handle_of(app, volunteer)}"))
    member = new_client()
    member.login(make_user(Role.MEMBER))
    assert "Member" in text_of(member.get(f"/people/{handle_of(app, person)}"))


def test_generated_avatars_are_ours_and_names_link_to_profiles(app, make_user, make_post, client):
    person = make_user(Role.MEMBER, name="Ada <script> Lovelace")
    make_post(person, title="Hallo")
    handle = handle_of(app, person)
    svg = client.get(f"/people/{handle}/avatar.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    assert ">A&lt;<" in body or ">AL<" in body or ">A<" in body
    assert "<script" not in body and "http://www.w3.org/2000/svg" in body and "href" not in body
    feed = client.get("/").get_data(as_text=True)
    assert f'href="/people/{handle}"' in feed and f'src="/people/{handle}/avatar.svg"' in feed
    assert "gravatar" not in feed.lower()


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 60, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_uploaded_picture_is_square_and_carries_no_metadata(app, make_user, new_client):
    person = make_user(Role.ALUMNUS, name="Dora")
    client = english_client(app)
    client.login(person)
    saved = client.submit("/account/profile", {"bio": "Alumna 2009", "profile_visibility": "everyone",
                                               "show_activity": "y", "avatar": (io.BytesIO(photo_with_gps()), "me.jpg")},
                          content_type="multipart/form-data")
    assert saved.status_code == 302
    handle = handle_of(app, person)
    picture = new_client().get(f"/people/{handle}/avatar-256.webp")
    assert picture.status_code == 200
    image = Image.open(io.BytesIO(picture.data))
    assert image.size == (256, 256) and not image.getexif() and b"PhoneMaker" not in picture.data
    page = new_client().get(f"/people/{handle}").get_data(as_text=True)
    assert "Alumna 2009" in page and f"/people/{handle}/avatar-256.webp" in page
    bad = client.submit("/account/profile", {"profile_visibility": "everyone",
                                             "avatar": (io.BytesIO(b"<svg/>"), "x.svg")},
                        content_type="multipart/form-data")
    assert bad.status_code == 400
    client.submit("/account/profile", {"profile_visibility": "everyone", "remove_avatar": "y"})
    assert new_client().get(f"/people/{handle}/avatar-256.webp").status_code == 404


def test_directory_fields_on_the_profile_only_for_members_and_never_private_ones(app, make_user, new_client):
    from app.models.membership import MemberProfile

    person = make_user(Role.MEMBER, name="Emil")
    set_profile(app, person, profile_visibility="everyone")
    with app.app_context():
        db.session.add(MemberProfile(user_id=person.id, listed=True, city="Heidelberg", employer="Geheimfirma",
                                     private_fields="employer"))
        db.session.commit()
    url = f"/people/{handle_of(app, person)}"
    assert "Heidelberg" not in text_of(new_client().get(url))
    member = new_client()
    member.login(make_user(Role.MEMBER))
    page = text_of(member.get(url))
    assert "Heidelberg" in page and "Geheimfirma" not in page
