"""Community flagging: reports from different people add up until the post or comment is hidden pending review;
the author is told why and may edit it; moderators restore it or confirm the hiding; all of it audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.moderation import Report
from app.models.notification import Notification
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import english_client, run_together, text_of
from tests.integration.test_comments import comment
from tests.integration.test_feed import get_post
from tests.integration.test_notifications import consent, run

HIDDEN_FOR_OTHERS = "This comment was hidden by the moderators."


@pytest.fixture
def established(app, make_user):
    """An account older than `new_account_days`: its reports count in full."""

    def factory(role: Role = Role.ALUMNUS, **kwargs):
        user = make_user(role, **kwargs)
        with app.app_context():
            db.session.get(User, user.id).created_at = utcnow() - timedelta(days=30)
            db.session.commit()
        return user

    return factory


def report(app, user, path: str, reason: str = "abuse", note: str = ""):
    reporter = english_client(app)
    reporter.login(user)
    response = reporter.submit(f"{path}/report", {"reason": reason, "note": note})
    assert response.status_code == 302, text_of(response)[:500]
    return reporter


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [entry.action.value for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def review_notifications(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, Notification.kind == "review")) or 0


def test_three_reports_hide_a_comment_pending_review_and_its_author_is_told_why(
        app, client, make_user, make_post, add_comment, established):
    post = make_post()
    author = make_user(name="Hasty Writer")
    bad = add_comment(author, post, "You are all idiots.")
    assert get_post(app, post.id).comment_count == 1
    report(app, established(), f"/comments/{bad}", "abuse", note="insulting")
    report(app, established(), f"/comments/{bad}", "spam")
    assert not comment(app, bad).is_hidden  # two reports of three
    report(app, established(), f"/comments/{bad}", "abuse")

    hidden = comment(app, bad)
    assert hidden.is_hidden and hidden.is_awaiting_review and hidden.review_reasons == "spam,abuse"
    assert get_post(app, post.id).comment_count == 0
    visitor = text_of(english_client(app).get(f"/posts/{post.id}"))
    assert "You are all idiots." not in visitor and HIDDEN_FOR_OTHERS in visitor

    client.login(author)
    own = text_of(client.get(f"/posts/{post.id}"))
    assert "You are all idiots." in own
    assert "Others reported your comment" in own and "Spam or advertising, Insulting, hateful or harassing" in own
    assert f"/comments/{bad}/edit" in own
    bell = text_of(client.get("/notifications/"))
    assert "Your comment in A title was hidden after reports" in bell
    assert review_notifications(app, author.id) == 1
    assert audit_actions(app) == ["report.filed"] * 3 + ["content.hidden_by_reports"]


def test_the_author_edits_while_hidden_and_the_queue_says_so(app, client, make_user, make_post, add_comment,
                                                             established):
    post = make_post()
    author = make_user()
    bad = add_comment(author, post, "Rude words")
    with app.app_context():  # long past the edit window
        db.session.get(Comment, bad).created_at = utcnow() - timedelta(days=2)
        db.session.commit()
    for _ in range(3):
        report(app, established(), f"/comments/{bad}")
    client.login(author)
    response = client.submit(f"/comments/{bad}/edit", {"body": "Kinder words, sorry."})
    assert response.status_code == 302
    edited = comment(app, bad)
    assert edited.body_source == "Kinder words, sorry." and edited.is_awaiting_review  # still hidden
    moderator = english_client(app)
    moderator.login(make_user(Role.VOLUNTEER))
    queue = text_of(moderator.get("/moderation/"))
    assert "Kinder words, sorry." in queue and "Edited since: judge the new text" in queue
    assert "Hidden after reports, awaiting review" in queue


def test_weights_new_accounts_half_members_more_volunteers_alone_authors_and_unconfirmed_nothing(
        app, make_user, make_post, add_comment, established):
    post = make_post()
    author = make_user()

    bodies = iter(range(100))

    def fresh_comment():
        return add_comment(author, post, f"Borderline {next(bodies)}")  # the same text twice would be one comment

    newcomers = fresh_comment()  # accounts made today count half: three of them are not enough
    for _ in range(3):
        report(app, make_user(), f"/comments/{newcomers}")
    assert not comment(app, newcomers).is_hidden
    for _ in range(3):
        report(app, make_user(), f"/comments/{newcomers}")
    assert comment(app, newcomers).is_awaiting_review

    members = fresh_comment()  # members count one and a half: two are enough
    report(app, make_user(Role.MEMBER), f"/comments/{members}")
    assert not comment(app, members).is_hidden
    report(app, make_user(Role.MEMBER), f"/comments/{members}")
    assert comment(app, members).is_awaiting_review

    volunteer = fresh_comment()  # a volunteer's report is enough on its own
    report(app, make_user(Role.VOLUNTEER), f"/comments/{volunteer}")
    assert comment(app, volunteer).is_awaiting_review

    uncounted = fresh_comment()  # the author's own report and unconfirmed accounts count nothing
    report(app, author, f"/comments/{uncounted}")
    for _ in range(3):
        unconfirmed = make_user(verified=False)
        with app.app_context():
            db.session.get(User, unconfirmed.id).created_at = utcnow() - timedelta(days=30)
            db.session.commit()
        report(app, unconfirmed, f"/comments/{uncounted}")
    report(app, established(), f"/comments/{uncounted}")
    report(app, established(), f"/comments/{uncounted}")
    assert not comment(app, uncounted).is_hidden
    report(app, established(), f"/comments/{uncounted}")
    assert comment(app, uncounted).is_awaiting_review


def test_a_threshold_of_zero_turns_flagging_off(app, client, make_user, make_post, add_comment, established):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    form = {"flag_hide_threshold": "0"}
    assert client.submit("/admin/settings/reports", form).status_code == 302
    post = make_post()
    bad = add_comment(make_user(), post, "Spam spam spam")
    for _ in range(4):
        report(app, established(), f"/comments/{bad}", "spam")
    report(app, make_user(Role.VOLUNTEER), f"/comments/{bad}", "spam")
    assert not comment(app, bad).is_hidden
    junk = client.submit("/admin/settings/reports", {"flag_hide_threshold": "-1"})
    assert junk.status_code == 400 and "Please enter a number from 0 to 50." in text_of(junk)


def test_restore_dismisses_the_reports_and_the_same_people_cannot_hide_it_again(
        app, client, make_user, make_post, add_comment, established):
    post = make_post()
    author = make_user()
    fine = add_comment(author, post, "An unpopular but fair opinion")
    reporters = [established() for _ in range(3)]
    for person in reporters:
        report(app, person, f"/comments/{fine}", "off_topic")
    assert comment(app, fine).is_awaiting_review
    client.login(make_user(Role.VOLUNTEER))
    assert client.submit("/moderation/decide", {"one": f"restore comment:{fine}"},
                         form_url="/moderation/").status_code == 302
    restored = comment(app, fine)
    assert not restored.is_hidden and restored.review_reasons is None
    assert get_post(app, post.id).comment_count == 1
    with app.app_context():
        assert {r.resolution for r in db.session.scalars(select(Report))} == {"dismissed"}
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "content.review_restored"))
        assert entry.new_value == f"comment:{fine} off_topic weight 3" and entry.subject_id == author.id
    assert review_notifications(app, author.id) == 1  # kept, but no longer shown: nothing is hidden
    author_client = english_client(app)
    author_client.login(author)
    assert "hidden after reports" not in text_of(author_client.get("/notifications/"))

    for person in reporters:  # the same three again: their weight was used up by the restore
        report(app, person, f"/comments/{fine}", "off_topic")
    assert not comment(app, fine).is_hidden
    for _ in range(3):  # three other people are heard
        report(app, established(), f"/comments/{fine}", "spam")
    assert comment(app, fine).is_awaiting_review


def test_confirm_keeps_it_hidden_settles_the_reports_and_ends_the_review(app, client, make_user, make_post,
                                                                         add_comment, established):
    post = make_post()
    author = make_user()
    bad = add_comment(author, post, "Really bad")
    for _ in range(3):
        report(app, established(), f"/comments/{bad}")
    client.login(make_user(Role.VOLUNTEER))
    # From the thread: the moderator's "Keep hidden" is the queue's hide.
    assert "Keep hidden" in text_of(client.get(f"/posts/{post.id}"))
    client.submit(f"/moderation/comments/{bad}/hide", form_url=f"/posts/{post.id}")
    confirmed = comment(app, bad)
    assert confirmed.is_hidden and not confirmed.is_awaiting_review
    with app.app_context():
        assert {r.resolution for r in db.session.scalars(select(Report))} == {"hidden"}
    assert audit_actions(app)[-1] == "content.review_confirmed"
    author_client = english_client(app)
    author_client.login(author)
    assert "Really bad" not in text_of(author_client.get(f"/posts/{post.id}"))  # an ordinary hiding now
    assert "hidden after reports" not in text_of(author_client.get("/notifications/"))
    assert author_client.get(f"/comments/{bad}/edit").status_code == 403


def test_a_reported_post_is_hidden_for_others_and_shown_to_its_author_with_the_reasons(
        app, client, make_user, make_post, established):
    author = make_user(name="Post Author")
    post = make_post(author, title="Buy cheap watches")
    for _ in range(3):
        report(app, established(), f"/posts/{post.id}", "spam")
    assert get_post(app, post.id).is_awaiting_review
    visitor = text_of(english_client(app).get(f"/posts/{post.id}"))
    assert "Buy cheap watches" not in visitor and "Hidden post" in visitor
    client.login(author)
    own = text_of(client.get(f"/posts/{post.id}"))
    assert "Buy cheap watches" in own and "Others reported your post (Spam or advertising)" in own
    assert f"/posts/{post.id}/edit" in own
    assert "Your post Buy cheap watches was hidden after reports" in text_of(client.get("/notifications/"))
    moderator = english_client(app)
    moderator.login(make_user(Role.VOLUNTEER))
    assert "Hidden after reports (Spam or advertising), awaiting a moderator" in text_of(
        moderator.get(f"/posts/{post.id}"))
    moderator.submit(f"/moderation/posts/{post.id}/restore", form_url=f"/posts/{post.id}")
    assert not get_post(app, post.id).is_hidden


def test_the_author_is_mailed_per_their_preferences(app, make_user, make_post, add_comment, established, mailbox):
    post = make_post(title="Stammtisch")
    author = make_user()
    consent(app, author, replies="immediately")
    bad = add_comment(author, post, "Heated words")
    for _ in range(3):
        report(app, established(), f"/comments/{bad}", "abuse")
    mailbox.clear()
    assert "1 mails queued." in run(app, "send-notifications")
    body = mailbox.body(mailbox.wait_for(author.email)[0])
    assert 'Your comment in "Stammtisch" was hidden after reports (Insulting, hateful or harassing)' in body
    assert f"/comments/{bad}/edit" in body


def test_reports_arriving_at_once_hide_exactly_once(app, make_user, make_post, add_comment, established):
    from app.services.flagging import report_content

    post = make_post()
    author = make_user()
    for round_number in range(3):
        target = add_comment(author, post, f"Contested {round_number}")
        people = [established() for _ in range(4)]  # one more than needed: the last ones find it hidden

        def work(person_id, target=target):
            report_content(db.session.get(User, person_id), comment=db.session.get(Comment, target), reason="abuse")

        _results, errors = run_together(app, work, [person.id for person in people])
        assert not errors, errors
        assert comment(app, target).is_awaiting_review, round_number
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Report).where(Report.comment_id == target)) == 4
            assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "content.hidden_by_reports", AuditEntry.new_value.like(f"comment:{target} %"))) == 1
            assert db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.kind == "review", Notification.comment_id == target)) == 1
            assert db.session.get(Post, post.id).comment_count == 0
