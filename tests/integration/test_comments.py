"""Threaded comments: replies, order, permalinks, edit window, delete placeholders, likes, locks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models.post import Comment
from app.models.user import Role
from tests.conftest import text_of
from tests.integration.test_feed import get_post


def comment(app, comment_id):
    with app.app_context():
        found = db.session.get(Comment, comment_id)
        db.session.expunge(found)
        return found


def test_comment_and_reply_three_levels(app, client, make_user, make_post):
    post = make_post()
    user = make_user()
    client.login(user)
    response = client.submit(f"/posts/{post.id}/comments", {"body": "First!"}, form_url=f"/posts/{post.id}")
    assert response.status_code == 302
    first_id = int(response.headers["Location"].rsplit("#c", 1)[1])
    parent = first_id
    for level in range(1, 4):
        response = client.submit(f"/posts/{post.id}/comments", {"body": f"Level {level}", "parent_id": str(parent)},
                                 form_url=f"/comments/{parent}/reply")
        assert response.status_code == 302
        parent = int(response.headers["Location"].rsplit("#c", 1)[1])
    deepest = comment(app, parent)
    assert deepest.depth == 3 and deepest.root_id == first_id and deepest.path.count(".") == 3
    assert get_post(app, post.id).comment_count == 4
    page = text_of(client.get(f"/posts/{post.id}"))
    assert page.index("First!") < page.index("Level 1") < page.index("Level 2") < page.index("Level 3")
    assert f'id="c{parent}"' in page


def test_newest_first_keeps_threads_together(app, client, make_user, make_post, add_comment):
    post = make_post()
    user = make_user()
    old = add_comment(user, post, "Old thread")
    add_comment(user, post, "Reply in old thread", parent=old)
    add_comment(user, post, "New thread")
    page = text_of(client.get(f"/posts/{post.id}?sort=newest"))
    assert page.index("New thread") < page.index("Old thread") < page.index("Reply in old thread")


def test_deep_replies_beyond_the_nesting_cap_open_on_their_own_page(app, client, make_user, make_post,
                                                                      add_comment):
    post = make_post()
    user = make_user(name="Deep Diver")
    parent, ids = None, []
    for level in range(8):
        parent = add_comment(user, post, f"Depth {level}", parent=parent)
        ids.append(parent)
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "level-5" not in page and "level-4" in page
    assert "Depth 4" in page and "Depth 5" not in page  # depths 5, 6, 7 wait behind a link
    assert "3 more replies" in page and f'href="/comments/{ids[4]}/replies"' in page
    branch = text_of(client.get(f"/comments/{ids[4]}/replies"))
    assert branch.index("Depth 4") < branch.index("Depth 5") < branch.index("Depth 6") < branch.index("Depth 7")
    assert "Depth 3" not in branch
    # A permalink to a comment down there leads to that page, at the comment.
    assert client.get(f"/comments/{ids[7]}").headers["Location"] == f"/comments/{ids[4]}/replies#c{ids[7]}"


def test_permalink_redirects_to_the_anchor(client, make_user, make_post, add_comment):
    post = make_post()
    comment_id = add_comment(make_user(), post)
    response = client.get(f"/comments/{comment_id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post.id}#c{comment_id}"
    assert client.get("/comments/999999").status_code == 404


@pytest.mark.parametrize(("body", "message"), [("", "Please write something."), ("  \n ", "Please write something."),
                                               ("x" * 10_001, "at most 10000")])
def test_empty_or_huge_comment_is_refused_and_kept(app, client, make_user, make_post, body, message):
    post = make_post()
    client.login(make_user())
    response = client.submit(f"/posts/{post.id}/comments", {"body": body}, form_url=f"/posts/{post.id}")
    assert response.status_code == 400 and message in text_of(response)
    if body.strip():
        assert body in text_of(response)
    assert get_post(app, post.id).comment_count == 0


def test_reply_text_is_kept_on_error(client, make_user, make_post, add_comment):
    post = make_post()
    parent = add_comment(make_user(), post)
    client.login(make_user())
    response = client.submit(f"/posts/{post.id}/comments", {"body": "y" * 10_001, "parent_id": str(parent)},
                             form_url=f"/comments/{parent}/reply")
    assert response.status_code == 400 and "y" * 100 in text_of(response) and "Reply to" in text_of(response)


def test_reply_to_a_comment_of_another_post_is_refused(app, client, make_user, make_post, add_comment):
    post, other = make_post(), make_post(title="Other")
    foreign = add_comment(make_user(), other)
    client.login(make_user())
    response = client.submit(f"/posts/{post.id}/comments", {"body": "sneaky", "parent_id": str(foreign)},
                             form_url=f"/posts/{post.id}")
    assert response.status_code == 400 and "does not belong to this post" in text_of(response)
    response = client.submit(f"/posts/{post.id}/comments", {"body": "x", "parent_id": "999999"},
                             form_url=f"/posts/{post.id}")
    assert response.status_code == 404
    response = client.submit(f"/posts/{post.id}/comments", {"body": "x", "parent_id": "abc"},
                             form_url=f"/posts/{post.id}")
    assert response.status_code == 400


def test_delete_leaves_a_placeholder_and_the_replies(app, client, make_user, make_post, add_comment):
    post = make_post()
    author = make_user()
    parent = add_comment(author, post, "Regrettable words")
    add_comment(make_user(), post, "A reply that stays", parent=parent)
    client.login(author)
    assert client.submit(f"/comments/{parent}/delete").status_code == 302
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Regrettable words" not in page and "deleted by its author" in page and "A reply that stays" in page
    assert get_post(app, post.id).comment_count == 1
    response = client.submit(f"/posts/{post.id}/comments", {"body": "reply to deleted", "parent_id": str(parent)},
                             form_url=f"/posts/{post.id}")
    assert response.status_code == 400 and "removed" in text_of(response)
    assert client.get(f"/comments/{parent}/delete").status_code == 403  # already deleted


def test_edit_within_the_window_only(app, client, make_user, make_post, add_comment):
    post = make_post()
    author = make_user()
    comment_id = add_comment(author, post, "Typo hier")
    client.login(author)
    response = client.submit(f"/comments/{comment_id}/edit", {"body": "Typo here"})
    assert response.status_code == 302
    assert comment(app, comment_id).body_source == "Typo here"
    assert "edited" in text_of(client.get(f"/posts/{post.id}"))
    with app.app_context():
        from app.models.types import utcnow

        db.session.get(Comment, comment_id).created_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    assert client.get(f"/comments/{comment_id}/edit").status_code == 403


def test_others_cannot_edit_or_delete(client, make_user, make_post, add_comment):
    post = make_post()
    comment_id = add_comment(make_user(), post)
    client.login(make_user(Role.ADMIN))
    assert client.get(f"/comments/{comment_id}/edit").status_code == 403
    assert client.submit(f"/comments/{comment_id}/delete", form_url="/account/").status_code == 403


def test_locked_posts_take_no_comments(app, client, make_user, make_post):
    post = make_post(locked=True)
    client.login(make_user())
    response = client.submit(f"/posts/{post.id}/comments", {"body": "too late"}, form_url=f"/posts/{post.id}")
    assert response.status_code == 403
    assert "This discussion is locked." in text_of(client.get(f"/posts/{post.id}"))


def test_unverified_users_cannot_comment(app, client, make_user, make_post):
    post = make_post()
    client.login(make_user(verified=False))
    response = client.submit(f"/posts/{post.id}/comments", {"body": "hello"}, form_url=f"/posts/{post.id}")
    assert response.status_code == 303
    assert get_post(app, post.id).comment_count == 0


def test_members_only_comments_are_404_for_outsiders(client, make_user, make_post, add_comment):
    post = make_post(visibility="members")
    comment_id = add_comment(make_user(Role.MEMBER), post, "inner words")
    client.login(make_user())
    for url in (f"/comments/{comment_id}", f"/comments/{comment_id}/reply", f"/comments/{comment_id}/report"):
        assert client.get(url).status_code == 404, url
    response = client.submit(f"/comments/{comment_id}/like", form_url="/account/")
    assert response.status_code == 404


def test_double_submitted_comment_is_stored_once(app, client, make_user, make_post):
    post = make_post()
    client.login(make_user())
    first = client.submit(f"/posts/{post.id}/comments", {"body": "Once"}, form_url=f"/posts/{post.id}")
    second = client.submit(f"/posts/{post.id}/comments", {"body": "Once"}, form_url=f"/posts/{post.id}")
    assert first.headers["Location"] == second.headers["Location"]
    assert get_post(app, post.id).comment_count == 1


def test_comment_likes_send_the_intended_state(app, client, make_user, make_post, add_comment):
    post = make_post()
    comment_id = add_comment(make_user(), post)
    client.login(make_user())
    client.submit(f"/comments/{comment_id}/like", {"liked": "1"}, form_url=f"/posts/{post.id}")
    assert comment(app, comment_id).like_count == 1
    client.submit(f"/comments/{comment_id}/like", {"liked": "1"}, form_url=f"/posts/{post.id}")  # a stale page
    assert comment(app, comment_id).like_count == 1
    assert 'name="liked" value="0"' in text_of(client.get(f"/posts/{post.id}"))
    client.submit(f"/comments/{comment_id}/like", {"liked": "0"}, form_url=f"/posts/{post.id}")
    client.submit(f"/comments/{comment_id}/like", {"liked": "0"}, form_url=f"/posts/{post.id}")
    assert comment(app, comment_id).like_count == 0


def test_comment_activity_moves_the_post_up(app, client, make_user, make_post, add_comment):
    from app.models.types import utcnow

    older = make_post(title="Older post", last_activity_at=utcnow() - timedelta(days=2))
    make_post(title="Newer post", last_activity_at=utcnow() - timedelta(days=1))
    add_comment(make_user(), older, "bump")
    feed = text_of(client.get("/"))
    assert feed.index("Older post") < feed.index("Newer post")


def test_comment_markdown_is_sanitized(app, client, make_user, make_post):
    post = make_post()
    client.login(make_user())
    client.submit(f"/posts/{post.id}/comments", {"body": "<script>alert(1)</script> [x](javascript:alert(1)) "
                                                         "[ok](https://example.org)"}, form_url=f"/posts/{post.id}")
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    assert re.search(r'<a href="https://example.org" rel="nofollow ugc noopener">ok</a>', page)


def test_comments_atom_feed(client, make_user, make_post, add_comment):
    post = make_post()
    add_comment(make_user(), post, "In the comments feed")
    response = client.get(f"/posts/{post.id}/comments.atom")
    assert response.status_code == 200 and "In the comments feed" in text_of(response)




def test_comments_atom_feed_lists_the_newest_readable_comments_only(app, client, make_user, make_post, add_comment):
    from app.models.types import utcnow
    from app.services.threads import FEED_ENTRIES

    post = make_post()
    writer = make_user(Role.MEMBER)  # more comments in a day than a new account may write
    ids = [add_comment(writer, post, f"Eintrag {n}") for n in range(FEED_ENTRIES + 3)]
    with app.app_context():
        db.session.execute(db.update(Comment).where(Comment.id == ids[-1]).values(hidden_at=utcnow()))
        db.session.commit()
    feed = text_of(client.get(f"/posts/{post.id}/comments.atom"))
    assert f"Eintrag {FEED_ENTRIES + 2}&lt;" not in feed  # hidden by the moderators
    assert feed.index(f"Eintrag {FEED_ENTRIES + 1}&lt;") < feed.index(f"Eintrag {FEED_ENTRIES}&lt;")  # newest first
    assert feed.count("<entry>") == FEED_ENTRIES and "Eintrag 0&lt;" not in feed and "Eintrag 1&lt;" not in feed
