"""The moderation queue: one case per reported or held thing, filters by kind, reason and age (junk ignored),
decisions on one case or on many at once, paging with a fixed number of statements, and the header's count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models.moderation import Report
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import english_client, text_of
from tests.integration.test_comments import comment
from tests.integration.test_feed import get_post
from tests.integration.test_query_counts import count_queries

CASE_RE = re.compile(r'name="items" value="([a-z_]+:\d+)"')


def report(app, user, path: str, reason: str = "abuse"):
    reporter = english_client(app)
    reporter.login(user)
    assert reporter.submit(f"{path}/report", {"reason": reason}).status_code == 302


def cases(client, query: str = "") -> list[str]:
    page = client.get(f"/moderation/{query}")
    assert page.status_code == 200
    return CASE_RE.findall(text_of(page))


@pytest.fixture
def moderator(app, make_user):
    client = english_client(app)
    client.login(make_user(Role.VOLUNTEER))
    return client


@pytest.fixture
def held(app, make_user, make_post):
    """A post and a comment held for approval (first contributions, with holding turned on)."""
    from app.services import settings
    from app.services.comments import add_comment
    from app.services.posts import create_post

    post = make_post()  # before holding is on
    with app.app_context():
        settings.save(None, {"hold_first_posts": True})
        db.session.commit()
    first, second = make_user(name="Newcomer One"), make_user(name="Newcomer Two")
    with app.test_request_context():
        held_post = create_post(db.session.get(User, first.id), kind="discussion", title="Held thoughts",
                                body="New here", category=None, visibility="public")
        held_comment = add_comment(db.session.get(User, second.id), db.session.get(Post, post.id), "First words")
        db.session.commit()
        assert held_post.is_pending and held_comment.is_pending
        found = {"post": held_post.id, "comment": held_comment.id, "thread": post.id}
    with app.app_context():  # off again: the test's own content goes straight through
        settings.save(None, {"hold_first_posts": False})
        db.session.commit()
    return found


def test_filters_by_kind_reason_and_age_and_junk_is_ignored(app, moderator, make_user, make_post, add_comment,
                                                           held):
    spam_post = make_post(title="Cheap watches")
    thread = make_post()
    rude = add_comment(make_user(), thread, "Rude")
    old = add_comment(make_user(), thread, "Old quarrel")
    report(app, make_user(), f"/posts/{spam_post.id}", "spam")
    report(app, make_user(), f"/comments/{rude}", "abuse")
    report(app, make_user(), f"/comments/{old}", "off_topic")
    with app.app_context():
        db.session.execute(update(Report).where(Report.comment_id == old)
                           .values(created_at=utcnow() - timedelta(days=10)))
        db.session.commit()

    everything = [f"comment:{old}", f"post:{spam_post.id}", f"held_post:{held['post']}",
                  f"held_comment:{held['comment']}", f"comment:{rude}"]
    assert sorted(cases(moderator)) == sorted(everything)
    assert cases(moderator)[0] == f"comment:{old}"  # waiting longest: first
    assert sorted(cases(moderator, "?kind=comment")) == sorted([f"comment:{rude}", f"comment:{old}"])
    assert cases(moderator, "?kind=post") == [f"post:{spam_post.id}"]
    assert cases(moderator, "?kind=held_post") == [f"held_post:{held['post']}"]
    assert cases(moderator, "?kind=held_comment") == [f"held_comment:{held['comment']}"]
    assert cases(moderator, "?kind=file") == []
    assert cases(moderator, "?reason=spam") == [f"post:{spam_post.id}"]  # held things have no reason
    assert cases(moderator, "?age=older") == [f"comment:{old}"]
    assert f"comment:{old}" not in cases(moderator, "?age=day") and len(cases(moderator, "?age=week")) == 4
    assert cases(moderator, "?kind=comment&reason=abuse&age=day") == [f"comment:{rude}"]
    assert "Nothing here matches these filters." in text_of(moderator.get("/moderation/?kind=file"))
    for junk in ("?kind=%3Cscript%3E&reason=bogus&age=1", "?page=abc", "?page=99999999999999999999", "?reason=",
                 "?age=%C3%A4", "?page=-1"):
        assert sorted(cases(moderator, junk)) == sorted(everything), junk
    assert cases(moderator, "?kind=post&kind=comment") == [f"post:{spam_post.id}"]  # the first one counts
    page = text_of(moderator.get("/moderation/?kind=comment&reason=abuse"))
    assert '<option value="comment" selected>' in page and '<option value="abuse" selected>' in page


def test_one_case_many_reports_and_its_own_buttons(app, moderator, make_user, make_post, add_comment):
    thread = make_post()
    bad = add_comment(make_user(name="Hot Head"), thread, "Nasty words")
    for reason in ("abuse", "abuse"):
        report(app, make_user(name="Careful Reader"), f"/comments/{bad}", reason)
    page = text_of(moderator.get("/moderation/"))
    assert cases(moderator) == [f"comment:{bad}"]  # two reports, one case
    assert "2 reports: Insulting, hateful or harassing (2)" in page
    assert page.count("reported by Careful Reader") == 2 and "Comment by Hot Head" in page
    assert f'value="hide comment:{bad}"' in page and f'value="dismiss comment:{bad}"' in page
    moderator.submit("/moderation/decide", {"one": f"dismiss comment:{bad}"}, form_url="/moderation/")
    assert not comment(app, bad).is_hidden
    assert "Nothing is waiting for a decision." in text_of(moderator.get("/moderation/"))
    with app.app_context():
        assert {r.resolution for r in db.session.scalars(select(Report))} == {"dismissed"}


def test_bulk_decisions_on_the_ticked_cases_and_on_the_whole_page(app, moderator, make_user, make_post,
                                                                  add_comment, held):
    thread = make_post()
    ids = [add_comment(make_user(), thread, f"Reported {n}") for n in range(3)]
    for comment_id in ids:
        report(app, make_user(), f"/comments/{comment_id}")
    response = moderator.submit("/moderation/decide", {
        "action": "dismiss", "items": [f"comment:{ids[0]}", f"comment:{ids[1]}", f"held_post:{held['post']}"],
        "next": "/moderation/?kind=comment"}, form_url="/moderation/", follow_redirects=True)
    page = text_of(response)
    assert "Done: 2 items." in page and "1 item did not fit this action" in page  # a held post has no reports
    assert cases(moderator, "?kind=comment") == [f"comment:{ids[2]}"]
    assert get_post(app, held["post"]).is_pending  # untouched

    response = moderator.submit("/moderation/decide", {
        "action": "approve", "items": [f"held_post:{held['post']}", f"held_comment:{held['comment']}",
                                       f"comment:{ids[2]}", "junk", "post:abc", "held_post:99999999999"]},
        form_url="/moderation/", follow_redirects=True)
    assert "Done: 2 items." in text_of(response)
    assert not get_post(app, held["post"]).is_pending and not comment(app, held["comment"]).is_pending

    # "All items on this page" decides for every case listed, ticked or not.
    shown = cases(moderator)
    assert shown == [f"comment:{ids[2]}"]
    moderator.submit("/moderation/decide", {"action": "hide", "all": "1", "shown": shown}, form_url="/moderation/")
    assert comment(app, ids[2]).is_hidden
    nothing = moderator.submit("/moderation/decide", {"action": "hide"}, form_url="/moderation/",
                               follow_redirects=True)
    assert "Please select at least one item." in text_of(nothing)
    unknown = moderator.submit("/moderation/decide", {"action": "explode", "items": [f"comment:{ids[0]}"]},
                               form_url="/moderation/", follow_redirects=True)
    assert "Please choose what to do." in text_of(unknown)
    assert moderator.post("/moderation/decide", data={"action": "hide"}).status_code == 400  # no CSRF token


def test_rejecting_held_content_takes_it_out_of_the_queue(app, moderator, held):
    moderator.submit("/moderation/decide", {"action": "hide", "items": [f"held_post:{held['post']}",
                                                                        f"held_comment:{held['comment']}"]},
                     form_url="/moderation/")
    assert cases(moderator) == []
    assert get_post(app, held["post"]).is_hidden and comment(app, held["comment"]).is_hidden


def test_the_header_counts_reported_things_and_held_content_in_one_statement(app, moderator, make_user, make_post,
                                                                             add_comment, held):
    from app.services.review_queue import moderation_count

    thread = make_post()
    twice = add_comment(make_user(), thread, "Reported twice")
    report(app, make_user(), f"/comments/{twice}")
    report(app, make_user(), f"/comments/{twice}", "spam")
    report(app, make_user(), f"/posts/{thread.id}", "spam")
    with app.app_context():  # a deleted held comment waits for nobody
        db.session.add(Comment(post_id=thread.id, author_id=make_user().id, body_source="", body_html="",
                               status="pending", deleted_at=utcnow()))
        db.session.commit()
    assert "4<span class=\"visually-hidden\"> waiting for a decision" in text_of(moderator.get("/"))
    with app.test_request_context():
        volunteer = db.session.scalar(select(User).where(User.role == Role.VOLUNTEER))
        with count_queries(app) as statements:
            assert moderation_count(volunteer) == 4
        assert len(statements) == 1
        assert moderation_count(db.session.scalar(select(User).where(User.role == Role.ALUMNUS))) == 0


def test_the_queue_pages_with_the_same_statements_for_few_and_many(app, moderator, make_user, make_post):
    from app.services.review_queue import PER_PAGE

    thread = make_post()
    reporter = make_user()
    counts = {}
    for total in (3, PER_PAGE + 5):
        with app.app_context():
            existing = len(db.session.scalars(select(Comment)).all())
            for number in range(existing, total):
                entry = Comment(post_id=thread.id, author_id=reporter.id, body_source=f"c{number}",
                                body_html=f"<p>c{number}</p>", created_at=utcnow())
                db.session.add(entry)
                db.session.flush()
                db.session.add(Report(reporter_id=reporter.id, post_id=thread.id, comment_id=entry.id,
                                      reason="spam", created_at=utcnow() - timedelta(minutes=total - number)))
            db.session.commit()
        moderator.get("/moderation/")  # settings and session warm
        with count_queries(app) as statements:
            assert moderator.get("/moderation/").status_code == 200
        counts[total] = len(statements)
    assert counts[3] == counts[PER_PAGE + 5], counts
    first = text_of(moderator.get("/moderation/"))
    assert len(CASE_RE.findall(first)) == PER_PAGE and 'rel="next"' in first
    second = text_of(moderator.get("/moderation/?page=2"))
    assert len(CASE_RE.findall(second)) == 5 and 'rel="prev"' in second and 'rel="next"' not in second
