"""The first days of a new account: so many posts and comments a day, so many links in each, so many uploads a
day; each refusal at its field with the text kept; the day turns at midnight in the site's time zone; members,
volunteers and admins, and accounts old enough, are not limited; admins set the numbers."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app import site
from app.extensions import db
from app.models.attachment import Attachment
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import Role, User
from app.services import settings
from app.services.new_account_limits import count_links
from tests.conftest import PARTICIPATION_FORM, english_client, text_of
from tests.integration.test_attachments import png

THREE_LINKS = "Seht [hier](https://a.example.org), https://b.example.org und <https://c.example.org>."
TWO_LINKS = "Seht [hier](https://a.example.org) und https://b.example.org."


@pytest.mark.parametrize(("text", "links"), [
    ("Kein Link hier.", 0),
    ("[Text](https://example.org)", 1),
    ("Bare: https://example.org/path?x=1 and www.example.com", 2),
    ("<https://example.org>", 1),
    ("![Bild](https://example.org/x.png)", 1),  # a remote image becomes a link
    ("mailto: [Mail](mailto:a@example.org)", 1),
    ("`https://in.code.example.org` and\n\n    https://indented.code.example.org", 0),  # code stays text
    ("[javascript](javascript:alert(1))", 0),  # not a link once sanitised
])
def test_links_are_counted_as_readers_will_see_them(app, text, links):
    with app.app_context():
        assert count_links(text) == links


def set_limits(app, **values):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        settings.save(admin, {f"new_account_{key}": str(value) for key, value in values.items()})
        db.session.commit()
        site.forget()


@pytest.fixture
def newcomer(app, make_user):
    """A client logged in as an alumnus who registered today (the default limits: 7 days, 10 a day, 10 links,
    5 uploads)."""
    make_user(Role.ADMIN)  # who changes the settings in some tests
    person = make_user(name="Nina Neu")
    client = english_client(app)
    client.login(person)
    client.person = person
    return client


def comment(client, post, body):
    return client.submit(f"/posts/{post.id}/comments", {"body": body}, form_url=f"/posts/{post.id}")


def test_too_many_links_are_refused_at_the_field_and_the_text_is_kept(app, newcomer, make_post, add_comment):
    set_limits(app, links_per_post=2)  # the default (10) refuses link bombs; fewer extra links are held (watched words)
    post = make_post()
    refused = comment(newcomer, post, THREE_LINKS)
    assert refused.status_code == 400
    page = text_of(refused)
    assert "New accounts can add at most 2 links to a post or comment" in page and "your text is kept" in page
    assert "https://c.example.org" in page  # in the form again
    assert comment(newcomer, post, TWO_LINKS).status_code == 302
    started = newcomer.submit("/posts/new", {"title": "Links", "body": THREE_LINKS, "visibility": "public"})
    assert started.status_code == 400 and "at most 2 links" in text_of(started)
    own = make_post(newcomer.person, title="Meins", body="ohne Links")
    edited = newcomer.submit(f"/posts/{own.id}/edit", {"title": "Meins", "body": THREE_LINKS, "visibility": "public"})
    assert edited.status_code == 400 and "at most 2 links" in text_of(edited)
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    changed = newcomer.submit(f"/comments/{comment_id}/edit", {"body": THREE_LINKS})
    assert changed.status_code == 400 and "at most 2 links" in text_of(changed)
    set_limits(app, links_per_post=0)
    none = comment(newcomer, post, "Nur https://a.example.org")
    assert none.status_code == 400 and "New accounts cannot add links yet" in text_of(none)


def _written_today(app, person) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Comment.id).where(Comment.author_id == person.id)).all()) + len(
            db.session.scalars(select(Post.id).where(Post.author_id == person.id)).all())


def midnight_here(app) -> datetime:
    """Today's midnight where the association is (Europe/Berlin by default), worked out apart from the code."""
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)


def test_posts_and_comments_per_day_and_the_day_turns_at_midnight_in_the_sites_zone(app, newcomer, make_post):
    post = make_post()
    set_limits(app, posts_per_day=3)
    assert comment(newcomer, post, "Eins").status_code == 302
    assert comment(newcomer, post, "Zwei").status_code == 302
    assert newcomer.submit("/posts/new", {"title": "Drei", "body": "drei", "visibility": "public"}).status_code == 302
    refused = comment(newcomer, post, "Vier, mein Text")
    assert refused.status_code == 400
    assert "New accounts can write 3 posts and comments a day" in text_of(refused)
    assert "Vier, mein Text" in text_of(refused)
    assert _written_today(app, newcomer.person) == 3
    midnight = midnight_here(app)
    with app.app_context():
        # One minute before midnight is yesterday: those three no longer count.
        for model in (Comment, Post):
            db.session.execute(update(model).where(model.author_id == newcomer.person.id)
                               .values(created_at=midnight - timedelta(minutes=1)))
        db.session.commit()
    assert comment(newcomer, post, "Vier, am neuen Tag").status_code == 302
    with app.app_context():
        # Exactly midnight is today: it counts.
        db.session.execute(update(Comment).where(Comment.body_source == "Vier, am neuen Tag")
                           .values(created_at=midnight))
        db.session.commit()
    assert comment(newcomer, post, "Fünf").status_code == 302
    assert comment(newcomer, post, "Sechs").status_code == 302
    assert comment(newcomer, post, "Sieben").status_code == 400


def upload(client, count):
    files = [(io.BytesIO(png(40, 30)), f"bild{n}.png") for n in range(count)]
    return client.submit("/files/drafts", {"files": files, "already": "0"}, form_url="/posts/new",
                         content_type="multipart/form-data")


def test_uploads_per_day_and_none_at_all(app, newcomer):
    set_limits(app, uploads_per_day=3)
    assert upload(newcomer, 2).status_code == 200
    refused = upload(newcomer, 2)
    assert refused.status_code == 400
    assert "New accounts can upload 3 photos and files a day" in refused.get_json()["error"]
    assert upload(newcomer, 1).status_code == 200
    assert upload(newcomer, 1).status_code == 400
    with app.app_context():
        db.session.execute(update(Attachment).values(created_at=midnight_here(app) - timedelta(seconds=1)))
        db.session.commit()
    assert upload(newcomer, 3).status_code == 200  # a new day
    set_limits(app, uploads_per_day=0)
    none = upload(newcomer, 1)
    assert none.status_code == 400 and "New accounts cannot upload photos or files yet" in none.get_json()["error"]
    # In the post form the message stands at the files field and the text stays.
    form = newcomer.submit("/posts/new", {"title": "Mit Bild", "body": "Mein Text", "visibility": "public",
                                          "files": [(io.BytesIO(png(40, 30)), "a.png")]},
                           content_type="multipart/form-data")
    assert form.status_code == 400 and "cannot upload photos or files yet" in text_of(form)
    assert "Mein Text" in text_of(form)


def test_members_and_older_accounts_are_not_limited_and_zero_days_turns_it_off(app, make_user, make_post, newcomer):
    post = make_post()
    set_limits(app, posts_per_day=1)
    member = english_client(app)
    member.login(make_user(Role.MEMBER))
    for body in (THREE_LINKS, "zwei", "drei"):
        assert comment(member, post, body).status_code == 302
    assert comment(newcomer, post, "eins").status_code == 302
    assert comment(newcomer, post, "zwei").status_code == 400
    with app.app_context():
        db.session.get(User, newcomer.person.id).created_at = utcnow() - timedelta(days=7, minutes=1)
        db.session.commit()
    assert comment(newcomer, post, THREE_LINKS).status_code == 302  # a week old: no longer new
    other = english_client(app)
    other.login(make_user())
    set_limits(app, days=0)
    assert comment(other, post, THREE_LINKS).status_code == 302
    assert comment(other, post, "noch einer").status_code == 302


def test_admins_set_the_limits_and_moderators_see_who_is_new(app, client, make_user):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    page = text_of(client.get("/admin/settings/participation"))
    assert "New accounts in their first days" in page and "Days an account counts as new" in page
    response = client.submit("/admin/settings/participation", {**PARTICIPATION_FORM, "new_account_days": "14",
                                                               "new_account_links_per_post": "0"})
    assert response.status_code == 302
    with app.app_context():
        site.forget()
        assert site.get("new_account_days") == 14 and site.get("new_account_links_per_post") == 0
    bad = client.submit("/admin/settings/participation", {**PARTICIPATION_FORM, "new_account_days": "-1"})
    assert bad.status_code == 400
    person = make_user()
    assert "a new account until" in text_of(client.get(f"/moderation/people/{person.id}"))
    assert "a new account until" not in text_of(client.get(f"/moderation/people/{admin.id}"))
