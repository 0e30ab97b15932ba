"""Delete my account: with the password, undone by logging in within the grace period, then erased by the
nightly job — after which no row anywhere holds the person's email address, name or handle, their seat went to
the waitlist, and conversations keep their shape."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Enum, String, Text, select

from app.extensions import db
from app.models.event import Signup
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import DEFAULT_PASSWORD, english_client, text_of


def ask_for_deletion(app, user, content="keep"):
    client = english_client(app)
    client.login(user)
    wrong = client.submit("/account/delete", {"content": content, "current_password": "nope"})
    assert wrong.status_code == 400 and "not your current password" in text_of(wrong)
    done = client.submit("/account/delete", {"content": content, "current_password": DEFAULT_PASSWORD})
    assert done.status_code == 302
    assert client.get("/account/").status_code == 302  # logged out at once
    return client


def run_nightly_erasure(app, user):
    from app.services import erasure

    with app.app_context():
        db.session.get(User, user.id).deletion_requested_at = utcnow() - timedelta(days=8)
        db.session.commit()
    with app.test_request_context():
        assert erasure.erase_due() == 1
        db.session.commit()


def test_logging_in_within_the_grace_period_keeps_the_account(app, make_user):
    person = make_user(Role.ALUMNUS, name="Hanna Bleibt")
    ask_for_deletion(app, person)
    again = english_client(app)
    response = again.login(person)
    assert response.status_code == 302
    assert "no longer going to be deleted" in text_of(again.get("/"))
    with app.app_context():
        assert db.session.get(User, person.id).deletion_requested_at is None


def test_the_last_admin_cannot_delete_their_account(app, make_user):
    admin = make_user(Role.ADMIN)
    client = english_client(app)
    client.login(admin)
    refused = client.submit("/account/delete", {"content": "keep", "current_password": DEFAULT_PASSWORD})
    assert refused.status_code == 400 and "last admin" in text_of(refused)


def test_after_erasure_nothing_holds_the_persons_identity(app, make_user, make_post, add_comment, make_event):
    from app.models.membership import MemberProfile
    from app.services import signups

    person = make_user(Role.MEMBER, name="Ida Vergessen", email="ida.vergessen@example.org")
    other = make_user(Role.MEMBER, name="Otto Wartet")
    with app.app_context():
        handle = db.session.get(User, person.id).handle
    post = make_post(person, title="Mein Thema", body="Inhalt")
    add_comment(person, post, "Mein Kommentar")
    event = make_event(title="Kleines Treffen", capacity=1)
    with app.test_request_context():
        signups.sign_up(db.session.get(User, person.id), db.session.get(type(event), event.id))
        signups.sign_up(db.session.get(User, other.id), db.session.get(type(event), event.id))
        db.session.add(MemberProfile(user_id=person.id, listed=True, city="Kiel", bio="Ida aus Kiel"))
        db.session.commit()
    ask_for_deletion(app, person)
    run_nightly_erasure(app, person)

    with app.app_context():
        waiting = db.session.scalar(select(Signup).where(Signup.user_id == other.id))
        assert waiting.is_confirmed  # the freed seat went to the waitlist
        erased = db.session.get(User, person.id)
        assert erased.erased_at is not None and erased.handle is None
        assert db.session.get(Post, post.id).title == "Mein Thema"  # kept, under "former member"
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text) and not isinstance(c.type, Enum)]
            for column in columns:
                for needle in ("ida.vergessen@example.org", "Ida Vergessen", handle):
                    found = db.session.execute(select(table).where(column.contains(needle))).first()
                    assert found is None, f"{table.name}.{column.name} still holds {needle!r}"
    page = english_client(app).get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Ida Vergessen" not in page and "Mein Kommentar" in page


def test_choosing_to_delete_content_empties_posts_and_comments(app, make_user, make_post, add_comment):
    person = make_user(Role.ALUMNUS, name="Jan Weg")
    reader = make_user(Role.ALUMNUS, name="Lea Bleibt")
    post = make_post(make_user(Role.MEMBER), title="Fremdes Thema")
    mine = add_comment(person, post, "Das nehme ich mit")
    add_comment(reader, post, "Antwort bleibt", parent=mine)
    ask_for_deletion(app, person, content="delete")
    run_nightly_erasure(app, person)
    page = english_client(app).get(f"/posts/{post.id}").get_data(as_text=True)
    assert "Das nehme ich mit" not in page and "Antwort bleibt" in page
    with app.app_context():
        assert db.session.get(Comment, mine).deleted_at is not None


def test_an_admin_erases_a_spam_account_at_once_audited(app, make_user, make_post):
    from app.models.audit import AuditEntry

    spammer = make_user(Role.ALUMNUS, name="Billig Pillen")
    post = make_post(spammer, title="Billige Pillen hier")
    admin = english_client(app)
    admin.login(make_user(Role.ADMIN))
    assert "Erase now" in text_of(admin.get(f"/admin/users/{spammer.id}/erase"))
    done = admin.submit(f"/admin/users/{spammer.id}/erase", {"content": "delete"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(User, spammer.id).erased_at is not None
        assert db.session.get(Post, post.id).hidden_at is not None
        assert db.session.scalars(select(AuditEntry.action)).all()[-1].value == "account.erased"
    assert admin.get(f"/admin/users/{spammer.id}/erase").status_code == 404  # once


def test_the_privacy_page_starts_from_what_is_really_stored(app, client):
    from app.services.data_export import EXPORTED

    page = text_of(client.get("/privacy"))
    for _file, what in EXPORTED.values():
        assert str(what) in page
    assert "30 days" in page and "Delete account" in page
    german = text_of(client.get("/privacy", headers={"Accept-Language": "de"}))
    assert "Was wir speichern" in german


def test_read_notifications_are_deleted_after_the_retention_period(app, make_user, make_post):
    from app.models.notification import Notification, NotificationKind

    person = make_user(Role.MEMBER)
    post = make_post(make_user(Role.MEMBER))
    with app.app_context():
        old = utcnow() - timedelta(days=400)
        db.session.add_all([
            Notification(user_id=person.id, kind=NotificationKind.REPLY, post_id=post.id, created_at=old, read_at=old),
            Notification(user_id=person.id, kind=NotificationKind.REPLY, post_id=post.id, created_at=old),
            Notification(user_id=person.id, kind=NotificationKind.REPLY, post_id=post.id, read_at=utcnow())])
        db.session.commit()
    assert "1 old rows deleted" in app.test_cli_runner().invoke(args=["clean-up"]).output
    with app.app_context():
        assert len(db.session.scalars(select(Notification)).all()) == 2  # unread ones stay, however old
