"""Events: sign-up in one click, waitlist in order, cancel (also by mailed link), organizers' tools."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models.event import Event, Signup
from app.models.user import Role
from tests.conftest import text_of


def status_of(app, event_id, user):
    with app.app_context():
        signup = db.session.scalar(select(Signup).where(
            Signup.event_id == event_id, Signup.user_id == user.id))
        return signup.status if signup else None


def seats(app, event_id):
    with app.app_context():
        return db.session.get(Event, event_id).seats_taken


def sign_up(client, event_id, **data):
    return client.submit(f"/events/{event_id}/signup", data, form_url=f"/events/{event_id}")


def test_sign_up_confirms_and_mails_an_ics_and_a_cancel_link(app, client, make_user, make_event, mailbox):
    event = make_event(capacity=2)
    user = make_user()
    client.login(user)
    response = sign_up(client, event.id)
    assert response.status_code == 302
    assert status_of(app, event.id, user) == "confirmed" and seats(app, event.id) == 1
    page = text_of(client.get(f"/events/{event.id}"))
    assert "You are signed up." in page and "https://meet.example.org/room" in page
    mail = mailbox.wait_for(user.email)[-1]
    attachment = next(part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(attachment.get_content())
    entry = next(iter(calendar.walk("VEVENT")))
    assert str(entry["summary"]) == "Sommerfest" and entry.get("uid") and entry.get("dtstamp")
    assert "/events/cancel/" in mailbox.body(mail)


def test_waitlist_in_order_and_promotion_by_mail_link(app, client, new_client, make_user, make_event, mailbox,
                                                      read_mail_link):
    event = make_event(capacity=2)
    people = [make_user(name=f"Person {n}") for n in range(4)]
    for person in people:
        browser = new_client()
        browser.login(person)
        sign_up(browser, event.id)
    assert [status_of(app, event.id, p) for p in people] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert "place 1" in mailbox.body(mailbox.wait_for(people[2].email)[-1])
    assert "place 2" in mailbox.body(mailbox.wait_for(people[3].email)[-1])
    # The first cancels through the link in the mail, without logging in.
    link = read_mail_link(mailbox, people[0].email, "/events/cancel/")
    assert client.get(link).status_code == 200 and status_of(app, event.id, people[0]) == "confirmed"
    assert client.submit(link).status_code == 302
    assert status_of(app, event.id, people[0]) == "cancelled"
    assert status_of(app, event.id, people[2]) == "confirmed" and status_of(app, event.id, people[3]) == "waitlisted"
    promoted = mailbox.wait_for(people[2].email, count=2)[-1]
    assert "moved up" in mailbox.body(promoted)
    assert any(p.get_content_type() == "text/calendar" for p in promoted.iter_attachments())
    assert seats(app, event.id) == 2
    # Using the link again changes nothing (the page now only says it is cancelled).
    assert "This sign-up is cancelled." in text_of(client.get(link))
    client.submit(link, form_url="/auth/reset")
    assert seats(app, event.id) == 2


def test_signing_up_twice_changes_nothing(app, client, make_user, make_event):
    event = make_event(capacity=5)
    client.login(make_user())
    sign_up(client, event.id)
    sign_up(client, event.id)
    with app.app_context():
        assert len(db.session.scalars(select(Signup)).all()) == 1
    assert seats(app, event.id) == 1


def test_full_event_without_waitlist_says_so(app, client, new_client, make_user, make_event):
    event = make_event(capacity=1, waitlist=False)
    first = new_client()
    first.login(make_user())
    sign_up(first, event.id)
    client.login(make_user())
    response = sign_up(client, event.id)
    assert response.status_code == 303
    assert "fully booked" in text_of(client.get(f"/events/{event.id}"))
    assert seats(app, event.id) == 1


def test_guests_count_and_are_limited(app, client, make_user, make_event):
    event = make_event(capacity=3, max_guests=2)
    user = make_user()
    client.login(user)
    response = sign_up(client, event.id, guests="3")
    assert response.status_code == 303
    assert status_of(app, event.id, user) is None
    assert "at most 2 guests" in text_of(client.get(f"/events/{event.id}"))
    sign_up(client, event.id, guests="2", note="vegetarisch")
    assert seats(app, event.id) == 3
    response = sign_up(client, event.id, guests="-1")
    assert seats(app, event.id) == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"cancelled_at": "now"}, "cancelled"), ({"starts_in": timedelta(hours=-1)}, "already started"),
     ({"signup_opens_at": "future"}, "not opened yet"), ({"signup_closes_at": "past"}, "Sign-up has closed")],
)
def test_sign_up_refused_outside_the_window(app, client, make_user, make_event, fields, message):
    from app.models.types import utcnow

    values = {"now": utcnow(), "future": utcnow() + timedelta(days=1), "past": utcnow() - timedelta(minutes=1)}
    extra = {key: values.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    starts_in = extra.pop("starts_in", timedelta(days=7))
    event = make_event(capacity=5, starts_in=starts_in, **extra)
    user = make_user()
    client.login(user)
    response = sign_up(client, event.id)
    assert response.status_code == 303 and status_of(app, event.id, user) is None
    assert message in text_of(client.get(f"/events/{event.id}"))


def test_members_only_event_is_404_for_non_members(app, client, make_user, make_event):
    event = make_event(capacity=5, visibility="members", title="Mitgliederabend ZZSECRET")
    client.login(make_user())
    assert client.get(f"/events/{event.id}").status_code == 404
    assert sign_up(client, event.id).status_code == 404
    assert client.get(f"/events/{event.id}.ics").status_code == 404
    assert "ZZSECRET" not in text_of(client.get("/events/")) + text_of(client.get("/events.ics"))
    client.logout()
    client.login(make_user(Role.MEMBER))
    assert sign_up(client, event.id).status_code == 302
    assert "Mitgliederabend" in text_of(client.get("/members/"))


def test_online_link_only_for_confirmed_attendees(client, make_user, make_event):
    event = make_event(capacity=5)
    page = text_of(client.get(f"/events/{event.id}"))
    assert "meet.example.org" not in page and "shown to confirmed attendees" in page
    assert b"meet.example.org" not in client.get(f"/events/{event.id}.ics").data


def test_unverified_cannot_sign_up(app, client, make_user, make_event):
    event = make_event(capacity=5)
    user = make_user(verified=False)
    client.login(user)
    sign_up(client, event.id)
    assert status_of(app, event.id, user) is None


def test_capacity_up_promotes_and_down_never_removes(app, client, new_client, make_user, make_event, mailbox):
    organizer = make_user(Role.VOLUNTEER)
    event = make_event(organizer, capacity=1)
    people = [make_user() for _ in range(3)]
    for person in people:
        browser = new_client()
        browser.login(person)
        sign_up(browser, event.id)
    client.login(organizer)
    form = edit_form(client, event.id)
    response = client.submit(f"/events/{event.id}/edit", {**form, "capacity": "2"})
    assert response.status_code == 302
    assert [status_of(app, event.id, p) for p in people] == ["confirmed", "confirmed", "waitlisted"]
    assert any("moved up" in mailbox.body(m) for m in mailbox.to(people[1].email))
    response = client.submit(f"/events/{event.id}/edit", {**form, "capacity": "1"})
    assert response.status_code == 400 and "cannot be lower" in text_of(response)
    assert seats(app, event.id) == 2


def edit_form(client, event_id):
    import re

    page = text_of(client.get(f"/events/{event_id}/edit"))
    values = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))
    values.update(dict(re.findall(r'value="([^"]*)"[^>]*name="(\w+)"', page)[::-1]))
    values = {k: v for k, v in values.items() if k in {
        "title", "starts_at", "ends_at", "place", "online_url", "capacity", "max_guests", "note_label"}}
    values.update({"timezone": "Europe/Berlin", "visibility": "public", "waitlist_enabled": "y",
                   "description": "x"})
    return values


def test_create_event_with_bad_input(app, client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    base = {"title": "Workshop", "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T20:00",
            "timezone": "Europe/Berlin", "visibility": "public", "max_guests": "0"}
    cases = [({"ends_at": "2030-05-01T17:00"}, "must not be before the start"),
             ({"capacity": "-1"}, "from 0 to 100000"), ({"starts_at": "tomorrow"}, "Not a valid datetime value"),
             ({"online_url": "javascript:alert(1)"}, "starting with https://"), ({"title": ""}, "Please enter a title.")]
    for changes, message in cases:
        response = client.submit("/events/new", {**base, **changes})
        assert response.status_code == 400 and message in text_of(response), changes
        assert 'value="Workshop"' in text_of(response) or changes.get("title") == ""
    response = client.submit("/events/new", {**base, "capacity": "20"})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.starts_at.hour == 16  # 18:00 in Berlin (summer time) is 16:00 UTC
        assert event.discussion is not None and event.discussion.kind == "event"


def test_duplicate_prefills_the_form(client, make_user, make_event):
    organizer = make_user(Role.VOLUNTEER)
    event = make_event(organizer, title="Stammtisch", capacity=12)
    client.login(organizer)
    page = text_of(client.get(f"/events/new?from={event.id}"))
    assert 'value="Stammtisch (copy)"' in page and 'value="12"' in page


def test_cancelling_an_event_tells_everyone(app, client, new_client, make_user, make_event, mailbox):
    organizer = make_user(Role.VOLUNTEER)
    event = make_event(organizer, capacity=1)
    people = [make_user() for _ in range(2)]
    for person in people:
        browser = new_client()
        browser.login(person)
        sign_up(browser, event.id)
    client.login(organizer)
    client.submit(f"/events/{event.id}/cancel")
    for person in people:
        assert any("Cancelled" in m["Subject"] or "Abgesagt" in m["Subject"] for m in mailbox.to(person.email))
    browser = new_client()
    browser.login(make_user())
    sign_up(browser, event.id)
    assert "This event has been cancelled." in text_of(browser.get(f"/events/{event.id}"))


def test_attendee_list_csv_message_and_manual_changes(app, client, new_client, make_user, make_event, mailbox):
    organizer = make_user(Role.VOLUNTEER)
    event = make_event(organizer, capacity=1, note_label="Ernährung")
    ada = make_user(name="Ada Ümlaut")
    browser = new_client()
    browser.login(ada)
    sign_up(browser, event.id, note="=HYPERLINK(evil)")
    bob = make_user(name="Bob")
    client.login(organizer)
    client.submit(f"/events/{event.id}/attendees/add", {"email": bob.email}, form_url=f"/events/{event.id}/attendees")
    assert status_of(app, event.id, bob) == "waitlisted"
    page = text_of(client.get(f"/events/{event.id}/attendees"))
    assert "Ada Ümlaut" in page and "Bob" in page
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][4] == "Ernährung" and rows[1][0] == "Ada Ümlaut" and rows[1][4] == "'=HYPERLINK(evil)"
    # Times in the event's own zone, and the header says which.
    assert rows[0][5] == "Signed up (Europe/Berlin)"
    with app.app_context():
        from zoneinfo import ZoneInfo

        queued = db.session.scalar(select(Signup.queued_at).where(Signup.user_id == ada.id))
    assert rows[1][5] == queued.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
    client.submit(f"/events/{event.id}/message", {"subject": "Treffpunkt", "body": "Am Haupteingang."})
    assert any(m["Subject"] == "Treffpunkt" and m["Reply-To"] == organizer.email for m in mailbox.to(ada.email))
    assert not any(m["Subject"] == "Treffpunkt" for m in mailbox.to(bob.email))
    with app.app_context():
        ada_registration = db.session.scalar(select(Signup.id).where(Signup.user_id == ada.id))
    client.submit(f"/events/{event.id}/attendees/{ada_registration}/remove", form_url=f"/events/{event.id}/attendees")
    assert status_of(app, event.id, ada) == "cancelled" and status_of(app, event.id, bob) == "confirmed"
    response = client.submit(f"/events/{event.id}/attendees/add", {"email": "nobody@example.org"},
                             form_url=f"/events/{event.id}/attendees", follow_redirects=True)
    assert "There is no account" in text_of(response)


def test_forged_cancel_link(client):
    response = client.get("/events/cancel/forged-token")
    assert response.status_code == 400 and "not valid" in text_of(response)


def test_calendars(app, client, make_user, make_event):
    public = make_event(title="Öffentlich", capacity=5)
    members = make_event(title="Intern", capacity=5, visibility="members")
    feed = Calendar.from_ical(client.get("/events.ics").data)
    summaries = [str(e["summary"]) for e in feed.walk("VEVENT")]
    assert "Öffentlich" in summaries and "Intern" not in summaries
    assert feed.walk("VTIMEZONE")
    member = make_user(Role.MEMBER)
    client.login(member)
    for event in (public, members):
        sign_up(client, event.id)
    client.submit("/account/calendar-token", form_url="/account/")
    with app.app_context():
        from app.models.user import User

        token = db.session.get(User, member.id).calendar_token
    personal = Calendar.from_ical(client.get(f"/events/calendar/{token}.ics").data)
    assert {str(e["summary"]) for e in personal.walk("VEVENT")} == {"Öffentlich", "Intern"}
    assert "meet.example.org" in client.get(f"/events/calendar/{token}.ics").data.decode()
    client.submit("/account/calendar-token", form_url="/account/")
    assert client.get(f"/events/calendar/{token}.ics").status_code == 404


def test_reminders_are_sent_once(app, make_user, make_event, mailbox, client):
    event = make_event(capacity=5, starts_in=timedelta(hours=5))
    later = make_event(capacity=5, starts_in=timedelta(days=5))
    person = make_user()
    client.login(person)
    sign_up(client, event.id)
    sign_up(client, later.id)
    mailbox.clear()
    runner = app.test_cli_runner()
    assert "1 reminders queued." in runner.invoke(args=["send-reminders"]).output
    assert "0 reminders queued." in runner.invoke(args=["send-reminders"]).output
    reminders = mailbox.wait_for(person.email)
    assert len(reminders) == 1 and "/events/cancel/" in mailbox.body(reminders[0])


def test_mail_from_cron_links_to_the_configured_site_url(database_url, smtp_server, app, make_user, make_event,
                                                         mailbox, client):
    """Reminders, and every link in them, point at SITE_URL (not at a developer's port)."""
    from tests.conftest import make_app

    event = make_event(capacity=5, starts_in=timedelta(hours=5))
    person = make_user()
    client.login(person)
    sign_up(client, event.id)
    mailbox.clear()
    site = make_app(database_url, smtp_server[0].port, SITE_URL="https://verein.example.org")
    assert "1 reminders queued." in site.test_cli_runner().invoke(args=["send-reminders"]).output
    body = mailbox.body(mailbox.wait_for(person.email)[-1])
    links = [link for link in re.findall(r"https?://\S+", body) if "meet.example.org" not in link]  # online room
    assert len(links) >= 3 and all(link.startswith("https://verein.example.org/") for link in links), links


def test_my_events_on_the_account_page(client, make_user, make_event):
    event = make_event(title="Mein Termin", capacity=5)
    client.login(make_user())
    sign_up(client, event.id)
    page = text_of(client.get("/account/"))
    assert "Mein Termin" in page
    client.submit(f"/events/{event.id}/cancel-signup", form_url="/account/")
    assert "Mein Termin" not in text_of(client.get("/account/"))


def test_cancelling_from_the_event_page_asks_first(app, client, make_user, make_event):
    event = make_event(capacity=1)
    first = make_user()
    client.login(first)
    sign_up(client, event.id)
    page = text_of(client.get(f"/events/{event.id}"))
    assert f'href="/events/{event.id}/cancel-signup"' in page  # a link to a question, not a one-tap POST
    question = client.get(f"/events/{event.id}/cancel-signup")
    assert question.status_code == 200 and "Your seat goes to the next person" in text_of(question)
    with app.app_context():
        assert db.session.scalar(select(Signup.status).where(Signup.user_id == first.id)) == "confirmed"
    client.submit(f"/events/{event.id}/cancel-signup")
    with app.app_context():
        assert db.session.scalar(select(Signup.status).where(Signup.user_id == first.id)) == "cancelled"


def test_event_discussion_uses_the_comment_system(app, client, make_user, make_event):
    event = make_event(capacity=5)
    client.login(make_user())
    with app.app_context():
        post_id = db.session.get(Event, event.id).discussion_id
    response = client.submit(f"/posts/{post_id}/comments", {"body": "Ich bringe Salat mit."},
                             form_url=f"/events/{event.id}")
    assert response.status_code == 302
    page = text_of(client.get(f"/events/{event.id}"))
    assert "Ich bringe Salat mit." in page
    assert client.get(f"/posts/{post_id}").headers["Location"] == f"/events/{event.id}"
    assert "Ich bringe Salat" not in text_of(client.get("/")) and "Sommerfest" not in text_of(client.get("/"))
