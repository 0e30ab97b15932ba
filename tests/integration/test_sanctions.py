"""Sanctions with reasons, tried as moderators and the people they concern meet them: a warning in the bell and by
mail, a silence that stops writing but not reading, liking or signing up, a suspension with its reason at the
login; each in the person's history and the audit log; lifted by hand or by the worker at the end date, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.mail import OutgoingMail
from app.models.post import Comment
from app.models.sanction import Sanction, SanctionEnding, SanctionKind
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import DEFAULT_PASSWORD, english_client, run_together, text_of


def sanctions_of(app, person) -> list[Sanction]:
    with app.app_context():
        rows = list(db.session.scalars(select(Sanction).where(Sanction.user_id == person.id).order_by(Sanction.id)))
        db.session.expunge_all()
        return rows


def account(app, person) -> User:
    with app.app_context():
        user = db.session.get(User, person.id)
        db.session.expunge(user)
        return user


def actions_about(app, person) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == person.id)
                                       .order_by(AuditEntry.id)))


def decide(client, person, kind, reason, **fields):
    return client.submit(f"/moderation/people/{person.id}/{kind}", {"reason": reason, **fields})


@pytest.fixture
def moderator(client, make_user):
    client.login(make_user(Role.VOLUNTEER, name="Mona Moderator"))
    return client


def test_a_warning_reaches_the_bell_and_the_mailbox_with_the_reason_and_the_guidelines(
        app, moderator, make_user, new_client, mailbox):
    person = make_user(name="Rudi Rude")
    form = text_of(moderator.get(f"/moderation/people/{person.id}/warning?template=insults"))
    assert "Insults and contempt for other people" in form  # a ready reason, to change or keep
    response = decide(moderator, person, "warning", "Bitte sachlich bleiben: keine Beleidigungen.")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/moderation/people/{person.id}")
    told = mailbox.body(mailbox.wait_for(person.email)[-1])
    assert "Bitte sachlich bleiben" in told and "/guidelines" in told
    person_client = new_client()
    person_client.login(person)
    bell = text_of(person_client.get("/notifications/"))
    assert "A note from the moderators: Bitte sachlich bleiben" in bell
    assert 'name="next" value="/guidelines"' in bell  # the line leads to the guidelines
    assert 'class="unread"' in bell
    token = person_client.token("/notifications/")
    warning = sanctions_of(app, person)[0]
    person_client.post(f"/notifications/open/warning/{warning.id}", data={"csrf_token": token, "next": "/guidelines"})
    assert 'class="unread"' not in text_of(person_client.get("/notifications/"))
    assert warning.kind == SanctionKind.WARNING and warning.created_by_id is not None
    assert actions_about(app, person) == ["account.warned"]
    assert still_writes(person_client)
    history = text_of(moderator.get(f"/moderation/people/{person.id}"))
    assert "Warning" in history and "Bitte sachlich bleiben" in history and "Mona Moderator" in history


def still_writes(client) -> bool:
    """A warned person still writes."""
    return client.submit("/posts/new", {"title": "Still here", "body": "x", "visibility": "public"}).status_code == 302


def test_a_silenced_person_reads_likes_and_signs_up_but_writes_nothing_and_is_told_why(
        app, moderator, make_user, make_post, make_event, new_client, mailbox):
    person = make_user(name="Sid Silenced")
    post = make_post(title="Stammtisch")
    event = make_event()
    response = decide(moderator, person, "silence", "Wiederholt Werbung für den eigenen Shop.", duration="7")
    assert response.status_code == 302
    told = mailbox.body(mailbox.wait_for(person.email)[-1])
    assert "Wiederholt Werbung" in told and "silenced your account until" in told
    silenced = account(app, person)
    assert silenced.is_silenced and silenced.silenced_until - utcnow() > timedelta(days=6, hours=23)

    client = new_client()
    client.login(person)  # logging in still works
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "You cannot write comments while your account is silenced" in page
    assert "Reason: Wiederholt Werbung für den eigenen Shop." in page and "silenced your account until" in page
    assert "Publish comment" not in page
    refused = client.submit(f"/posts/{post.id}/comments", {"body": "Kauft bei mir!"}, form_url=f"/posts/{post.id}")
    assert refused.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    new_post = client.get("/posts/new")
    assert new_post.status_code == 403 and "Wiederholt Werbung" in text_of(new_post)  # the reason, not a bare 403
    assert "Start a discussion" not in text_of(client.get("/"))
    # Reading, liking, signing up and the settings stay open.
    assert client.submit(f"/posts/{post.id}/like", {"liked": "1"}, form_url=f"/posts/{post.id}").status_code == 302
    assert client.submit(f"/events/{event.id}/signup", {}, form_url=f"/events/{event.id}").status_code == 302
    with app.app_context():
        from app.models.event import Signup

        assert db.session.scalar(select(func.count()).select_from(Signup)) == 1
    assert client.submit("/account/", {"display_name": "Sid S.", "locale": "en"}).status_code == 302

    # Lifted by the moderator: told by mail, writes again, and the history says who ended it.
    moderator.submit(f"/moderation/people/{person.id}/lift/silence", form_url=f"/moderation/people/{person.id}")
    assert "can write posts and comments again" in mailbox.body(mailbox.wait_for(person.email, 2)[-1])
    assert client.submit(f"/posts/{post.id}/comments", {"body": "Sorry"},
                         form_url=f"/posts/{post.id}").status_code == 302
    row = sanctions_of(app, person)[0]
    assert row.ending == SanctionEnding.LIFTED and row.lifted_by_id is not None
    assert actions_about(app, person) == ["account.silenced", "account.unsilenced"]
    assert "lifted (Mona Moderator)" in text_of(moderator.get(f"/moderation/people/{person.id}"))


def test_an_admin_suspends_from_the_moderation_page_and_the_login_tells_why_after_the_right_password_only(
        app, client, make_user, new_client, mailbox):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    person = make_user(name="Sam Suspended")
    person_client = new_client()
    person_client.login(person)
    last_day = date.today() + timedelta(days=3)
    response = decide(client, person, "suspension", "Drohungen gegen andere Mitglieder.", duration="date",
                      until=last_day.isoformat())
    assert response.status_code == 302
    assert person_client.get("/account/").status_code == 302  # logged out everywhere
    wrong = english_client(app).submit("/auth/login", {"email": person.email, "password": "not the password here"})
    assert "Drohungen" not in text_of(wrong) and "Email address or password is not correct." in text_of(wrong)
    right = english_client(app).submit("/auth/login", {"email": person.email, "password": DEFAULT_PASSWORD})
    assert right.status_code == 400
    assert "Your account is suspended until" in text_of(right) and "Drohungen gegen andere" in text_of(right)
    assert str(last_day.year) in text_of(right)
    assert "Drohungen" in mailbox.body(mailbox.wait_for(person.email)[-1])
    (row,) = sanctions_of(app, person)
    assert row.kind == SanctionKind.SUSPENSION and row.ends_at == account(app, person).suspended_until
    # Volunteers see it in the history but do not suspend.
    volunteer = new_client()
    volunteer.login(make_user(Role.VOLUNTEER))
    history = text_of(volunteer.get(f"/moderation/people/{person.id}"))
    assert "Suspension" in history and "Drohungen gegen andere Mitglieder." in history
    assert volunteer.get(f"/moderation/people/{make_user().id}/suspension").status_code == 403


@pytest.mark.parametrize(("actor", "subject"), [(Role.VOLUNTEER, Role.VOLUNTEER), (Role.VOLUNTEER, Role.ADMIN),
                                                (Role.ADMIN, Role.ADMIN)])
def test_nobody_sanctions_their_own_rank_or_above(app, client, make_user, actor, subject):
    client.login(make_user(actor))
    target = make_user(subject)
    for kind in ("warning", "silence"):
        assert client.get(f"/moderation/people/{target.id}/{kind}").status_code == 403
        assert client.submit(f"/moderation/people/{target.id}/{kind}", {"reason": "x"},
                             form_url=f"/moderation/people/{target.id}").status_code == 403
    assert "You cannot warn, silence or suspend this person" in text_of(client.get(f"/moderation/people/{target.id}"))
    assert sanctions_of(app, target) == []


def test_the_reason_is_required_and_the_end_must_make_sense(app, moderator, make_user):
    person = make_user()
    empty = decide(moderator, person, "silence", "   ", duration="7")
    assert empty.status_code == 400 and "Please give a reason" in text_of(empty)
    no_day = decide(moderator, person, "silence", "Spam", duration="date")
    assert no_day.status_code == 400 and "Please choose the last day." in text_of(no_day)
    assert "Spam" in text_of(no_day)  # what was typed stays
    both = decide(moderator, person, "silence", "Spam", duration="7", until=(date.today() + timedelta(days=9)).isoformat())
    assert both.status_code == 400 and "You chose a length and a day" in text_of(both)
    past = decide(moderator, person, "silence", "Spam", duration="date", until="2001-01-01")
    assert past.status_code == 400 and "The end must be in the future." in text_of(past)
    junk = decide(moderator, person, "silence", "Spam", duration="forever and ever")
    assert junk.status_code == 400
    too_long = decide(moderator, person, "warning", "x" * 501)
    assert too_long.status_code == 400
    assert sanctions_of(app, person) == [] and not account(app, person).is_silenced


def test_a_new_silence_replaces_the_one_in_force(app, moderator, make_user):
    person = make_user()
    decide(moderator, person, "silence", "Erstes Mal", duration="1")
    decide(moderator, person, "silence", "Zweites Mal", duration="permanent")
    first, second = sanctions_of(app, person)
    assert first.ending == SanctionEnding.REPLACED and second.lifted_at is None and second.ends_at is None
    silenced = account(app, person)
    assert silenced.is_silenced and silenced.silenced_until is None and silenced.silence_reason == "Zweites Mal"
    assert "replaced by a newer one" in text_of(moderator.get(f"/moderation/people/{person.id}"))


def _past_their_end(app, *people):
    """The clock past the end: each silence and suspension given ended a minute ago."""
    past = utcnow() - timedelta(minutes=1)
    with app.app_context():
        for person in people:
            user = db.session.get(User, person.id)
            for column in ("silenced_until", "suspended_until"):
                if getattr(user, column) is not None:
                    setattr(user, column, past)
            for row in db.session.scalars(select(Sanction).where(Sanction.user_id == person.id,
                                                                 Sanction.ends_at.is_not(None))):
                row.ends_at = past
        db.session.commit()


def test_the_worker_ends_silences_and_suspensions_at_their_end_once(app, client, make_user, mailbox):
    from app import jobs

    client.login(make_user(Role.ADMIN))
    quiet, away, forever = make_user(name="Quiet"), make_user(name="Away"), make_user(name="Forever")
    decide(client, quiet, "silence", "Zu laut", duration="1")
    decide(client, away, "suspension", "Zu grob", duration="7")
    decide(client, forever, "silence", "Ohne Ende", duration="permanent")
    _past_their_end(app, quiet, away)
    mailbox.clear()
    with app.app_context():
        jobs.end_sanctions.call_local()  # one run of the periodic job
        jobs.end_sanctions.call_local()  # and another: nothing left to do
    assert not account(app, quiet).silenced_at and not account(app, away).suspended_at
    assert account(app, forever).is_silenced
    assert [m["Subject"] for m in mailbox.wait_for(quiet.email)] == ["You can write again at Alumni Commons"]
    assert "your suspension has ended" in mailbox.body(mailbox.wait_for(away.email)[0])
    assert len(mailbox.to(quiet.email)) == 1 and len(mailbox.to(away.email)) == 1 and not mailbox.to(forever.email)
    (row,) = sanctions_of(app, quiet)
    assert row.ending == SanctionEnding.EXPIRED and row.lifted_by_id is None and row.lifted_at == row.ends_at
    assert actions_about(app, away) == ["account.suspended", "account.suspension_ended"]
    audit_page = text_of(client.get("/admin/audit"))
    assert "Silence ended at its end date" in audit_page and "Automatically, at the end date" in audit_page
    assert "ended at its end date" in text_of(client.get(f"/moderation/people/{quiet.id}"))


@pytest.mark.concurrency
def test_two_workers_at_once_end_each_sanction_once(app, client, make_user):
    from app.services import sanctions

    client.login(make_user(Role.ADMIN))
    people = [make_user() for _ in range(3)]
    for person in people:
        decide(client, person, "silence", "Kurz Pause", duration="1")
    _past_their_end(app, *people)
    with app.app_context():
        db.session.execute(OutgoingMail.__table__.delete())
        db.session.commit()
    results, errors = run_together(app, lambda _copy: sanctions.end_due(), range(4))
    assert not errors, errors
    assert sum(results.values()) == 3
    with app.app_context():
        subjects = db.session.scalars(select(OutgoingMail.subject)).all()
        ended = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "account.silence_ended"))
    assert len(subjects) == 3 and ended == 3


def test_a_persons_page_counts_reports_held_and_hidden_content(app, moderator, make_user, make_post, add_comment):
    person = make_user()
    post = make_post(person, title="Meins")
    comment_id = add_comment(person, post, "Ein Kommentar")
    reporter = english_client(app)
    reporter.login(make_user())
    reporter.submit(f"/comments/{comment_id}/report", {"reason": "spam"})
    reporter.submit(f"/posts/{post.id}/report", {"reason": "abuse"})
    moderator.submit(f"/moderation/comments/{comment_id}/hide", {"next": "/moderation/"}, form_url="/moderation/")
    page = text_of(moderator.get(f"/moderation/people/{person.id}"))
    assert "1 open · 2 in all" in page
    assert "<dt>Posts and comments hidden by moderators</dt><dd>1</dd>" in page
    assert "No warnings, silences or suspensions so far." in page
    assert f'href="/moderation/people/{person.id}"' in text_of(moderator.get("/moderation/"))


def test_the_admins_people_list_leads_to_the_history_and_suspends(app, client, make_user):
    client.login(make_user(Role.ADMIN))
    person = make_user(name="Listed Person")
    page = text_of(client.get("/admin/?q=Listed"))
    assert f'href="/moderation/people/{person.id}"' in page
    assert f'href="/moderation/people/{person.id}/suspension"' in page


def test_sanctions_are_in_the_persons_data_and_go_with_the_erased_account(app, moderator, make_user):
    from app.services import data_export, erasure

    person = make_user()
    decide(moderator, person, "warning", "Bitte freundlich bleiben")
    with app.test_request_context():
        user = db.session.get(User, person.id)
        import zipfile

        with zipfile.ZipFile(data_export.build(user)) as archive:
            assert "Bitte freundlich bleiben" in archive.read("moderation_of_you.json").decode()
        erasure.erase(user)
        db.session.commit()
    assert sanctions_of(app, person) == []


def test_the_migration_gives_earlier_suspensions_their_history_and_clears_those_already_over(app):
    """Before 0022 a suspension past its end stopped counting but stayed on the row: the worker must not mail
    those people "your suspension has ended" months later."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from app.models.types import UTCDateTime
    from app.services import sanctions

    users = sa.table("users", *(sa.column(name) for name in ("id", "email", "display_name", "password_hash", "role",
                                                              "session_version", "suspension_reason")),
                     *(sa.column(name, UTCDateTime()) for name in ("created_at", "suspended_at", "suspended_until")))
    now = utcnow()
    people = {  # id: (suspended since, until, reason)
        1: (now - timedelta(days=10), now + timedelta(days=5), "Läuft noch"),
        2: (now - timedelta(days=10), now - timedelta(days=1), "Längst vorbei"),
        3: (now - timedelta(days=1), None, "Unbefristet"),
        4: (None, None, ""),
    }
    with app.app_context():
        db.session.remove()
        downgrade(revision="0020")
        with db.engine.begin() as conn:
            conn.execute(users.insert(), [
                {"id": number, "email": f"p{number}@example.org", "display_name": f"P{number}", "password_hash": "x",
                 "role": "alumnus", "session_version": 1, "created_at": now - timedelta(days=30), "suspended_at": since,
                 "suspended_until": until, "suspension_reason": reason}
                for number, (since, until, reason) in people.items()])
        upgrade()
        rows = {row.user_id: row for row in db.session.scalars(select(Sanction))}
        assert set(rows) == {1, 2, 3} and all(row.kind == SanctionKind.SUSPENSION for row in rows.values())
        assert rows[1].lifted_at is None and rows[1].reason == "Läuft noch"
        assert rows[2].ending == SanctionEnding.EXPIRED and rows[2].lifted_at == rows[2].ends_at
        assert rows[3].lifted_at is None and rows[3].ends_at is None
        assert db.session.get(User, 1).is_suspended and db.session.get(User, 3).is_suspended
        over = db.session.get(User, 2)
        assert over.suspended_at is None and over.suspension_reason == ""
        db.session.remove()
        with app.test_request_context():
            assert sanctions.end_due() == 0  # nothing left for the worker to mail
            db.session.rollback()


def test_every_ready_reason_has_its_button():
    from app.moderation.forms import REASON_TEMPLATE_LABELS
    from app.services.sanctions import REASON_TEMPLATES

    assert set(REASON_TEMPLATE_LABELS) == set(REASON_TEMPLATES)
