"""Double submits do no harm, also when both copies arrive at the same moment (a double click that two
app processes serve): the form's one-time key is unique per author in the database."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.post import Comment, Post
from app.models.user import Role
from tests.conftest import english_client

pytestmark = pytest.mark.concurrency
ROUNDS = 4


def form_fields(page: str) -> dict:
    return dict(re.findall(r'<input[^>]*name="(csrf_token|submission|parent_id)"[^>]*value="([^"]*)"', page))


def post_twice_at_once(app, browser, url: str, data: dict) -> list[int]:
    """The same form, POSTed by two clients sharing one browser session, released together."""
    cookie = browser.get_cookie("session")
    clients = [browser, english_client(app)]
    clients[1].set_cookie("session", cookie.value)
    barrier, statuses = threading.Barrier(2), []

    def send(client):
        barrier.wait(timeout=10)
        statuses.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_one_comment_from_two_simultaneous_copies_of_one_submission(app, client, make_user, make_post, round_number):
    post = make_post()
    client.login(make_user())
    fields = form_fields(client.get(f"/posts/{post.id}").get_data(as_text=True))
    assert fields.get("submission"), "the comment form carries a one-time key"
    statuses = post_twice_at_once(app, client, f"/posts/{post.id}/comments",
                                  {**fields, "body": f"Gleichzeitig {round_number}"})
    assert sorted(statuses) == [302, 302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.post_id == post.id)) == 1
        assert db.session.get(Post, post.id).comment_count == 1


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_one_discussion_from_two_simultaneous_copies_of_one_submission(app, client, make_user, round_number):
    user = make_user(Role.MEMBER)
    client.login(user)
    fields = form_fields(client.get("/posts/new").get_data(as_text=True))
    statuses = post_twice_at_once(app, client, "/posts/new", {
        **fields, "title": f"Stammtisch {round_number}", "body": "Wer kommt?", "visibility": "public"})
    assert sorted(statuses) == [302, 302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == user.id)) == 1


def test_a_new_form_is_a_new_submission(app, client, make_user, make_post):
    """The same words written again later (a new page, a new key) are a second comment, as intended."""
    post = make_post()
    client.login(make_user())
    for _ in range(2):
        fields = form_fields(client.get(f"/posts/{post.id}").get_data(as_text=True))
        assert client.post(f"/posts/{post.id}/comments", data={**fields, "body": "+1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 2
