"""A newsletter that reaches people, with consent: who a news mail reaches by kind of consent, no sending to
nobody, the unticked news box at registration and invitation (double opt-in), consent imported from paper with
date and source, HTML and text parts without outside requests, members only or everyone, and sending at a set
time — against the real SMTP server on loopback."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from app.extensions import db
from app.models.audit import AuditAction, AuditEntry
from app.models.mail import OutgoingMail
from app.models.notification import Announcement, MailKind, MailMode, MailPreference, NewsConsent
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import DEFAULT_PASSWORD, run_together, text_of
from tests.integration.test_notifications import consent, run

BERLIN = ZoneInfo("Europe/Berlin")


def imported(app, user, source="Papierformular Mitgliederversammlung 2024", day=date(2024, 3, 15)):
    """Consent recorded from paper (the import's UI path is tested on its own)."""
    with app.app_context():
        db.session.add(NewsConsent(user_id=user.id, consented_on=day, source=source))
        db.session.add(MailPreference(user_id=user.id, kind=MailKind.NEWS, mode=MailMode.IMMEDIATELY,
                                      sent_until=utcnow()))
        db.session.commit()


def news_mails(mailbox, title):
    return [m for m in mailbox.messages if title in m["Subject"]]


def local_input(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------- the send form


def test_the_form_counts_by_consent_and_refuses_to_send_to_nobody(app, client, make_user, make_post, mailbox):
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Jahresbericht", kind="news")
    client.login(volunteer)
    url = f"/notifications/announce/{news.id}"
    page = text_of(client.get(url))
    assert "0 people opted in" in page and "Nobody would get this mail yet" in page
    assert re.search(r'<button[^>]*value="send"[^>]*disabled aria-describedby="nobody"', page)
    refused = client.submit(url, {"action": "send", "audience": "everyone", "when": "now"})
    assert refused.status_code == 400 and "Nobody would get this mail" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0

    right_away, digest = make_user(), make_user(Role.MEMBER)
    consent(app, right_away, news="immediately")
    consent(app, digest, news="weekly")
    paper = make_user(Role.MEMBER)
    imported(app, paper)
    waiting = make_user()
    with app.test_request_context():
        from app.services.mail_preferences import set_preferences

        set_preferences(db.session.get(User, waiting.id), {MailKind.NEWS: MailMode.IMMEDIATELY})
        db.session.commit()
    page = text_of(client.get(url))
    assert "3 people opted in" in page
    table = page[page.index("reach-caption"):page.index("</table>", page.index("reach-caption"))]
    cells = re.findall(r"<td>(\d+)</td>", table)
    # (everyone, members) per row: right away, digest, imported, total
    assert cells == ["1", "0", "1", "1", "1", "1", "3", "2"]
    assert "1 more person chose news by mail but has not confirmed yet" in page
    assert "disabled" not in page.split('value="send"')[1].split(">")[0]

    mailbox.clear()
    assert client.submit(url, {"action": "send", "audience": "members", "when": "now"}).status_code == 302
    assert len(mailbox.wait_for(digest.email)) == 1 and len(mailbox.wait_for(paper.email)) == 1
    assert news_mails(mailbox, "Jahresbericht") and not mailbox.to(right_away.email)
    assert not mailbox.to(waiting.email)
    again = client.submit(url, {"action": "send", "audience": "everyone", "when": "now"})  # a double submit
    assert again.status_code == 302
    run(app, "send-announcements")
    assert len(news_mails(mailbox, "Jahresbericht")) == 2
    assert "2 of 2 mails sent." in text_of(client.get(url))


def test_members_only_news_stays_with_members_whatever_is_chosen(app, client, make_user, make_post, mailbox):
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Nur intern", kind="news", visibility="members")
    alumnus, member = make_user(), make_user(Role.MEMBER)
    for person in (alumnus, member):
        consent(app, person, news="immediately")
    client.login(volunteer)
    page = text_of(client.get(f"/notifications/announce/{news.id}"))
    assert "1 person opted in" in page and 'name="audience"' not in page
    client.submit(f"/notifications/announce/{news.id}", {"action": "send", "audience": "everyone"})
    assert mailbox.wait_for(member.email)
    run(app, "send-announcements")
    assert mailbox.to(alumnus.email) == []
    with app.app_context():
        assert db.session.scalar(select(Announcement.audience)) == "members"


# ---------------------------------------------------------------- opting in where accounts begin


def test_registration_offers_an_unticked_box_that_starts_the_double_opt_in(app, client, new_client, make_user,
                                                                         make_post, mailbox, read_mail_link):
    page = text_of(client.get("/auth/register"))
    box = re.search(r'<input[^>]*name="news_mail"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    form = {"display_name": "Nina Neu", "password": DEFAULT_PASSWORD, "password_confirm": DEFAULT_PASSWORD,
            "accept_guidelines": "y"}
    client.submit("/auth/register", {**form, "email": "without@example.org"})
    new_client().submit("/auth/register", {**form, "email": "nina@example.org", "news_mail": "y"})
    without = mailbox.wait_for("without@example.org")
    assert len(without) == 1 and "confirm your mail settings" not in without[0]["Subject"]  # only the address
    mails = mailbox.wait_for("nina@example.org", count=2)
    assert any("confirm your mail settings" in m["Subject"] for m in mails)
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Willkommen", kind="news")
    writer = new_client()
    writer.login(volunteer)
    page = text_of(writer.get(f"/notifications/announce/{news.id}"))
    assert "0 people opted in" in page and "1 more person chose news by mail" in page  # nothing before confirming

    link = read_mail_link(mailbox, "nina@example.org", "/notifications/confirm/")
    assert new_client().submit(link).status_code == 302
    with app.app_context():
        nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
        assert nina.mail_consent_at is not None and nina.is_verified  # the link proved the address
        assert db.session.scalar(select(MailPreference.mode).where(
            MailPreference.user_id == nina.id, MailPreference.kind == MailKind.NEWS)) == "immediately"
        assert db.session.get(MailPreference, (
            db.session.scalar(select(User.id).where(User.email == "without@example.org")), MailKind.NEWS)) is None
    assert writer.submit(f"/notifications/announce/{news.id}", {"action": "send"}).status_code == 302
    assert any("Willkommen" in m["Subject"] for m in mailbox.wait_for("nina@example.org", count=3))
    assert not any("Willkommen" in m["Subject"] for m in mailbox.to("without@example.org"))


def test_invitation_acceptance_offers_the_news_box_new_and_logged_in(app, client, new_client, make_user, mailbox,
                                                                    read_mail_link):
    client.login(make_user(Role.VOLUNTEER))
    alumnus = make_user(email="schon.da@example.org")
    client.submit("/members/invitations", {"addresses": "neu@example.org, Neue Person\nschon.da@example.org"})
    link = read_mail_link(mailbox, "neu@example.org", "/members/join/")
    newcomer = new_client()
    box = re.search(r'<input[^>]*name="news_mail"[^>]*>', text_of(newcomer.get(link))).group(0)
    assert "checked" not in box
    answer = newcomer.submit(link, {"display_name": "Neue Person", "password": "violet kettle harbour 42",
                                    "password_confirm": "violet kettle harbour 42", "accept_guidelines": "y",
                                    "news_mail": "y"})
    assert answer.status_code == 302
    consent_link = read_mail_link(mailbox, "neu@example.org", "/notifications/confirm/")
    owner = new_client()
    owner.login(alumnus)
    other_link = read_mail_link(mailbox, "schon.da@example.org", "/members/join/")
    assert "news_mail" in text_of(owner.get(other_link))
    assert owner.submit(other_link, {"news_mail": "y"}).status_code == 302
    assert any("confirm your mail settings" in m["Subject"] for m in mailbox.wait_for("schon.da@example.org", 2))
    with app.app_context():
        from app.services.announcements import recipient_count

        assert recipient_count("members") == 0  # asked, not confirmed: nothing yet
    assert newcomer.submit(consent_link).status_code == 302
    with app.app_context():
        from app.services.announcements import recipient_count

        assert recipient_count("members") == 1


# ---------------------------------------------------------------- consent from paper


CSV = ("email;date;source\n"
       "anna@example.org;15.03.2024;Papierformular Mitgliederversammlung 2024\n"
       "nobody@example.org;2024-03-15;Papierformular Mitgliederversammlung 2024\n"
       "not-an-email;15.03.2024;Papier\n"
       "bert@example.org;31.02.2024;Papier\n"
       "bert@example.org;01.01.2999;Papier\n"
       "carla@example.org;2023-11-02\n"
       "off@example.org;15.03.2024;Papier\n"
       "anna@example.org;15.03.2024;Papierformular Mitgliederversammlung 2024\n")


def upload(client, text: str | bytes, **extra):
    raw = text.encode() if isinstance(text, str) else text
    return client.submit("/admin/news-consent", {"action": "preview", "csv_file": (io.BytesIO(raw), "consent.csv"),
                                                 **extra}, content_type="multipart/form-data")


def test_consent_import_previews_records_once_audits_and_exports(app, client, new_client, make_user, make_post,
                                                               mailbox):
    admin = make_user(Role.ADMIN)
    anna = make_user(email="anna@example.org", name="Anna Alt")
    make_user(email="bert@example.org")
    carla = make_user(Role.MEMBER, email="carla@example.org")
    off = make_user(email="off@example.org")
    consent(app, off, news="off")  # turned news off on the site: the paper form does not override that
    client.login(admin)
    preview = upload(client, CSV)
    page = text_of(preview)
    assert preview.status_code == 200
    assert "1 consent will be recorded." in page  # anna; carla's row has no source yet
    assert "1 address has no account" in page and "nobody@example.org" in page
    assert "1 person turned news by mail off on the site" in page
    assert "1 row was recorded before" in page  # line 9: anna twice in one file
    for line, reason in ((4, "not a valid email address"), (5, "not a date like"), (6, "in the future"),
                         (7, "the source is missing")):
        assert re.search(rf"<td>{line}</td><td><code>[^<]*</code></td><td>[^<]*{reason}", page), (line, reason)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(NewsConsent)) == 0  # a preview writes nothing

    with_source = upload(client, CSV, default_source="Mailingliste 2023")
    assert "2 consents will be recorded." in text_of(with_source)
    confirm = {"action": "confirm", "csv_text": CSV, "default_source": "Mailingliste 2023"}
    done = client.submit("/admin/news-consent", confirm)
    assert done.status_code == 302
    assert "2 consents recorded." in text_of(client.get("/admin/news-consent"))
    again = client.submit("/admin/news-consent", confirm)  # a double submit
    assert again.status_code == 302
    page = text_of(client.get("/admin/news-consent"))
    assert "Nothing new" in page and "Anna Alt" in page and "Papierformular Mitgliederversammlung 2024" in page
    with app.app_context():
        rows = {(c.user_id, c.consented_on, c.source) for c in db.session.scalars(select(NewsConsent))}
        assert rows == {(anna.id, date(2024, 3, 15), "Papierformular Mitgliederversammlung 2024"),
                        (carla.id, date(2023, 11, 2), "Mailingliste 2023")}
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == AuditAction.NEWS_CONSENT_IMPORTED)).all()
        assert len(entries) == 1 and entries[0].actor_id == admin.id and entries[0].new_value.startswith("2: ")
        assert db.session.get(MailPreference, (off.id, MailKind.NEWS)).mode == "off"
    assert "Consent to news by mail imported" in text_of(client.get("/admin/audit"))
    assert "News consent of March 15, 2024: Papierformular" in text_of(client.get("/admin/?q=anna"))

    # Anna's news now reaches her (her address is confirmed); her export shows where the consent came from.
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Vom Papier", kind="news")
    writer = new_client()
    writer.login(volunteer)
    assert "Consent imported with date and source" in text_of(writer.get(f"/notifications/announce/{news.id}"))
    writer.submit(f"/notifications/announce/{news.id}", {"action": "send"})
    assert any("Vom Papier" in m["Subject"] for m in mailbox.wait_for(anna.email))
    person = new_client()
    person.login(anna)
    archive = zipfile.ZipFile(io.BytesIO(person.submit("/account/data", {"current_password": DEFAULT_PASSWORD}).data))
    exported = json.loads(archive.read("news_consent.json"))
    assert exported[0]["consented_on"] == "2024-03-15"
    assert exported[0]["source"] == "Papierformular Mitgliederversammlung 2024"
    assert "news_consent.json: Consent to news by mail you gave outside the site" in archive.read(
        "README.txt").decode()
    assert "Your consent to news by mail of March 15, 2024 (Papierformular" in text_of(person.get(
        "/notifications/settings"))

    # One click in the mail ends it; importing the old paper form again does not switch it back on.
    unsubscribe = [m for m in mailbox.to(anna.email) if "Vom Papier" in m["Subject"]][0]["List-Unsubscribe"]
    path = "/" + unsubscribe.strip("<>").split("://", 1)[1].split("/", 1)[1]
    assert new_client().post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert "2 people turned news by mail off on the site" in text_of(upload(client, CSV))  # anna now, too
    with app.app_context():
        from app.services.announcements import recipient_count

        assert recipient_count("everyone") == 1  # carla only


def test_consent_import_limits_and_junk_never_give_a_500(client, make_user):
    client.login(make_user(Role.ADMIN))
    too_large = upload(client, b"a@example.org;15.03.2024;x\n" * 50_000)
    assert too_large.status_code == 400 and "The file is too large" in text_of(too_large)
    too_many = upload(client, "".join(f"p{n}@example.org;15.03.2024;Papier\n" for n in range(5001)))
    assert too_many.status_code == 400 and "At most 5000 rows" in text_of(too_many)
    for junk in (b"\xff\xfe\x00\x00;\x00", b"", b"\n\n;;;\n", "ä@ö;x;y\n".encode("cp1252"),
                 b"a@example.org;15.03.2024;" + b"x" * 300 + b"\n", b"a@example.org;15.03.2024;<b>\n"):
        answer = upload(client, junk)
        assert answer.status_code in (200, 400), junk
    nothing = client.submit("/admin/news-consent", {"action": "confirm", "csv_text": ""})
    assert nothing.status_code == 400


# ---------------------------------------------------------------- the mail itself


def test_news_mail_has_a_safe_html_part_and_a_text_part_without_outside_requests(app, client, make_user, make_post,
                                                                                 mailbox):
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Fest <script>alert(1)</script>", kind="news",
                     body="Wir feiern **groß**! [Programm](/events/) und [Anmeldung](https://example.org/anmelden)",
                     body_html='<p>Wir feiern <strong>groß</strong>! <a href="/events/" rel="nofollow ugc noopener">'
                               'Programm</a> und <a href="https://example.org/anmelden" rel="nofollow ugc noopener">'
                               'Anmeldung</a></p><p><img src="/files/7/960.webp" alt="Grillfoto" loading="lazy" '
                               'decoding="async" class="inline-photo"></p>')
    client.login(volunteer)
    client.submit(f"/notifications/announce/{news.id}", {"action": "test"})
    mail = mailbox.wait_for(volunteer.email)[-1]
    assert mail.get_content_type() == "multipart/alternative"
    html = mail.get_body(preferencelist=("html",)).get_content()
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "<strong>groß</strong>" in html and "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "src=" not in html and "url(" not in html and "<link" not in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert "http://localhost/events/" in hrefs and "https://example.org/anmelden" in hrefs
    assert all(h.startswith(("http://localhost/", "https://example.org/")) for h in hrefs), hrefs
    assert "http://localhost/files/7" in hrefs  # the photo is a link to its page on the site
    assert "Wir feiern groß!" in text and "Programm (http://localhost/events/)" in text
    assert "\N{CAMERA} Grillfoto (http://localhost/files/7)" in text and "**" not in text
    assert "/notifications/unsubscribe/" in text and "/notifications/unsubscribe/" in html


# ---------------------------------------------------------------- a set time


def test_a_scheduled_sending_starts_when_due_once_and_a_future_one_waits(app, client, make_user, make_post,
                                                                         mailbox):
    from app import jobs

    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Später", kind="news")
    fans = [make_user() for _ in range(3)]
    for fan in fans:
        consent(app, fan, news="immediately")
    client.login(volunteer)
    url = f"/notifications/announce/{news.id}"
    past = client.submit(url, {"action": "send", "when": "later", "send_at": local_input(utcnow() - timedelta(hours=1))})
    assert past.status_code == 400 and "Please choose a time in the future." in text_of(past)
    empty = client.submit(url, {"action": "send", "when": "later", "send_at": ""})
    assert empty.status_code == 400 and "Please enter when it should be sent." in text_of(empty)

    when = (utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
    answer = client.submit(url, {"action": "send", "when": "later", "send_at": local_input(when)})
    assert answer.status_code == 302
    page = text_of(client.get(url))
    assert "Scheduled: the mail goes out on" in page and "Cancel the scheduled sending" in page
    with app.app_context():
        scheduled = db.session.scalar(select(Announcement))
        assert scheduled.scheduled_at == when and scheduled.started_at is None  # typed in Berlin time, kept as UTC
    with app.app_context():
        jobs.send_announcements.call_local()  # the worker's minute job: not due yet
    assert news_mails(mailbox, "Später") == []

    with app.app_context():
        db.session.execute(update(Announcement).values(scheduled_at=utcnow() - timedelta(seconds=5)))
        db.session.commit()
        jobs.send_announcements.call_local()
        jobs.send_announcements.call_local()
    for fan in fans:
        assert len([m for m in mailbox.wait_for(fan.email) if "Später" in m["Subject"]]) == 1
    assert "3 of 3 mails sent." in text_of(client.get(url))
    late = client.submit(url, {"action": "cancel"})
    assert late.status_code == 400 and "can no longer be cancelled" in text_of(late)


def test_a_scheduled_sending_can_be_cancelled_before_it_starts(app, client, make_user, make_post, mailbox):
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Abgesagt", kind="news")
    fan = make_user()
    consent(app, fan, news="immediately")
    client.login(volunteer)
    url = f"/notifications/announce/{news.id}"
    client.submit(url, {"action": "send", "audience": "everyone", "when": "later",
                        "send_at": local_input(utcnow() + timedelta(days=1))})
    assert client.submit(url, {"action": "cancel"}).status_code == 302
    assert "The scheduled sending is cancelled." in text_of(client.get(url))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0
    run(app, "send-announcements")
    assert news_mails(mailbox, "Abgesagt") == []
    assert 'value="send"' in text_of(client.get(url))  # it can be sent or scheduled again


def test_two_workers_starting_one_due_sending_mail_each_person_once(app, make_user, make_post):
    from app.services import announcements

    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Gleichzeitig", kind="news")
    fans = [make_user() for _ in range(6)]
    for fan in fans:
        consent(app, fan, news="immediately")
    with app.test_request_context():
        announcements.schedule(db.session.get(User, volunteer.id), news, "everyone", utcnow() + timedelta(hours=1))
        db.session.execute(update(Announcement).values(scheduled_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    _results, errors = run_together(app, lambda _copy: announcements.send_pending_batches(), range(4))
    assert errors == []
    with app.app_context():
        recipients = db.session.scalars(select(OutgoingMail.recipient).where(
            OutgoingMail.subject.contains("Gleichzeitig"))).all()
        assert sorted(recipients) == sorted(fan.email for fan in fans)
