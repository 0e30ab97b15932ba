"""Long threads: a slice of top-level comments at a time, links to the next slice that work without JavaScript,
permalinks that land on the right slice, and cached comment fragments that never carry one viewer's state to
another."""

from __future__ import annotations

import re

from sqlalchemy import insert, select

from app.extensions import db
from app.models.post import Comment, CommentLike
from app.models.types import utcnow
from app.models.user import Role
from app.services import settings
from tests.conftest import text_of


def seed_roots(app, post_id: int, author_id: int, count: int, replies_each: int = 1) -> list[int]:
    """`count` top-level comments with `replies_each` replies, written straight to the table (fast)."""
    ids = []
    now = utcnow()
    with app.app_context():
        for number in range(count):
            root = Comment(post_id=post_id, author_id=author_id, body_source=f"Root {number}",
                           body_html=f"<p>Root {number}</p>", depth=0, created_at=now)
            db.session.add(root)
            db.session.flush()
            root.path, root.root_id = str(root.id).zfill(10), root.id
            ids.append(root.id)
            for reply in range(replies_each):
                child = Comment(post_id=post_id, author_id=author_id, body_source="r",
                                body_html=f"<p>Reply {number}.{reply}</p>", parent_id=root.id, depth=1,
                                created_at=now, root_id=root.id)
                db.session.add(child)
                db.session.flush()
                child.path = root.path + "." + str(child.id).zfill(10)
        db.session.commit()
    return ids


def set_slice(app, size: int) -> None:
    with app.app_context():
        settings.save(None, {"thread_page_size": size})
        db.session.commit()


def test_a_long_thread_opens_with_one_slice_and_links_to_the_next(app, client, make_user, make_post):
    set_slice(app, 10)
    author = make_user()
    post = make_post(author)
    ids = seed_roots(app, post.id, author.id, 25)
    first = text_of(client.get(f"/posts/{post.id}"))
    assert "Root 0" in first and "Root 9" in first and "Reply 9.0" in first and "Root 10<" not in first
    more = re.search(r'href="([^"]+)" data-thread-more>Show more comments \(15 more threads\)', first)
    assert more, "a plain link to the next slice"
    assert more.group(1).replace("&amp;", "&") == f"/posts/{post.id}?start={ids[10]}#c{ids[10]}".split("#")[0] + \
        f"#c{ids[10]}"
    second = text_of(client.get(f"/posts/{post.id}?start={ids[10]}"))
    assert "Root 10<" in second and "Root 19<" in second and "Root 9<" not in second
    assert "Show the first comments" in second and "5 more threads" in second
    third = text_of(client.get(f"/posts/{post.id}?start={ids[20]}"))
    assert "Root 24" in third and "Show more comments" not in third
    # Newest first slices from the other end, each thread keeping its replies below it.
    newest = text_of(client.get(f"/posts/{post.id}?sort=newest"))
    assert newest.index("Root 24") < newest.index("Reply 24.0") < newest.index("Root 23") and "Root 14<" not in newest
    # Junk start values are the first slice, never an error.
    for junk in ("abc", "-5", "99999999999999999999", "1e9"):
        assert client.get(f"/posts/{post.id}?start={junk}").status_code == 200


def test_a_permalink_lands_on_the_slice_that_holds_the_comment(app, client, make_user, make_post):
    set_slice(app, 10)
    author = make_user()
    post = make_post(author)
    ids = seed_roots(app, post.id, author.id, 25)
    assert client.get(f"/comments/{ids[3]}").headers["Location"] == f"/posts/{post.id}#c{ids[3]}"
    late = client.get(f"/comments/{ids[17]}").headers["Location"]
    assert late == f"/posts/{post.id}?start={ids[17]}#c{ids[17]}"
    assert "Root 17<" in text_of(client.get(late.split("#")[0]))
    with app.app_context():
        reply = db.session.scalar(select(Comment.id).where(Comment.parent_id == ids[22]))
    assert client.get(f"/comments/{reply}").headers["Location"] == f"/posts/{post.id}?start={ids[22]}#c{reply}"


def test_the_statements_of_a_thread_page_do_not_grow_with_the_thread(app, client, make_user, make_post):
    from tests.integration.test_query_counts import count_queries

    client.login(make_user(Role.MEMBER))
    author = make_user()
    counts = []
    for size in (5, 400):
        post = make_post(author)
        seed_roots(app, post.id, author.id, size, replies_each=2)
        with count_queries(app) as statements:
            assert client.get(f"/posts/{post.id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_cached_comments_never_show_one_viewers_state_to_another(app, new_client, make_user, make_post,
                                                                  add_comment):
    """Two people with different roles and likes, their pages requested in turns: each sees only their own."""
    author = make_user(name="Autorin")
    post = make_post(author)
    comment_id = add_comment(author, post, "Ein Kommentar zum Liken")
    liker, moderator = make_user(name="Liker"), make_user(Role.VOLUNTEER, name="Moderatorin")
    with app.app_context():
        db.session.execute(insert(CommentLike), [{"comment_id": comment_id, "user_id": liker.id,
                                                  "created_at": utcnow()}])
        db.session.execute(db.update(Comment).where(Comment.id == comment_id).values(like_count=1))
        db.session.commit()
    browsers = {"liker": new_client(), "moderator": new_client(), "author": new_client(), "visitor": new_client()}
    browsers["liker"].login(liker)
    browsers["moderator"].login(moderator)
    browsers["author"].login(author)
    tokens = {}
    for _round in range(2):
        for name, browser in browsers.items():
            page = text_of(browser.get(f"/posts/{post.id}"))
            article = page[page.index(f'id="c{comment_id}"'):]
            article = article[:article.index("</article>")]
            assert ('aria-pressed="true"' in article) == (name == "liker"), name
            assert ("/moderation/comments/" in article) == (name == "moderator"), name
            assert (f"/comments/{comment_id}/edit" in article) == (name == "author"), name
            assert ("/report" in article) == (name in ("liker", "moderator")), name
            assert ("csrf_token" in article) == (name != "visitor"), name
            found = set(re.findall(r'name="csrf_token" value="([^"]+)"', article))
            assert "\x00" not in article
            if found:
                page_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the header's
                assert found == {page_token}  # this page's own token, never one cached from another's
                tokens[name] = page_token
    assert len(set(tokens.values())) == len(tokens)


def test_cached_feed_cards_follow_the_viewer(app, new_client, make_user, make_post):
    """A members-only post with a public teaser: visitors and alumni get the teaser card, members the full one,
    whichever was cached first; a like changes the card for everyone at once."""
    author = make_user(Role.MEMBER, name="Mitglied")
    post = make_post(author, title="Protokoll der Versammlung", visibility="members", public_teaser=True)
    browsers = {"visitor": new_client(), "alumnus": new_client(), "member": new_client()}
    browsers["alumnus"].login(make_user(Role.ALUMNUS))
    browsers["member"].login(make_user(Role.MEMBER))
    for _round in range(2):
        for name, browser in browsers.items():
            page = text_of(browser.get("/"))
            card = page[page.index(f'id="post-{post.id}-title"') - 400:]
            card = card[:card.index("</article>")]
            assert ("teaser-note" in card) == (name != "member"), name
            assert ("become a member to read on" in card) == (name == "alumnus"), name
            assert "\x00" not in page
    with app.app_context():
        from app.models.post import Post

        db.session.execute(db.update(Post).where(Post.id == post.id).values(like_count=3))
        db.session.commit()
    assert "3 likes" in text_of(browsers["member"].get("/"))


def test_jump_to_what_is_new_since_my_last_visit(app, client, make_user, make_post, add_comment):
    reader, writer = make_user(name="Leserin"), make_user(name="Schreiber")
    post = make_post(writer)
    add_comment(writer, post, "Schon da")
    client.login(reader)
    first = text_of(client.get(f"/posts/{post.id}"))
    assert "since your last visit" not in first  # a first visit: nothing is "new"
    new_ids = [add_comment(writer, post, f"Neu {n}") for n in range(3)]
    add_comment(reader, post, "Meine eigene Antwort")  # one's own comment is not news to oneself
    second = text_of(client.get(f"/posts/{post.id}"))
    assert "3 new comments since your last visit: jump to the first" in second
    assert f'href="/comments/{new_ids[0]}"' in second
    assert "since your last visit" not in text_of(client.get(f"/posts/{post.id}"))  # seen now


def test_the_cached_header_shows_each_person_their_own_counts_rights_token_and_address(app, new_client, make_user,
                                                                                        make_post, add_comment):
    from app.models.notification import Notification

    admin, member = make_user(Role.ADMIN, name="Adele"), make_user(Role.MEMBER, name="Moritz")
    post = make_post(member)
    with app.app_context():
        db.session.add_all([Notification(user_id=member.id, kind="reply", post_id=post.id) for _ in range(3)])
        db.session.commit()
    browsers = {"admin": new_client(), "member": new_client(), "other member": new_client()}
    browsers["admin"].login(admin)
    browsers["member"].login(member)
    browsers["other member"].login(make_user(Role.MEMBER))
    for path in ("/", "/events/", f"/posts/{post.id}", "/"):
        for name, browser in browsers.items():
            page = text_of(browser.get(path))
            header = page[page.index('<header class="site-header">'):page.index("</header>")]
            assert ("/admin/" in header) == (name == "admin"), (name, path)
            assert ('3<span class="visually-hidden"> unread' in header) == (name == "member"), (name, path)
            token = re.search(r'name="csrf_token" value="([^"]+)"', header).group(1)
            assert "\x00" not in header and token
            if path.startswith("/posts/"):  # the comment form below is rendered fresh: the same token
                assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == {token}, name
            assert f'/language/de?next={path}"' in header, (name, path)  # this page's own address
            assert ('href="/events/" aria-current="page"' in header) == (path == "/events/"), (name, path)


def test_cached_event_cards_show_each_person_their_own_sign_up(app, new_client, make_user, make_event):
    """The events list serves its cards from the fragment cache: whoever asked first, a person signed up sees
    "You are signed up", one on the waitlist sees that, another neither; a sign-up changes the seats left."""
    from app.models.event import Event
    from app.models.user import User
    from app.services import signups

    event = make_event(title="Sommerfest am See", capacity=1)
    people = {"confirmed": make_user(Role.MEMBER), "waiting": make_user(Role.MEMBER), "other": make_user(Role.MEMBER)}
    browsers = {name: new_client() for name in people}
    for name, browser in browsers.items():
        browser.login(people[name])
    assert "1 seat left" in text_of(browsers["other"].get("/events/"))  # cached before anyone signed up
    with app.test_request_context():
        for name in ("confirmed", "waiting"):
            signups.sign_up(db.session.get(User, people[name].id), db.session.get(Event, event.id))
        db.session.commit()
    for _round in range(2):
        for name, browser in browsers.items():
            page = text_of(browser.get("/events/"))
            assert "Fully booked" in page and "1 seat left" not in page
            assert ("You are signed up" in page) == (name == "confirmed"), name
            assert ("You are on the waitlist" in page) == (name == "waiting"), name
