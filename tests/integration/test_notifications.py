"""Following, the bell, mail preferences with double opt-in, digests once, unsubscribe, announcements."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.notification import DigestClaim, MailKind, MailMode, Notification
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import english_client, run_together, text_of


def consent(app, user, **modes):
    """Set mail modes and the confirmed double opt-in directly (the UI path is tested separately)."""
    from app.services.mail_preferences import set_preferences

    with app.test_request_context():
        person = db.session.get(User, user.id)
        person.mail_consent_at = utcnow() - timedelta(days=1)
        set_preferences(person, {MailKind(kind): MailMode(mode) for kind, mode in modes.items()})
        from app.models.notification import MailPreference

        for preference in db.session.scalars(select(MailPreference).where(MailPreference.user_id == user.id)):
            preference.sent_until = utcnow() - timedelta(hours=1)
        db.session.commit()


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_reply_and_mention_reach_the_bell(app, client, new_client, make_user, make_post, add_comment):
    post = make_post()
    ada = make_user(name="Ada Lovelace")
    bob = make_user(name="Bob Builder")
    first = add_comment(ada, post, "Erster Kommentar")
    add_comment(bob, post, "Antwort an Ada", parent=first)
    add_comment(bob, post, "Hallo @ada_lovelace, schau mal")
    client.login(ada)
    page = text_of(client.get("/"))
    assert '2<span class="visually-hidden"> unread' in page
    listing = text_of(client.get("/notifications/"))
    assert "2 new replies and mentions in A title" in listing
    # Opening the group marks it read and goes to the comment where reading should start.
    response = client.submit(f"/notifications/open/post/{post.id}", {"next": f"/comments/{first}"},
                             form_url="/notifications/")
    assert response.headers["Location"] == f"/comments/{first}"
    assert "unread" not in text_of(client.get("/notifications/")).split("<main")[1].split("</main>")[0]


def test_followers_hear_about_new_comments_and_not_about_their_own(app, make_user, make_post, add_comment):
    author = make_user()
    post = make_post(author)  # starting a discussion follows it
    replier = make_user()
    add_comment(replier, post, "Erste Antwort")
    add_comment(replier, post, "Zweite Antwort")
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == author.id)).all()
        assert kinds == ["followed", "followed"]
        assert db.session.scalar(select(func.count()).where(Notification.user_id == replier.id)) == 0


def test_unknown_mentions_do_nothing(app, make_user, make_post, add_comment):
    post = make_post()
    add_comment(make_user(), post, "Hallo @niemand_hier und @x und email@example.org")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) <= 1  # only the follower


def test_members_only_threads_never_notify_non_members(app, make_user, make_post, add_comment):
    member = make_user(Role.MEMBER)
    outsider = make_user(name="Out Sider")
    post = make_post(member, visibility="members")
    add_comment(member, post, "Psst @out_sider")
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Notification.user_id == outsider.id)) == 0


def test_hidden_content_disappears_from_notifications(app, client, make_user, make_post, add_comment):
    author = make_user()
    post = make_post(author)
    bad = add_comment(make_user(), post, "Wird ausgeblendet")
    with app.test_request_context():
        from app.models.post import Comment
        from app.services.comments import set_comment_hidden

        set_comment_hidden(db.session.get(User, make_user(Role.VOLUNTEER).id), db.session.get(Comment, bad), True)
        db.session.commit()
    client.login(author)
    assert "No notifications yet" in text_of(client.get("/notifications/"))


def test_follow_a_category_and_the_events_calendar(app, client, make_user, make_post, make_event):
    from app.models.post import Category

    with app.app_context():
        db.session.add(Category(slug="karriere", name="Karriere"))
        db.session.commit()
        category_id = db.session.scalar(select(Category.id))
    follower = make_user(Role.MEMBER)
    client.login(follower)
    client.submit(f"/notifications/follow/category/{category_id}/follow", {"next": "/?category=karriere"},
                  form_url="/?category=karriere")
    client.submit("/notifications/follow/events/0/follow", {"next": "/events/"}, form_url="/events/")
    assert 'aria-pressed="true"' in text_of(client.get("/?category=karriere"))
    make_post(title="Jobbörse", category=category_id)
    make_event(title="Karriereabend", capacity=10)
    listing = text_of(client.get("/notifications/"))
    assert "New post: Jobbörse" in listing and "New event: Karriereabend" in listing
    client.submit(f"/notifications/follow/category/{category_id}/unfollow", {"next": "/"},
                  form_url="/?category=karriere")
    assert 'aria-pressed="false"' in text_of(client.get("/?category=karriere"))


def test_settings_need_double_opt_in(app, client, make_user, mailbox, read_mail_link):
    user = make_user(name="Opt In")
    client.login(user)
    response = client.submit("/notifications/settings", {"replies": "immediately", "followed": "daily",
                                                         "news": "weekly", "events": "off", "reminders": "off",
                                                         "auto_follow": "y", "handle": "opt_in_person"})
    assert response.status_code == 302
    assert "Please confirm" in text_of(client.get("/notifications/settings"))
    link = read_mail_link(mailbox, user.email, "/notifications/confirm/")
    client.submit(link)
    with app.app_context():
        person = db.session.get(User, user.id)
        assert person.mail_consent_at is not None and person.handle == "opt_in_person"


@pytest.mark.parametrize("handle", ["ab", "UPPER CASE", "bad-dash", "x" * 31, "<script>"])
def test_bad_handles_are_refused_and_kept(client, make_user, handle):
    client.login(make_user())
    response = client.submit("/notifications/settings", {"replies": "off", "followed": "off", "news": "off",
                                                         "events": "off", "reminders": "off", "handle": handle})
    assert response.status_code == 400


def test_taken_handle_is_refused(client, make_user):
    make_user(name="Taken Handle")
    client.login(make_user())
    response = client.submit("/notifications/settings", {"replies": "off", "followed": "off", "news": "off",
                                                         "events": "off", "reminders": "off",
                                                         "handle": "taken_handle"})
    assert response.status_code == 400 and "taken" in text_of(response)


def test_no_mail_without_consent(app, make_user, make_post, add_comment, mailbox):
    author = make_user()
    post = make_post(author)
    from app.services.mail_preferences import set_preferences

    with app.test_request_context():
        set_preferences(db.session.get(User, author.id), {MailKind.FOLLOWED: MailMode.IMMEDIATELY})
        db.session.commit()
    mailbox.clear()
    add_comment(make_user(), post, "Neu")
    assert "0 mails queued." in run(app, "send-notifications")


def test_immediate_mails_are_coalesced_and_sent_once(app, make_user, make_post, add_comment, mailbox):
    author = make_user()
    post = make_post(author, title="Thema")
    consent(app, author, followed="immediately")
    replier = make_user()
    for number in range(3):
        add_comment(replier, post, f"Antwort {number}")
    mailbox.clear()
    assert "1 mails queued." in run(app, "send-notifications")
    assert "0 mails queued." in run(app, "send-notifications")
    mails = mailbox.wait_for(author.email)
    assert len(mails) == 1
    body = mailbox.body(mails[0])
    assert all(f"Antwort {n}" in body for n in range(3))
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in mails[0]["List-Unsubscribe"]
    # On the wire the header is the plain <https://…> form mail programs need for one-click, not RFC 2047.
    raw = mails[0].raw_bytes.decode()
    assert re.search(r"^List-Unsubscribe: <http://[^>\s]+/notifications/unsubscribe/[^>\s]+>\r?$", raw, re.MULTILINE)
    assert "=?utf-8?" not in raw.split("\r\n\r\n")[0].split("\nList-Unsubscribe:")[1].split("\n")[0]


def test_daily_digest_once_html_and_text_skipping_people_with_nothing_new(app, make_user, make_post,
                                                                        add_comment, mailbox):
    busy, idle = make_user(name="Busy"), make_user(name="Idle")
    post = make_post(busy, title="Lebhafte Diskussion")
    consent(app, busy, followed="daily", news="daily")
    consent(app, idle, followed="daily")
    add_comment(make_user(), post, "Neuigkeit im Thread")
    make_post(title="Vereinsnachricht", kind="news")
    mailbox.clear()
    assert "1 digests queued." in run(app, "send-digests", "--period", "daily")
    assert "0 digests queued." in run(app, "send-digests", "--period", "daily")
    mail = mailbox.wait_for(busy.email)[-1]
    assert mailbox.to(idle.email) == []
    html = mail.get_body(preferencelist=("html",)).get_content()
    text = mailbox.body(mail)
    for part in (html, text):
        assert "Neuigkeit im Thread" in part and "Vereinsnachricht" in part
    assert "<script" not in html


def test_an_early_run_with_nothing_new_does_not_use_up_the_day(app, make_user, make_post, add_comment, mailbox):
    """The daily run at 00:05 finds nothing for Ada; a reply at 06:00 is in the 07:00 run of the same day,
    not a whole day later (only people who get a digest claim the day)."""
    ada = make_user(name="Ada")
    post = make_post(ada, title="Frage zum Stammtisch")
    consent(app, ada, replies="daily", followed="daily")
    mailbox.clear()
    assert "0 digests queued." in run(app, "send-digests", "--period", "daily")
    add_comment(make_user(), post, "Antwort kommt später")
    assert "1 digests queued." in run(app, "send-digests", "--period", "daily")
    assert "0 digests queued." in run(app, "send-digests", "--period", "daily")
    assert "Antwort kommt später" in mailbox.body(mailbox.wait_for(ada.email)[-1])


def test_digests_are_composed_once_under_concurrent_runs(app, make_user, make_post, add_comment):
    people = [make_user() for _ in range(6)]
    posts = [make_post(person, title=f"Thread {n}") for n, person in enumerate(people)]
    for person in people:
        consent(app, person, followed="weekly")
    writer = make_user()
    for post in posts:
        add_comment(writer, post, "Neu hier")
    from app.services.digests import send_digests

    _results, errors = run_together(app, lambda _copy: send_digests(MailMode.WEEKLY), range(4))
    assert errors == []
    with app.app_context():
        recipients = db.session.scalars(select(OutgoingMail.recipient)).all()
        assert sorted(recipients) == sorted(p.email for p in people)
        assert db.session.scalar(select(func.count()).select_from(DigestClaim)) == len(people)


def test_boundary_is_checked_at_send_time(app, make_user, make_post, add_comment, mailbox):
    author = make_user(Role.MEMBER)
    post = make_post(author, title="Wird intern")
    consent(app, author, followed="immediately")
    reader = make_user()
    consent(app, reader, followed="immediately")
    with app.test_request_context():
        from app.models.notification import FollowTarget
        from app.services.notifications import follow

        follow(db.session.get(User, reader.id), FollowTarget.POST, post.id)
        db.session.commit()
    add_comment(make_user(Role.MEMBER), post, "Geheimer Inhalt")
    with app.app_context():  # the post becomes members-only after the notification was made
        from app.models.post import Post

        db.session.get(Post, post.id).visibility = "members"
        db.session.commit()
    mailbox.clear()
    run(app, "send-notifications")
    assert mailbox.to(reader.email) == []
    assert "Geheimer Inhalt" in mailbox.body(mailbox.wait_for(author.email)[-1])


def test_one_click_unsubscribe_without_login(app, make_user, make_post, add_comment, mailbox):
    author = make_user()
    post = make_post(author)
    consent(app, author, followed="immediately")
    add_comment(make_user(), post, "x")
    run(app, "send-notifications")
    url = mailbox.wait_for(author.email)[-1]["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    anonymous = english_client(app)
    assert "Unsubscribe" in text_of(anonymous.get(path))
    response = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no more of these mails" in text_of(response)
    from app.services.mail_preferences import preferences

    with app.app_context():
        assert preferences(db.session.get(User, author.id))[MailKind.FOLLOWED] == MailMode.OFF
    assert anonymous.get("/notifications/unsubscribe/forged").status_code == 400
    assert anonymous.post("/notifications/unsubscribe/forged").status_code == 400


def test_announcement_preview_test_send_and_never_twice(app, client, make_user, make_post, mailbox):
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Große Neuigkeit", kind="news")
    members_news = make_post(volunteer, title="Nur für Mitglieder", kind="news", visibility="members")
    fans = [make_user() for _ in range(3)] + [make_user(Role.MEMBER)]
    for fan in fans:
        consent(app, fan, news="weekly")
    make_user()  # not opted in
    client.login(volunteer)
    page = text_of(client.get(f"/notifications/announce/{news.id}"))
    assert "4 people opted in" in page and "Große Neuigkeit" in page
    client.submit(f"/notifications/announce/{news.id}", {"action": "test"})
    assert mailbox.wait_for(volunteer.email)
    app.config["ANNOUNCEMENT_BATCH"] = 2
    try:
        client.submit(f"/notifications/announce/{news.id}", {"action": "send"})
        assert "2 of 4 mails sent." in text_of(client.get(f"/notifications/announce/{news.id}"))
        run(app, "send-announcements")
        run(app, "send-announcements")
        run(app, "send-announcements")
        client.submit(f"/notifications/announce/{news.id}", {"action": "send"}, form_url=f"/notifications/announce/{news.id}")
    finally:
        app.config["ANNOUNCEMENT_BATCH"] = 200
    assert "4 of 4 mails sent." in text_of(client.get(f"/notifications/announce/{news.id}"))
    for fan in fans:
        assert len([m for m in mailbox.to(fan.email) if "Große Neuigkeit" in m["Subject"]]) == 1
    client.submit(f"/notifications/announce/{members_news.id}", {"action": "send"})
    assert [m for m in mailbox.to(fans[0].email) if "Nur für Mitglieder" in m["Subject"]] == []
    assert mailbox.wait_for(fans[3].email, count=2)


def test_announcement_mail_has_the_title_plain_text_without_markdown_and_an_html_part(app, client, make_user,
                                                                                       make_post, mailbox):
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Sommerfest 2027", kind="news",
                     body="Wir feiern **groß**!\n\n- Grill\n- [Anmeldung](https://example.org/anmelden)")
    client.login(volunteer)
    client.submit(f"/notifications/announce/{news.id}", {"action": "test"})
    mail = mailbox.wait_for(volunteer.email)[-1]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Sommerfest 2027" in text and "Wir feiern groß!" in text and "- Grill" in text
    assert "Anmeldung (https://example.org/anmelden)" in text
    assert "**" not in text and "[Anmeldung]" not in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<h1" in html and "Sommerfest 2027" in html and "<strong>groß</strong>" in html
    assert 'href="https://example.org/anmelden"' in html


def test_reminders_respect_the_preference(app, client, make_user, make_event, mailbox):
    event = make_event(capacity=5, starts_in=timedelta(hours=3))
    person = make_user()
    consent(app, person, reminders="off")
    client.login(person)
    client.submit(f"/events/{event.id}/signup", form_url=f"/events/{event.id}")
    mailbox.clear()
    run(app, "send-reminders")
    assert mailbox.to(person.email) == []


def test_turning_a_kind_back_on_does_not_mail_the_quiet_time(app, make_user, make_post, add_comment, mailbox):
    author = make_user()
    post = make_post(author)
    consent(app, author, followed="daily")
    from app.services.mail_preferences import set_preferences

    with app.test_request_context():
        set_preferences(db.session.get(User, author.id), {MailKind.FOLLOWED: MailMode.OFF})
        db.session.commit()
    add_comment(make_user(), post, "Written while mail was off")
    with app.test_request_context():
        set_preferences(db.session.get(User, author.id), {MailKind.FOLLOWED: MailMode.DAILY})
        db.session.commit()
    mailbox.clear()
    assert "0 digests queued." in run(app, "send-digests", "--period", "daily")


def test_one_click_in_the_header_stops_every_kind_in_the_mail(app, make_user, make_post, add_comment, mailbox):
    author = make_user(name="Two Kinds")
    post = make_post(author)
    consent(app, author, followed="daily", replies="daily")
    comment_id = add_comment(author, post, "Mein Kommentar")
    add_comment(make_user(), post, "Antwort darauf", parent=comment_id)
    add_comment(make_user(), post, "Noch ein Kommentar")
    mailbox.clear()
    run(app, "send-digests", "--period", "daily")
    mail = mailbox.wait_for(author.email)[-1]
    url = mail["List-Unsubscribe"].strip("<>")
    english_client(app).post("/" + url.split("://", 1)[1].split("/", 1)[1])
    from app.services.mail_preferences import preferences

    with app.app_context():
        modes = preferences(db.session.get(User, author.id))
        assert modes[MailKind.FOLLOWED] == MailMode.OFF and modes[MailKind.REPLIES] == MailMode.OFF


def test_a_mention_in_a_discussions_own_text_notifies_once(app, client, make_user, make_post):
    ada = make_user(name="Ada Lovelace")
    author = make_user(Role.MEMBER, name="Bob Builder")
    post = make_post(author, title="Stammtisch im Mai", body="Kommst du auch, @ada_lovelace?")
    client.login(ada)
    assert '1<span class="visually-hidden"> unread' in text_of(client.get("/"))
    assert "1 mention of you in Stammtisch im Mai" in text_of(client.get("/notifications/"))
    from app.services.posts import edit_post

    with app.test_request_context():
        from app.models.post import Post, Visibility
        from app.models.user import User

        edit_post(db.session.get(User, author.id), db.session.get(Post, post.id), title="Stammtisch im Mai",
                  body="Kommst du auch, @ada_lovelace? Bitte bis Freitag.", category=None,
                  visibility=Visibility.PUBLIC, public_teaser=False)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Notification)
                                 .where(Notification.user_id == ada.id)) == 1  # an edit does not mention twice


def test_a_thread_line_says_when_one_of_its_comments_mentions_you(app, client, make_user, make_post, add_comment):
    post = make_post(title="Sommerfest")
    ada = make_user(name="Ada Lovelace")
    other = make_user(name="Carl Commenter")
    with app.app_context():
        from app.models.notification import FollowTarget
        from app.models.user import User
        from app.services.notifications import follow

        follow(db.session.get(User, ada.id), FollowTarget.POST, post.id)
        db.session.commit()
    add_comment(other, post, "Ich bringe Salat mit.")
    add_comment(other, post, "Und @ada_lovelace bringt Kuchen?")
    client.login(ada)
    listing = text_of(client.get("/notifications/"))
    assert "2 new comments in Sommerfest" in listing and "you are mentioned" in listing


def test_membership_applications_reach_the_people_who_decide(app, client, new_client, make_user, mailbox):
    volunteer = make_user(Role.VOLUNTEER, name="Vera Volunteer")
    member = make_user(Role.MEMBER)
    consent(app, volunteer, applications="immediately")
    applicant = make_user(name="Alex Applicant")
    applying = new_client()
    applying.login(applicant)
    assert applying.submit("/members/apply", {"programme": "Informatik", "year": "2012"}).status_code == 302
    client.login(volunteer)
    assert '1<span class="visually-hidden"> unread' in text_of(client.get("/"))
    assert "1 new membership application: Alex Applicant" in text_of(client.get("/notifications/"))
    assert '1<span class="visually-hidden"> waiting' in text_of(client.get("/members/applications"))
    assert "New membership applications" in text_of(client.get("/notifications/settings"))
    mailbox.clear()
    assert "1 mails queued." in run(app, "send-notifications")
    assert "Alex Applicant applied for membership: Informatik" in mailbox.body(mailbox.wait_for(volunteer.email)[-1])
    with app.app_context():  # members who do not decide are not told, and cannot choose such mail
        assert db.session.scalar(select(func.count()).where(Notification.user_id == member.id)) == 0
    member_client = new_client()
    member_client.login(member)
    assert "membership applications" not in text_of(member_client.get("/notifications/settings"))
    # Once decided, the application leaves the volunteer's list.
    with app.app_context():
        from app.models.membership import MembershipApplication

        application_id = db.session.scalar(select(MembershipApplication.id))
    client.submit(f"/members/applications/{application_id}/approve", {"reason": ""}, form_url="/members/applications")
    assert "membership application" not in text_of(client.get("/notifications/"))


def test_the_bell_pages_through_its_lines_without_repeats_and_counts_long_threads(app, client, make_user):
    """Twenty lines a page, newest first, an older page continuing after the last line; a thread with more
    notifications than a line reads still says how many there are."""
    from tests.integration.test_query_counts import seed_notifications

    person, actor = make_user(Role.MEMBER), make_user()
    seed_notifications(app, person.id, actor.id, 250)  # 25 threads of ten, the newest 83 unread
    with app.app_context():
        from app.models.post import Comment, Post

        big = db.session.scalar(select(Post.id).where(Post.title == "Thread 0"))
        comments = [Comment(post_id=big, author_id=actor.id, body_source="c", body_html="<p>c</p>", path="",
                            created_at=utcnow()) for _ in range(30)]
        db.session.add_all(comments)
        db.session.flush()
        db.session.add_all([Notification(user_id=person.id, kind="followed", post_id=big, comment_id=c.id,
                                         actor_id=actor.id, created_at=utcnow()) for c in comments])
        db.session.commit()
    client.login(person)
    first = text_of(client.get("/notifications/"))
    assert "33 new comments in Thread 0" in first  # 30 new + 3 of its ten older ones unread
    cursor = re.search(r'notifications/\?before=([^"]+)"', first).group(1)
    older = text_of(client.get(f"/notifications/?before={cursor}"))
    titles = re.findall(r"in (Thread \d+)", first) + re.findall(r"in (Thread \d+)", older)
    assert sorted(titles) == sorted(f"Thread {n}" for n in range(25)), titles
    assert "notifications/?before=" not in older
