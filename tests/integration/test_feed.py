"""The feed and posts: who writes what, visibility, teasers, keyset pagination, edits, likes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.post import Category, Post, PostLike
from app.models.types import utcnow
from app.models.user import Role
from tests.conftest import text_of


def get_post(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        db.session.expunge(post)
        return post


NEW_DISCUSSION = {"title": "Stammtisch im Mai?", "body": "Wer ist **dabei**?", "visibility": "public"}


def test_verified_alumnus_starts_a_discussion(app, client, make_user):
    author = make_user()
    client.login(author)
    response = client.submit("/posts/new", NEW_DISCUSSION)
    assert response.status_code == 302
    post = get_post(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert post.kind == "discussion" and post.author_id == author.id and post.visibility == "public"
    assert post.body_html == "<p>Wer ist <strong>dabei</strong>?</p>\n" and post.excerpt == "Wer ist dabei?"
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Stammtisch im Mai?" in page and "<strong>dabei</strong>" in page
    assert "Stammtisch im Mai?" in text_of(client.get("/"))


def test_unverified_cannot_post_and_is_told_why(client, make_user):
    client.login(make_user(verified=False))
    response = client.submit("/posts/new", NEW_DISCUSSION, form_url="/account/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert "confirm your email" in text_of(client.get("/account/"))


def test_only_volunteers_write_news_and_pin(app, client, make_user):
    client.login(make_user(Role.MEMBER))
    assert client.get("/posts/new?kind=news").status_code == 403
    client.logout()
    client.login(make_user(Role.VOLUNTEER))
    response = client.submit("/posts/new?kind=news", {**NEW_DISCUSSION, "pinned": "y"})
    post = get_post(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert post.kind == "news" and post.pinned


def test_alumni_cannot_make_a_post_members_only(app, client, make_user):
    client.login(make_user())
    response = client.submit("/posts/new", {**NEW_DISCUSSION, "visibility": "members"})
    assert response.status_code == 400 and "You may not start this discussion." in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"title": ""}, "Please enter a title."), ({"title": "   "}, "Please enter a title."),
     ({"body": " \n\t "}, "Please write something."), ({"title": "x" * 201}, "at most 200"),
     ({"body": "x" * 20_001}, "at most 20000")],
)
def test_bad_post_input_keeps_the_text(app, client, make_user, changes, message):
    client.login(make_user())
    data = {**NEW_DISCUSSION, **changes}
    response = client.submit("/posts/new", data)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    if data["body"].strip() and len(data["body"]) < 100:
        assert data["body"].replace("*", "") in page.replace("*", "")
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


def test_double_submit_creates_one_post(app, client, make_user):
    client.login(make_user())
    first = client.submit("/posts/new", NEW_DISCUSSION)
    second = client.submit("/posts/new", NEW_DISCUSSION)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert len(db.session.scalars(select(Post)).all()) == 1


def test_members_only_post_is_invisible_outside_unless_teaser(app, client, make_user, make_post):
    secret = make_post(title="Vorstandsprotokoll", body="GEHEIMER INHALT", visibility="members")
    teaser = make_post(title="Mitgliederreise", body="Teaser first lines. " * 30 + "ENDE-DES-TEXTES",
                       visibility="members", public_teaser=True)
    public = make_post(title="Sommerfest")
    for who in (None, Role.ALUMNUS):
        if who:
            client.login(make_user(who))
        feed = text_of(client.get("/"))
        assert "Sommerfest" in feed and "Vorstandsprotokoll" not in feed
        assert "Mitgliederreise" in feed and "ENDE-DES-TEXTES" not in feed and "Members only" in feed
        assert client.get(f"/posts/{secret.id}").status_code == 404
        page = client.get(f"/posts/{teaser.id}")
        assert page.status_code == 200 and "ENDE-DES-TEXTES" not in text_of(page)
        assert "Teaser first lines." in text_of(page)
        assert client.get(f"/posts/{public.id}").status_code == 200
    client.logout()
    client.login(make_user(Role.MEMBER))
    assert "GEHEIMER INHALT" in text_of(client.get(f"/posts/{secret.id}"))
    assert "ENDE-DES-TEXTES" in text_of(client.get(f"/posts/{teaser.id}"))


def test_atom_lists_public_posts_only(client, make_post):
    make_post(title="Public news item", kind="news")
    make_post(title="Secret item", visibility="members")
    make_post(title="Teaser item", visibility="members", public_teaser=True)
    hidden = make_post(title="Hidden item")
    hidden_id = hidden.id
    response = client.get("/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(response.get_data())
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in root.iter("{http://www.w3.org/2005/Atom}entry")]
    assert "Public news item" in titles and "Hidden item" in titles
    assert "Secret item" not in titles and "Teaser item" not in titles
    assert hidden_id


def test_hidden_posts_leave_the_feed_and_atom(app, client, make_user, make_post):
    post = make_post(title="Soon hidden")
    volunteer = make_user(Role.VOLUNTEER)
    client.login(volunteer)
    client.submit(f"/moderation/posts/{post.id}/hide", form_url=f"/posts/{post.id}")
    client.logout()
    assert "Soon hidden" not in text_of(client.get("/"))
    assert "Soon hidden" not in text_of(client.get("/feed.atom"))
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "hidden by the moderators" in page and "Soon hidden" not in page


def test_feed_filters_and_pinned_news_on_top(app, client, make_user, make_post):
    with app.app_context():
        db.session.add(Category(slug="karriere", name="Karriere"))
        db.session.commit()
        category_id = db.session.scalar(select(Category.id))
    make_post(title="Old pinned news", kind="news", pinned=True, last_activity_at=utcnow() - timedelta(days=30))
    make_post(title="Fresh discussion", category=category_id)
    feed = text_of(client.get("/"))
    assert feed.index("Old pinned news") < feed.index("Fresh discussion")
    news = text_of(client.get("/?kind=news"))
    assert "Old pinned news" in news and "Fresh discussion" not in news
    by_category = text_of(client.get("/?category=karriere"))
    assert "Fresh discussion" in by_category and "Old pinned news" not in by_category
    assert client.get("/?category=nope").status_code == 404
    assert client.get("/?kind=bogus").status_code == 200
    assert client.get("/?before=garbage").status_code == 200


def test_keyset_pagination_stays_correct_while_posts_arrive(app, client, make_user, make_post):
    author = make_user(Role.MEMBER)
    start = utcnow() - timedelta(hours=1)
    for number in range(45):
        make_post(author, title=f"Post number {number:02d}", body=f"body {number}",
                  last_activity_at=start + timedelta(minutes=number))
    first = text_of(client.get("/"))
    assert "Post number 44" in first and "Post number 25" in first and "Post number 24" not in first
    import re

    older = re.search(r'href="(/\?before=[^"]+)"', first).group(1).replace("&amp;", "&")
    make_post(author, title="Brand new post", body="new")  # arrives while someone reads page 1
    second = text_of(client.get(older))
    assert "Post number 24" in second and "Post number 05" in second
    assert "Post number 25" not in second and "Brand new post" not in second
    third = text_of(client.get(re.search(r'href="(/\?before=[^"]+)"', second).group(1).replace("&amp;", "&")))
    assert "Post number 04" in third and "Post number 00" in third and "Older posts" not in third


def test_a_pinned_post_is_shown_once_while_paging(client, make_user, make_post):
    import re

    author = make_user(Role.VOLUNTEER)
    start = utcnow() - timedelta(days=2)
    make_post(author, title="Pinned welcome", kind="news", pinned=True, last_activity_at=start)  # older than page 1
    for number in range(45):
        make_post(author, title=f"Post number {number:02d}", body=f"body {number}",
                  last_activity_at=start + timedelta(hours=1, minutes=number))
    pages, url = [], "/"
    while url:
        page = text_of(client.get(url))
        pages.append(page)
        found = re.search(r'href="(/\?before=[^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(pages) == 3
    assert [page.count("Pinned welcome") > 0 for page in pages] == [True, False, False]
    shown = [title for page in pages for title in re.findall(r"Post number \d\d", page)]
    assert len(shown) == len(set(shown)) == 45


def test_empty_feed_has_a_clear_empty_state(client):
    assert "Nothing has been posted here yet." in text_of(client.get("/"))


def test_authors_edit_their_posts_and_volunteers_edit_news(app, client, make_user, make_post):
    author = make_user()
    post = make_post(author, title="Original")
    client.login(author)
    response = client.submit(f"/posts/{post.id}/edit", {"title": "Changed", "body": "New body", "visibility": "public"})
    assert response.status_code == 302
    changed = get_post(app, post.id)
    assert changed.title == "Changed" and changed.edited_at is not None
    assert "edited" in text_of(client.get(f"/posts/{post.id}"))
    client.logout()
    news = make_post(kind="news", title="News by someone")
    client.login(make_user(Role.VOLUNTEER))
    assert client.get(f"/posts/{news.id}/edit").status_code == 200
    assert client.get(f"/posts/{post.id}/edit").status_code == 403  # not news, not theirs


def test_likes_send_the_intended_state_one_per_person(app, client, make_user, make_post):
    post = make_post()
    user = make_user()
    client.login(user)
    assert 'name="liked" value="1"' in text_of(client.get(f"/posts/{post.id}"))  # the button says "Like"
    client.submit(f"/posts/{post.id}/like", {"liked": "1"}, form_url=f"/posts/{post.id}")
    assert get_post(app, post.id).like_count == 1
    page = text_of(client.get(f"/posts/{post.id}"))
    assert 'aria-pressed="true"' in page and 'name="liked" value="0"' in page
    # "Like" pressed again on a page loaded before the like (second tab, back button): still liked.
    client.submit(f"/posts/{post.id}/like", {"liked": "1"}, form_url=f"/posts/{post.id}")
    assert get_post(app, post.id).like_count == 1
    client.submit(f"/posts/{post.id}/like", {"liked": "0"}, form_url=f"/posts/{post.id}")
    client.submit(f"/posts/{post.id}/like", {"liked": "0"}, form_url=f"/posts/{post.id}")
    assert get_post(app, post.id).like_count == 0
    client.submit(f"/posts/{post.id}/like", {"liked": "1"}, form_url=f"/posts/{post.id}")
    with app.app_context():
        assert len(db.session.scalars(select(PostLike)).all()) == 1


def test_public_posts_carry_open_graph_and_plain_share_links(client, make_post):
    post = make_post(title="Shareable")
    page = text_of(client.get(f"/posts/{post.id}"))
    assert '<meta property="og:title" content="Shareable">' in page
    for host in ("linkedin.com", "xing.com", "facebook.com", "mastodonshare.com", "mailto:"):
        assert host in page
    assert "<iframe" not in page  # plain links: no widgets (our own scripts only, see test_sharing.py)


def test_members_only_posts_have_no_open_graph(client, make_user, make_post):
    post = make_post(title="Inner circle", visibility="members")
    client.login(make_user(Role.MEMBER))
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "og:title" not in page and "linkedin.com" not in page


def test_unknown_post_is_404(client):
    assert client.get("/posts/999999").status_code == 404
    assert client.get("/posts/abc").status_code == 404
