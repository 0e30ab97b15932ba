"""Every admin write lands in the audit log; stored statuses are typed; the policy is the only door."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from app import policy
from app.extensions import db
from app.models.audit import AuditAction, AuditEntry
from app.models.event import Signup, SignupStatus
from app.models.moderation import Report, ReportReason
from app.models.post import Comment, Post, PostKind, Status, Visibility
from app.models.user import Role, User
from app.services import reports, signups
from tests.conftest import PARTICIPATION_FORM, text_of


def entries(app) -> list[tuple]:
    with app.app_context():
        return [(e.actor_id, e.action, e.old_value, e.new_value)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_page_edits_settings_and_categories_are_audited(app, client, make_user):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    client.login(admin)
    assert client.submit("/admin/pages/imprint/en", {"title": "Imprint", "body": "Verein e. V."}).status_code == 302
    participation = {**PARTICIPATION_FORM, "hold_first_posts": "y"}
    assert client.submit("/admin/settings/participation", participation).status_code == 302
    client.submit("/admin/settings/participation", participation)  # saved again unchanged: nothing to record
    assert client.submit("/moderation/categories", {"name": "Stammtisch"}).status_code == 302
    assert entries(app) == [
        (admin.id, AuditAction.PAGE_EDITED, None, "imprint/en"),
        (admin.id, AuditAction.SETTING_CHANGED, "hold_first_posts=0", "hold_first_posts=1"),
        (admin.id, AuditAction.CATEGORY_CREATED, None, "Stammtisch"),
    ]
    log = text_of(client.get("/admin/audit"))
    assert "Page edited" in log and "Setting changed" in log and "Category added" in log and "Stammtisch" in log


def test_a_taken_category_keeps_what_was_typed_and_records_nothing(app, client, make_user):
    volunteer = make_user(Role.VOLUNTEER)
    client.login(volunteer)
    client.submit("/moderation/categories", {"name": "Karriere"})
    response = client.submit("/moderation/categories", {"name": "karriere!"})
    assert response.status_code == 400
    assert "This category exists already." in text_of(response) and 'value="karriere!"' in response.text
    assert [action for _actor, action, _old, _new in entries(app)] == [AuditAction.CATEGORY_CREATED]


def test_statuses_read_back_as_enums_and_unknown_values_are_refused(app_ctx, make_user, make_event):
    person = make_user()
    event = make_event(capacity=1)
    db.session.add(Signup(event_id=event.id, user_id=person.id, status=SignupStatus.CONFIRMED))
    db.session.commit()
    stored = db.session.scalar(select(Signup))
    assert stored.status is SignupStatus.CONFIRMED
    assert db.session.scalar(select(User.role).where(User.id == person.id)) is Role.ALUMNUS
    # The column stays plain text: the value, not the member's name, is what the database holds.
    assert db.session.scalar(text("SELECT status FROM registrations")) == "confirmed"
    stored.status = "maybe"
    with pytest.raises(StatementError):
        db.session.flush()
    db.session.rollback()


def test_comment_feeds_follow_the_syndication_rule(app_ctx, make_post):
    cases = {
        "public": make_post(),
        "members": make_post(visibility="members", public_teaser=True),
        "pending": make_post(status=Status.PENDING),
        "event": make_post(kind="discussion", title="event talk"),
    }
    db.session.get(Post, cases["event"].id).kind = PostKind.EVENT
    db.session.commit()
    listed = set(db.session.scalars(select(Post.id).where(policy.syndicated_posts())))
    for post_id in (post.id for post in cases.values()):
        post = db.session.get(Post, post_id)
        assert policy.is_syndicated(post) == (post.id in listed)
    assert listed == {cases["public"].id}


def test_the_online_link_needs_a_confirmed_sign_up_for_this_very_event(app, make_user, make_event):
    person = make_user()
    first, second = make_event(), make_event(title="Other")
    with app.test_request_context():
        user = db.session.get(User, person.id)
        signup = signups.sign_up(user, db.session.get(type(first), first.id))
        db.session.commit()
        assert policy.can_see_online_link(user, db.session.get(type(first), first.id), signup)
        assert not policy.can_see_online_link(user, db.session.get(type(second), second.id), signup)


def test_reporting_a_post_is_not_confused_with_reporting_one_of_its_comments(app, make_user, make_post, add_comment):
    reporter, author = make_user(), make_user()
    post = make_post(author)
    comment_id = add_comment(author, post, "a comment")
    with app.app_context():
        user = db.session.get(User, reporter.id)
        on_comment = reports.report(user, comment=db.session.get(Comment, comment_id), reason=ReportReason.SPAM)
        on_post = reports.report(user, post=db.session.get(Post, post.id), reason="abuse")
        db.session.commit()
        assert on_post.id != on_comment.id
        assert db.session.scalar(select(Report.reason).where(Report.id == on_post.id)) is ReportReason.ABUSE
        assert db.session.get(Post, post.id).visibility is Visibility.PUBLIC


def test_the_audit_log_speaks_german_in_the_german_interface(app, make_user):
    from tests.conftest import FormClient

    admin = make_user(Role.ADMIN, locale="de")
    german = FormClient(app.test_client())
    german.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    german.login(admin)
    german.submit("/moderation/categories", {"name": "Stammtisch"})
    person = make_user()
    german.submit(f"/admin/users/{person.id}/role", {"role": "member"}, form_url="/admin/")
    log = text_of(german.get("/admin/audit"))
    assert "Kategorie hinzugefügt" in log and "category.created" not in log and "role.changed" not in log
