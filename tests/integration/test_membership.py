"""Becoming a member (apply, invite), leaving, and every decision recorded."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.membership import Invitation
from app.models.user import Role, User
from tests.conftest import DEFAULT_PASSWORD, text_of


def role_of(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).role


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_apply_and_get_approved(app, client, new_client, make_user, mailbox):
    applicant = make_user(name="Ada Applicant")
    client.login(applicant)
    page = client.get("/members/")
    assert page.status_code == 403 and "Apply for membership" in text_of(page)
    response = client.submit("/members/apply", {"programme": "Informatik", "year": "2012", "message": "Hallo!"})
    assert response.status_code == 302
    assert "being reviewed" in text_of(client.get("/account/"))
    again = client.submit("/members/apply", {"programme": "Again"}, form_url="/account/")
    assert again.status_code == 200 and "being reviewed" in text_of(again)  # a second application is not possible

    volunteer = new_client()
    volunteer.login(make_user(Role.VOLUNTEER, name="Vera"))
    queue = text_of(volunteer.get("/members/applications"))
    assert "Ada Applicant" in queue and "Informatik" in queue and "Hallo!" in queue
    from app.models.membership import MembershipApplication

    with app.app_context():
        application_id = db.session.scalar(select(MembershipApplication.id))
    volunteer.submit(f"/members/applications/{application_id}/approve", {"reason": "Willkommen!"},
                     form_url="/members/applications")
    assert role_of(app, applicant.id) == "member"
    mail = mailbox.wait_for(applicant.email)[-1]
    assert "Willkommen!" in mailbox.body(mail) and "/members/" in mailbox.body(mail)
    assert client.get("/members/").status_code == 200
    assert audit_actions(app) == ["membership.approved"]
    # deciding twice is refused
    response = volunteer.submit(f"/members/applications/{application_id}/decline", {},
                                form_url="/members/applications", follow_redirects=True)
    assert "already been decided" in text_of(response)


def test_decline_with_reason(app, client, new_client, make_user, mailbox):
    applicant = make_user()
    client.login(applicant)
    client.submit("/members/apply", {"programme": "Gast"})
    volunteer = new_client()
    volunteer.login(make_user(Role.VOLUNTEER))
    from app.models.membership import MembershipApplication

    with app.app_context():
        application_id = db.session.scalar(select(MembershipApplication.id))
    volunteer.submit(f"/members/applications/{application_id}/decline", {"reason": "Bitte Nachweis schicken."},
                     form_url="/members/applications")
    assert role_of(app, applicant.id) == "alumnus"
    assert "Bitte Nachweis schicken." in mailbox.body(mailbox.wait_for(applicant.email)[-1])
    page = text_of(client.get("/account/"))
    assert "declined" in page and "Bitte Nachweis schicken." in page
    assert client.submit("/members/apply", {"programme": "Zweiter Versuch"}).status_code == 302


def test_application_needs_a_programme_and_a_sane_year(client, make_user):
    client.login(make_user())
    response = client.submit("/members/apply", {"programme": "", "year": "20120", "message": "kept message"})
    assert response.status_code == 400
    page = text_of(response)
    assert "how you belong" in page and "between 1900 and 2100" in page and "kept message" in page


def test_unverified_cannot_apply(client, make_user):
    client.login(make_user(verified=False))
    assert client.get("/members/apply").status_code == 302


def test_invitations_report_bad_rows_and_accept_creates_a_member(app, client, new_client, make_user, mailbox,
                                                               read_mail_link):
    volunteer = make_user(Role.VOLUNTEER)
    existing_member = make_user(Role.MEMBER, email="member@example.org")
    client.login(volunteer)
    text = ("new.person@example.org, Neue Person, 2015\nnot-an-email\nsecond@example.org;;\n"
            "member@example.org\nthird@example.org, Name, 19xx\nnew.person@example.org")
    csv_file = (io.BytesIO("email,name,year\ncsv.person@example.org,Çsv Person,2001\n".encode()), "list.csv")
    response = client.submit("/members/invitations", {"addresses": text, "csv_file": csv_file},
                             content_type="multipart/form-data")
    page = text_of(response)
    assert response.status_code == 200
    assert "3 invitations sent." in page
    for reason in ("not a valid email address", "already a member", "the year is not a year", "listed twice"):
        assert reason in page, reason
    assert existing_member.email and "pending" in page

    link = read_mail_link(mailbox, "new.person@example.org", "/members/join/")
    newcomer = new_client()
    assert newcomer.get(link).status_code == 200
    joining = {"display_name": "Neue Person", "password": "violet kettle harbour 42",
               "password_confirm": "violet kettle harbour 42"}
    refused = newcomer.submit(link, joining)  # like registering: the guidelines and privacy policy first
    assert refused.status_code == 400 and "Please confirm that you accept the guidelines." in text_of(refused)
    assert 'value="Neue Person"' in text_of(refused)
    response = newcomer.submit(link, {**joining, "accept_guidelines": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/members/"
    assert newcomer.get("/members/").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
        assert user.role == "member" and user.is_verified
    # The link works once.
    assert "already been accepted" in text_of(new_client().get(link))
    assert "membership.invited" in audit_actions(app)


def test_a_csv_file_alone_reports_its_own_row_numbers(client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    csv_file = (io.BytesIO(b"email,name,year\nok.person@example.org,Ok,2001\nnot-an-address,Bad,2002\n"), "list.csv")
    response = client.submit("/members/invitations", {"addresses": "", "csv_file": csv_file},
                             content_type="multipart/form-data")
    page = text_of(response)
    assert "1 invitation sent." in page or "1 invitations sent." in page
    assert "Row 3: <code>not-an-address,Bad,2002</code>" in page  # the file's own third row (1: header)


def test_invitation_upgrades_an_existing_account_after_login(app, client, new_client, make_user, mailbox,
                                                           read_mail_link):
    alumnus = make_user(email="alumnus@example.org")
    client.login(make_user(Role.VOLUNTEER))
    client.submit("/members/invitations", {"addresses": "alumnus@example.org"})
    link = read_mail_link(mailbox, "alumnus@example.org", "/members/join/")
    stranger = new_client()
    response = stranger.submit(link, {"display_name": "Not Me", "password": "violet kettle harbour 42",
                                      "password_confirm": "violet kettle harbour 42", "accept_guidelines": "y"})
    assert response.status_code == 400 and "Please log in first" in text_of(response)
    other = new_client()
    other.login(make_user())
    response = other.submit(link)
    assert response.status_code == 400 and "Please log in with that account" in text_of(response)
    owner = new_client()
    owner.login(alumnus)
    assert owner.submit(link).status_code == 302
    assert role_of(app, alumnus.id) == "member"


def test_revoked_resent_and_expired_invitations(app, client, new_client, make_user, mailbox, read_mail_link):
    client.login(make_user(Role.VOLUNTEER))
    client.submit("/members/invitations", {"addresses": "later@example.org"})
    first_link = read_mail_link(mailbox, "later@example.org", "/members/join/")
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    client.submit(f"/members/invitations/{invitation_id}/resend", form_url="/members/invitations")
    second_link = mailbox.last_link("later@example.org", "/members/join/")
    second_link = "/" + second_link.split("://", 1)[1].split("/", 1)[1]
    assert first_link != second_link
    assert "no longer valid" in text_of(new_client().get(first_link))
    assert new_client().get(second_link).status_code == 200
    with app.app_context():
        from app.models.types import utcnow

        db.session.get(Invitation, invitation_id).sent_at = utcnow() - timedelta(days=15)
        db.session.commit()
    assert "expired" in text_of(new_client().get(second_link))
    assert "expired" in text_of(client.get("/members/invitations"))
    client.submit(f"/members/invitations/{invitation_id}/revoke", form_url="/members/invitations")
    assert "withdrawn" in text_of(new_client().get(second_link))


def test_empty_invitation_form_says_what_to_do(client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    response = client.submit("/members/invitations", {"addresses": "  "})
    assert response.status_code == 400 and "at least one email address" in text_of(response)


def test_leave_and_admin_ends_membership(app, client, new_client, make_user):
    member = make_user(Role.MEMBER)
    client.login(member)
    assert client.submit("/members/leave").status_code == 302
    assert role_of(app, member.id) == "alumnus"
    assert client.get("/members/").status_code == 403
    other = make_user(Role.MEMBER)
    admin = new_client()
    admin.login(make_user(Role.ADMIN))
    admin.submit(f"/admin/users/{other.id}/end-membership", form_url="/admin/")
    assert role_of(app, other.id) == "alumnus"
    assert audit_actions(app) == ["membership.left", "membership.ended"]


def test_visitors_following_members_links_land_on_login(client):
    for url in ("/members/", "/members/directory", "/members/documents", "/members/directory/1",
                "/members/documents/1/download", "/members/apply"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/auth/login?next="), url


def test_login_brings_the_member_back_to_the_members_page(client, make_user):
    member = make_user(Role.MEMBER)
    target = client.get("/members/documents").headers["Location"]
    token = client.token(target)
    response = client.post(target, data={"csrf_token": token, "email": member.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/members/documents"
