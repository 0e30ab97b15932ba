"""Reports, the moderation queue, hiding and restoring, held first posts, suspension, rate limits."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.moderation import Report
from app.models.post import Comment, Post
from app.models.user import Role
from tests.conftest import DEFAULT_PASSWORD, PARTICIPATION_FORM, english_client, text_of
from tests.integration.test_comments import comment
from tests.integration.test_feed import get_post


def test_report_then_hide_from_the_queue(app, client, new_client, make_user, make_post, add_comment):
    post = make_post()
    offender = make_user(name="Troll")
    reply_author = make_user()
    bad = add_comment(offender, post, "Nasty words")
    add_comment(reply_author, post, "Calm reply", parent=bad)
    reporter = new_client()
    reporter.login(make_user())
    response = reporter.submit(f"/comments/{bad}/report", {"reason": "abuse", "note": "insulting"})
    assert response.status_code == 302
    # Reporting twice adds nothing.
    reporter.submit(f"/comments/{bad}/report", {"reason": "abuse"})
    with app.app_context():
        assert len(db.session.scalars(select(Report)).all()) == 1

    volunteer = make_user(Role.VOLUNTEER)
    client.login(volunteer)
    queue = text_of(client.get("/moderation/"))
    assert "Nasty words" in queue and "insulting" in queue
    assert "1<span class=\"visually-hidden\"> waiting for a decision" in text_of(client.get("/"))
    client.submit("/moderation/decide", {"one": f"hide comment:{bad}", "next": "/moderation/"},
                  form_url="/moderation/")
    assert comment(app, bad).is_hidden
    assert "Nothing is waiting for a decision." in text_of(client.get("/moderation/"))
    assert get_post(app, post.id).comment_count == 1

    visitor = text_of(english_client(app).get(f"/posts/{post.id}"))
    assert "Nasty words" not in visitor and "hidden by the moderators" in visitor and "Calm reply" in visitor
    assert "Nasty words" in text_of(client.get(f"/posts/{post.id}"))  # moderators still see it

    client.submit(f"/moderation/comments/{bad}/restore", form_url=f"/posts/{post.id}")
    assert not comment(app, bad).is_hidden and get_post(app, post.id).comment_count == 2
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == ["report.filed", "comment.hidden", "comment.restored"]


def test_report_needs_a_reason_and_keeps_the_note(client, make_user, make_post):
    post = make_post()
    client.login(make_user())
    response = client.submit(f"/posts/{post.id}/report", {"note": "my careful explanation"})
    assert response.status_code == 400
    assert "Please choose a reason." in text_of(response) and "my careful explanation" in text_of(response)
    response = client.submit(f"/posts/{post.id}/report", {"reason": "bogus", "note": "x"})
    assert response.status_code == 400


def test_dismiss_report(app, client, make_user, make_post):
    post = make_post()
    reporter = make_user()
    client.login(reporter)
    client.submit(f"/posts/{post.id}/report", {"reason": "spam"})
    client.logout()
    client.login(make_user(Role.VOLUNTEER))
    report_id = None
    with app.app_context():
        report_id = db.session.scalar(select(Report.id))
    client.submit(f"/moderation/reports/{report_id}/dismiss", form_url="/moderation/")
    with app.app_context():
        assert db.session.get(Report, report_id).resolution == "dismissed"
    assert not get_post(app, post.id).is_hidden


def test_lock_and_pin(app, client, make_user, make_post):
    news = make_post(kind="news")
    client.login(make_user(Role.VOLUNTEER))
    client.submit(f"/moderation/posts/{news.id}/lock", form_url=f"/posts/{news.id}")
    client.submit(f"/moderation/posts/{news.id}/pin", form_url=f"/posts/{news.id}")
    changed = get_post(app, news.id)
    assert changed.locked and changed.pinned
    discussion = make_post()
    response = client.submit(f"/moderation/posts/{discussion.id}/pin", form_url=f"/posts/{discussion.id}",
                             follow_redirects=True)
    assert "Only news can be pinned." in text_of(response)
    assert client.submit(f"/moderation/posts/{news.id}/explode", form_url="/").status_code == 404


def test_first_contributions_of_new_accounts_can_be_held(app, client, new_client, make_user, make_post):
    post = make_post()
    admin = make_user(Role.ADMIN)
    client.login(admin)
    assert client.submit("/admin/settings/participation", {**PARTICIPATION_FORM, "hold_first_posts": "y"}).status_code == 302
    newcomer_client = new_client()
    newcomer = make_user(name="Newcomer")
    newcomer_client.login(newcomer)
    response = newcomer_client.submit(f"/posts/{post.id}/comments", {"body": "My first words"},
                                      form_url=f"/posts/{post.id}", follow_redirects=True)
    assert "once a moderator has approved it" in text_of(response)
    assert "My first words" in text_of(response)  # the author sees their held comment
    assert "My first words" not in text_of(english_client(app).get(f"/posts/{post.id}"))
    assert get_post(app, post.id).comment_count == 0
    queue = text_of(client.get("/moderation/"))
    assert "My first words" in queue
    with app.app_context():
        held = db.session.scalar(select(Comment.id))
    client.submit(f"/moderation/comments/{held}/approve", form_url="/moderation/")
    assert "My first words" in text_of(english_client(app).get(f"/posts/{post.id}"))
    assert get_post(app, post.id).comment_count == 1
    # Once approved, the next contribution goes straight through.
    response = newcomer_client.submit("/posts/new", {"title": "Second", "body": "straight through",
                                                     "visibility": "public"})
    with app.app_context():
        assert db.session.scalar(select(Post).where(Post.title == "Second")).status == "published"
    assert response.status_code == 302


def test_suspended_accounts_lose_their_sessions(app, client, new_client, make_user):
    person = make_user()
    person_client = new_client()
    person_client.login(person)
    client.login(make_user(Role.ADMIN))
    client.submit(f"/moderation/people/{person.id}/suspension", {"reason": "Wiederholt beleidigend"})
    assert person_client.get("/account/").status_code == 302
    assert person_client.submit("/auth/login", {"email": person.email, "password": DEFAULT_PASSWORD}).status_code == 400
    client.submit(f"/moderation/people/{person.id}/lift/suspension", form_url=f"/moderation/people/{person.id}")
    person_client.login(person)


def test_admins_cannot_suspend_themselves(client, make_user):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    assert client.submit(f"/moderation/people/{admin.id}/suspension", {"reason": "x"}, form_url="/admin/").status_code == 403
    assert client.get(f"/moderation/people/{admin.id}/suspension").status_code == 403


def test_categories_are_managed_by_volunteers(app, client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    assert client.submit("/moderation/categories", {"name": "Karriere & Beruf"}).status_code == 302
    response = client.submit("/moderation/categories", {"name": "Karriere & Beruf"})
    assert response.status_code == 400 and "exists already" in text_of(response)
    assert "Karriere &amp; Beruf" in text_of(client.get("/?category=karriere-beruf"))


def test_posting_is_rate_limited_per_person_with_a_clear_page(limited_app, make_user, make_post):
    post = make_post()
    client = english_client(limited_app)
    client.login(make_user())
    statuses = [client.submit(f"/posts/{post.id}/comments", {"body": f"comment {n}"},
                              form_url=f"/posts/{post.id}").status_code for n in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    page = client.submit(f"/posts/{post.id}/comments", {"body": "again"}, form_url=f"/posts/{post.id}")
    assert page.status_code == 429 and "Too many requests" in text_of(page)
