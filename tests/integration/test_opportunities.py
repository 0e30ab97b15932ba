"""The jobs and volunteering board: posting, the board's filters and search, expiry, renew and close, following,
applying through the site, moderation (held, reported, hidden), members-only offers on every surface, and the
statement count of the board."""

from __future__ import annotations

import email
import email.policy
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.moderation import Report
from app.models.notification import Notification
from app.models.opportunity import Opportunity
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import text_of
from tests.integration.test_double_submit import form_fields, post_twice_at_once
from tests.integration.test_notifications import consent, run
from tests.integration.test_query_counts import count_queries
from tests.integration.test_watched_words import set_settings, watch

MARKER = "ZZ-OFFER-MEMBERS-9K2"
FORM = {"kind": "volunteer", "title": "Helfer für das Sommerfest", "organisation": "Alumni e. V.",
        "work_mode": "on_site", "place": "Köln", "hours": "ein Nachmittag", "body": "Wir suchen **Hilfe** beim Grill.",
        "apply_method": "site", "apply_url": "", "visibility": "public", "starts_on": "", "deadline": ""}


@pytest.fixture
def make_offer(app, make_user):
    """make_offer(author=None, **details): a committed offer through the service."""

    def factory(author=None, **fields):
        from app.models.opportunity import OpportunityKind, WorkMode
        from app.models.post import Visibility
        from app.services.opportunities import OfferDetails, create_offer

        author = author or make_user(Role.MEMBER)
        values = {"kind": "job", "title": "Entwickler:in", "organisation": "Firma GmbH", "body": "Eine Stelle.",
                  **fields}
        values["kind"] = OpportunityKind(values["kind"])
        values["work_mode"] = WorkMode(values.get("work_mode", "on_site"))
        values["visibility"] = Visibility(values.get("visibility", "public"))
        with app.test_request_context():
            offer = create_offer(db.session.get(User, author.id), OfferDetails(**values))
            db.session.commit()
            db.session.refresh(offer)
            db.session.expunge(offer)
        return offer

    return factory


def offer_row(app, offer_id):
    with app.app_context():
        row = db.session.get(Opportunity, offer_id)
        db.session.expunge(row)
        return row


def test_an_alumnus_posts_an_offer_and_a_double_submit_stores_one(app, client, make_user):
    author = make_user()
    client.login(author)
    page = text_of(client.get("/jobs/new"))
    key = page.split('name="submission" type="hidden" value="')[1].split('"')[0]
    token = client.token("/jobs/new")
    data = {**FORM, "csrf_token": token, "submission": key}
    first = client.post("/jobs/new", data=data)
    second = client.post("/jobs/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 1
    shown = text_of(client.get(first.headers["Location"]))
    assert "Helfer für das Sommerfest" in shown and "by arrangement" in shown
    assert "<strong>Hilfe</strong>" in shown
    assert "Helfer für das Sommerfest" in text_of(client.get("/jobs/"))


def test_bad_input_gets_clear_messages_and_keeps_the_text(app, client, make_user):
    client.login(make_user())
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    cases = [
        ({"deadline": yesterday}, "The deadline is in the past"),
        ({"title": "T" * 10_000}, "Use at most 200 characters."),
        ({"apply_method": "link", "apply_url": "javascript:alert(1)"}, "starting with https:// or http://"),
        ({"apply_method": "link", "apply_url": "data:text/html,hi"}, "starting with https:// or http://"),
        ({"apply_method": "link", "apply_url": ""}, "Please enter the web address to apply on."),
        ({"starts_on": "not a date"}, "Not a valid date value."),
        ({"kind": "boss"}, "Not a valid choice"),
    ]
    for change, message in cases:
        response = client.submit("/jobs/new", {**FORM, **change})
        assert response.status_code == 400, change
        assert message in text_of(response), change
        assert "Wir suchen **Hilfe** beim Grill." in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_board_filters_junk_and_ids(app, client, make_offer, make_user):
    make_offer(kind="volunteer", title="Ehrenamt Kasse", work_mode="remote")
    make_offer(kind="job", title="Vollzeit Buchhaltung", place="Berlin")
    only_volunteer = text_of(client.get("/jobs/?kind=volunteer"))
    assert "Ehrenamt Kasse" in only_volunteer and "Vollzeit Buchhaltung" not in only_volunteer
    remote = text_of(client.get("/jobs/?mode=remote"))
    assert "Ehrenamt Kasse" in remote and "Vollzeit Buchhaltung" not in remote
    for junk in ("kind=%3Cscript%3E", "mode=99999999999999999999", "category=nope", "before=junk_1",
                 "before=1e400_5", "q=%00%00", "q=" + "x" * 5000, "q=-", "q=%22"):
        response = client.get(f"/jobs/?{junk}")
        assert response.status_code in (200, 400), junk  # NUL bytes are refused site-wide (400), the rest ignored
    for url in ("/jobs/999999", "/jobs/99999999999999999999", "/jobs/0", "/jobs/999999/edit", "/jobs/abc"):
        assert client.get(url).status_code in (302, 404), url
    client.login(make_user())
    assert client.get("/jobs/999999/edit").status_code == 404


def test_search_finds_public_offers_through_the_index(app, client, make_offer):
    offer = make_offer(title="Kassenwart gesucht", body="Ehrenamtlich die Finanzen führen.", kind="volunteer")
    assert "Kassenwart gesucht" in text_of(client.get("/jobs/?q=Finanzen"))
    assert "Kassenwart gesucht" not in text_of(client.get("/jobs/?q=Raumfahrt"))
    found = text_of(client.get("/search?q=Kassenwart"))
    assert f'href="/jobs/{offer.id}"' in found and '<span class="badge">Jobs & volunteering</span>' in found
    assert f"/jobs/{offer.id}" in text_of(client.get("/search?q=Finanzen&kind=offer"))


def test_public_offer_carries_job_posting_microdata(app, client, make_offer, make_user):
    on_site = make_offer(kind="internship", place="Köln", organisation="Museum")
    remote = make_offer(kind="volunteer", work_mode="remote")
    page = text_of(client.get(f"/jobs/{on_site.id}"))
    assert 'itemtype="https://schema.org/JobPosting"' in page
    assert '<meta itemprop="employmentType" content="INTERN">' in page
    assert 'itemprop="addressLocality">Köln<' in page and 'itemprop="validThrough"' in page
    assert 'itemprop="datePosted"' in page and 'itemprop="hiringOrganization"' in page
    remote_page = text_of(client.get(f"/jobs/{remote.id}"))
    assert '<meta itemprop="jobLocationType" content="TELECOMMUTE">' in remote_page
    assert 'itemprop="applicantLocationRequirements"' in remote_page and 'content="VOLUNTEER"' in remote_page
    members = make_offer(visibility="members")
    client.login(make_user(Role.MEMBER))
    assert "schema.org/JobPosting" not in text_of(client.get(f"/jobs/{members.id}"))


def test_public_offer_carries_json_ld_named_by_the_csp(app, client, new_client, make_offer, make_user):
    """JSON-LD beside the microdata: the block's hash is in script-src, also when the page comes from the anonymous
    cache; a title with </script> cannot end the block; members-only and closed offers carry none."""
    import base64
    import hashlib
    import json
    import re

    offer = make_offer(kind="job", title="Kassenwart </script><b>gesucht</b>", place="Bonn", organisation="Verein")
    for attempt in range(2):  # rendered, then from the anonymous page cache
        response = client.get(f"/jobs/{offer.id}")
        block = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.data, re.S).group(1)
        data = json.loads(block)
        assert data["@type"] == "JobPosting" and data["title"] == "Kassenwart </script><b>gesucht</b>", attempt
        assert data["employmentType"] == "FULL_TIME" and data["hiringOrganization"]["name"] == "Verein"
        assert data["jobLocation"]["address"]["addressLocality"] == "Bonn" and data["validThrough"]
        digest = base64.b64encode(hashlib.sha256(block).digest()).decode()
        assert f"script-src 'self' 'sha256-{digest}'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in client.get("/jobs/").headers["Content-Security-Policy"]  # no block, no hash
    members = make_offer(visibility="members")
    reader = new_client()
    reader.login(make_user(Role.MEMBER))
    assert "application/ld+json" not in text_of(reader.get(f"/jobs/{members.id}"))


def test_members_only_offers_leak_nowhere(app, client, new_client, make_offer, make_user):
    alumnus, member = make_user(), make_user(Role.MEMBER)
    for person in (alumnus, member):
        browser = new_client()
        browser.login(person)
        browser.submit("/jobs/follow/all/follow", form_url="/jobs/")
    offer = make_offer(make_user(Role.MEMBER), title=f"Stelle {MARKER}", body=f"Text {MARKER}",
                       visibility="members", kind="job")
    surfaces = ["/jobs/", "/jobs/?kind=job", "/jobs/?q=Stelle", "/jobs/feed.atom", f"/jobs/{offer.id}",
                "/search?q=Stelle&kind=offer", "/search?q=Text", "/notifications/", f"/jobs/{offer.id}/report"]
    for who in (None, alumnus):
        browser = new_client()
        if who is not None:
            browser.login(who)
        for url in surfaces:
            response = browser.get(url)
            assert MARKER not in text_of(response), (who, url)
        assert browser.get(f"/jobs/{offer.id}").status_code == 404
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.opportunity_id == offer.id)))
    assert told == {member.id}
    browser = new_client()
    browser.login(member)
    assert MARKER in text_of(browser.get("/jobs/")) and MARKER in text_of(browser.get("/notifications/"))
    assert MARKER in text_of(browser.get("/search?q=Stelle"))
    assert MARKER not in text_of(browser.get("/jobs/feed.atom"))


def test_the_atom_feed_is_well_formed_and_public_only(app, client, make_offer):
    public = make_offer(title="Kassenwart & Co <gesucht>", body="Die **Finanzen** führen.")
    make_offer(title="Nur für Mitglieder", visibility="members")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    response = client.get("/jobs/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.get_data())
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.find(f"{atom}title").text for entry in feed.iter(f"{atom}entry")]
    assert titles == ["Kassenwart & Co <gesucht> (Firma GmbH)"]
    assert f"/jobs/{public.id}" in feed.find(f"{atom}entry").find(f"{atom}id").text


def test_following_one_kind_notifies_and_mails(app, client, make_offer, make_user, mailbox):
    follower = make_user(name="Fiona Follower")
    client.login(follower)
    assert client.submit("/jobs/follow/volunteer/follow", form_url="/jobs/").status_code == 302
    consent(app, follower, followed="immediately")
    make_offer(kind="job", title="Nicht gefolgt")
    wanted = make_offer(kind="volunteer", title="Lesepat:in gesucht", organisation="Stadtbibliothek")
    listing = text_of(client.get("/notifications/"))
    assert "New offer: Lesepat:in gesucht (Stadtbibliothek)" in listing and "Nicht gefolgt" not in listing
    assert "1 mails queued." in run(app, "send-notifications")
    with app.app_context():
        sent = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == follower.email)).all()
        assert len(sent) == 1
        text = email.message_from_string(sent[0].message, policy=email.policy.default).get_body(("plain",))
        assert "Lesepat:in gesucht" in text.get_content() and f"/jobs/{wanted.id}" in text.get_content()
    client.submit("/jobs/follow/volunteer/unfollow", form_url="/jobs/")
    make_offer(kind="volunteer", title="Zweite Rolle")
    assert "Zweite Rolle" not in text_of(client.get("/notifications/"))


def test_expired_offers_leave_the_list_and_can_be_renewed_or_closed(app, client, make_offer, make_user):
    author = make_user(Role.MEMBER)
    offer = make_offer(author, title="Bald vorbei")
    with app.app_context():
        db.session.execute(update(Opportunity).where(Opportunity.id == offer.id)
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert "Bald vorbei" not in text_of(client.get("/jobs/"))
    assert "no longer open" in text_of(client.get(f"/jobs/{offer.id}"))
    stranger = make_user()
    client.login(stranger)
    assert client.submit(f"/jobs/{offer.id}/renew", form_url="/jobs/").status_code == 403
    client.logout()
    client.login(author)
    assert client.submit(f"/jobs/{offer.id}/renew", form_url=f"/jobs/{offer.id}").status_code == 302
    renewed = offer_row(app, offer.id)
    assert renewed.expires_at > utcnow() + timedelta(days=59)
    assert "Bald vorbei" in text_of(client.get("/jobs/"))
    client.submit(f"/jobs/{offer.id}/close", form_url=f"/jobs/{offer.id}")
    assert offer_row(app, offer.id).closed_at is not None
    assert "Bald vorbei" not in text_of(client.get("/jobs/"))
    assert "no longer open" in text_of(client.get(f"/jobs/{offer.id}"))


def test_the_author_is_reminded_before_the_offer_leaves_the_board(app, client, make_offer, make_user, mailbox):
    """Hourly job: authors of open offers ending within three days hear of it once (two runs, one reminder), by bell
    and by mail when their "replies and mentions" setting says so, with the renew link; renewing makes the next one
    due; closed offers and those further away are left alone."""
    from app import jobs

    author = make_user(Role.MEMBER)
    consent(app, author, replies="immediately")
    soon, later, closed = (make_offer(author, title=title) for title in ("Bald vorbei", "Noch lange", "Schon besetzt"))
    with app.app_context():
        for offer, days in ((soon, 2), (later, 20), (closed, 1)):
            db.session.execute(update(Opportunity).where(Opportunity.id == offer.id)
                               .values(expires_at=utcnow() + timedelta(days=days)))
        db.session.execute(update(Opportunity).where(Opportunity.id == closed.id).values(closed_at=utcnow()))
        db.session.commit()

    def reminders() -> list[int]:
        with app.app_context():
            return list(db.session.scalars(select(Notification.opportunity_id).where(
                Notification.user_id == author.id, Notification.kind == "offer_expiring")))

    with app.test_request_context():
        jobs.remind_expiring_offers.call_local()
        jobs.remind_expiring_offers.call_local()  # again: nothing new
    assert reminders() == [soon.id]
    assert "1 mails queued." in run(app, "send-notifications")
    assert "Bald vorbei" in mailbox.body(mailbox.wait_for(author.email)[-1])
    client.login(author)
    bell = text_of(client.get("/notifications/"))
    assert "Your offer Bald vorbei leaves the board on" in bell and "Renew it if it is still open." in bell
    client.submit(f"/jobs/{soon.id}/renew", form_url=f"/jobs/{soon.id}")
    with app.app_context():  # 60 more days; when those run out, the author hears again
        db.session.execute(update(Opportunity).where(Opportunity.id == soon.id)
                           .values(expires_at=utcnow() + timedelta(days=1)))
        db.session.commit()
    with app.test_request_context():
        jobs.remind_expiring_offers.call_local()
    assert reminders() == [soon.id, soon.id]


def test_deadline_sets_the_expiry_at_the_end_of_that_day(app, make_offer):
    day = date.today() + timedelta(days=10)
    offer = make_offer(deadline=day)
    with app.app_context():
        from app.services.opportunities import end_of_day

        assert offer_row(app, offer.id).expires_at == end_of_day(day)
    plain = offer_row(app, make_offer().id)
    assert abs((plain.expires_at - plain.created_at) - timedelta(days=60)) < timedelta(seconds=1)


def test_only_the_author_and_moderators_edit(app, client, new_client, make_offer, make_user):
    author = make_user()
    offer = make_offer(author)
    stranger = new_client()
    stranger.login(make_user(Role.MEMBER))
    assert stranger.get(f"/jobs/{offer.id}/edit").status_code == 403
    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    response = moderator.submit(f"/jobs/{offer.id}/edit", {**FORM, "title": "Vom Moderator"})
    assert response.status_code == 302
    assert offer_row(app, offer.id).title == "Vom Moderator"
    client.login(author)
    # The author's own form keeps the stored values; changing the title only.
    assert client.submit(f"/jobs/{offer.id}/edit", {**FORM, "title": "Neu"}).status_code == 302
    assert offer_row(app, offer.id).title == "Neu"


def test_apply_through_the_site_mails_the_poster_without_showing_the_address(app, client, make_offer, make_user):
    author = make_user(email="poster@example.org")
    offer = make_offer(author)
    page = text_of(client.get(f"/jobs/{offer.id}"))
    assert "poster@example.org" not in page
    applicant = make_user(name="Anna Bewerberin", email="anna@example.org")
    client.login(applicant)
    assert "poster@example.org" not in text_of(client.get(f"/jobs/{offer.id}"))
    empty = client.submit(f"/jobs/{offer.id}/apply", {"message": ""}, form_url=f"/jobs/{offer.id}")
    assert empty.status_code == 400 and "Please write a message." in text_of(empty)
    response = client.submit(f"/jobs/{offer.id}/apply", {"message": "Ich hätte Interesse."},
                             form_url=f"/jobs/{offer.id}")
    assert response.status_code == 302
    with app.app_context():
        mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == "poster@example.org")).one()
        message = email.message_from_string(mail.message, policy=email.policy.default)
        assert message["Reply-To"] == "Anna Bewerberin <anna@example.org>"
        text = message.get_body(("plain",)).get_content()
        assert "Ich hätte Interesse." in text and "anna@example.org" in text


def test_a_link_offer_shows_the_link_and_no_contact_form(app, client, make_offer, make_user):
    offer = make_offer(apply_url="https://example.org/apply")
    client.login(make_user())
    page = text_of(client.get(f"/jobs/{offer.id}"))
    assert 'href="https://example.org/apply"' in page and "Send my message" not in page
    assert client.submit(f"/jobs/{offer.id}/apply", {"message": "Hallo"}, form_url="/jobs/").status_code == 403


def test_held_offer_waits_for_approval_then_notifies(app, client, new_client, make_offer, make_user):
    set_settings(app, hold_first_posts=1)
    follower = make_user()
    browser = new_client()
    browser.login(follower)
    browser.submit("/jobs/follow/all/follow", form_url="/jobs/")
    newcomer = make_user(name="Neu Ling")
    offer = make_offer(newcomer, title="Erste Stelle")
    assert offer.is_pending
    assert "Erste Stelle" not in text_of(new_client().get("/jobs/"))
    assert new_client().get(f"/jobs/{offer.id}").status_code == 404
    assert "Erste Stelle" not in text_of(browser.get("/notifications/"))
    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    queue = text_of(moderator.get("/moderation/?kind=held_offer"))
    assert "Held offer by Neu Ling" in queue and "Erste Stelle" in queue
    response = moderator.submit("/moderation/decide", {"action": "approve", "items": f"held_offer:{offer.id}"},
                                form_url="/moderation/")
    assert response.status_code == 302
    assert not offer_row(app, offer.id).is_pending
    assert "Erste Stelle" in text_of(new_client().get("/jobs/"))
    assert "New offer: Erste Stelle" in text_of(browser.get("/notifications/"))


def test_watched_words_hold_or_block_offers(app, client, make_user):
    watch(app, "Schwarzarbeit", action="block")
    watch(app, "Provision", action="hold")
    client.login(make_user())
    blocked = client.submit("/jobs/new", {**FORM, "title": "Schwarzarbeit gesucht"})
    assert blocked.status_code == 400 and "is not allowed here" in text_of(blocked)
    held = client.submit("/jobs/new", {**FORM, "body": "Nur auf Provision."})
    assert held.status_code == 302
    with app.app_context():
        offer = db.session.scalars(select(Opportunity)).one()
        assert offer.is_pending
        assert db.session.scalars(select(Report.reason).where(Report.opportunity_id == offer.id)).all() == [
            "watched_word"]


def test_a_report_reaches_the_queue_and_hiding_takes_the_offer_off(app, client, new_client, make_offer, make_user):
    offer = make_offer(title="Fragwürdig")
    client.login(make_user())
    assert client.get(f"/jobs/{offer.id}/report").status_code == 200
    assert client.submit(f"/jobs/{offer.id}/report", {"reason": "spam"}).status_code == 302
    assert client.submit(f"/jobs/{offer.id}/report", {"reason": "spam"}).status_code == 302  # again: nothing new
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    queue = text_of(moderator.get("/moderation/?kind=offer"))
    assert "Fragwürdig" in queue and "Reported offers" in queue
    assert moderator.submit("/moderation/decide", {"action": "hide", "items": f"offer:{offer.id}"},
                            form_url="/moderation/").status_code == 302
    assert offer_row(app, offer.id).hidden_at is not None
    assert "Fragwürdig" not in text_of(new_client().get("/jobs/"))
    assert new_client().get(f"/jobs/{offer.id}").status_code == 404
    assert "Fragwürdig" not in text_of(moderator.get("/moderation/"))
    with app.app_context():
        assert db.session.scalars(select(Report.resolution)).all() == ["hidden"]


def test_the_board_costs_a_fixed_number_of_statements(app, client, make_user, make_offer):
    author = make_user(Role.MEMBER)
    client.login(make_user(Role.MEMBER))
    counts = []
    for more in (3, 30):
        for number in range(more):
            make_offer(author, title=f"Angebot {more}-{number}", kind="volunteer" if number % 2 else "job")
        client.get("/jobs/")
        with count_queries(app) as statements:
            assert client.get("/jobs/?kind=job&mode=on_site").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 12, counts


@pytest.mark.concurrency
def test_two_simultaneous_copies_of_one_offer_store_one(app, client, make_user):
    client.login(make_user(Role.MEMBER))
    fields = form_fields(text_of(client.get("/jobs/new")))
    assert fields.get("submission")
    statuses = post_twice_at_once(app, client, "/jobs/new", {**FORM, **fields})
    assert sorted(statuses) == [302, 302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 1


def test_the_board_pages_by_keyset(app, client, make_user, make_offer):
    author = make_user(Role.MEMBER)
    for number in range(23):
        make_offer(author, title=f"Angebot Nummer {number:02d}")
    first = text_of(client.get("/jobs/"))
    assert "Angebot Nummer 22" in first and "Angebot Nummer 02" not in first
    older = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = text_of(client.get(older))
    assert "Angebot Nummer 02" in second and "Angebot Nummer 00" in second and "Angebot Nummer 22" not in second
    assert 'rel="next"' not in second


def test_an_erased_poster_takes_their_offers_along(app, make_user, make_offer):
    author = make_user()
    offer = make_offer(author, title="Verschwindet")
    with app.test_request_context():
        from app.services.erasure import erase

        erase(db.session.get(User, author.id))
        db.session.commit()
        assert db.session.get(Opportunity, offer.id) is None


def test_new_accounts_limits_apply_to_offers(app, client, make_user):
    set_settings(app, new_account_days=3, new_account_posts_per_day=1, new_account_links_per_post=0)
    client.login(make_user())
    with_link = client.submit("/jobs/new", {**FORM, "body": "Mehr unter https://example.org/stelle"})
    assert with_link.status_code == 400 and "New accounts cannot add links yet" in text_of(with_link)
    assert "https://example.org/stelle" in text_of(with_link)
    assert client.submit("/jobs/new", FORM).status_code == 302
    second = client.submit("/jobs/new", {**FORM, "title": "Noch eine"})
    assert second.status_code == 400 and "New accounts can write 1 post or comment a day" in text_of(second)
