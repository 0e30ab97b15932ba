"""Search as people use it: the box in the header, German words, phrases, prefixes and exclusions, filters,
the index kept current by edits, deletes and moderation, and the members boundary down to the count."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import event, text

from app.extensions import db
from app.models.user import Role
from tests.conftest import english_client, text_of

MARKER = "Geheimtreffen7Q"


def results(client, **params):
    """(count, [(href, title text)]) of a search page."""
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    count = re.search(r'class="result-count"[^>]*>(\d+) result', html)
    hits = [(href, re.sub(r"<[^>]+>", "", title))
            for href, title in re.findall(r'<h2 class="result-title"><a href="([^"]+)">(.*?)</a>', html)]
    return (int(count.group(1)) if count else 0), hits


def test_every_page_has_a_search_box_that_works_without_javascript(app, client):
    page = client.get("/").get_data(as_text=True)
    # Wide screens: the box in the header; phones: the header's search icon opens the search page (one tap).
    form = re.search(r'<form class="header-search[^"]*" role="search" method="get" action="/search">.*?</form>', page,
                     re.S)
    assert form and 'name="q"' in form.group() and '<label for="header-search-q"' in form.group()
    assert re.search(r'<a class="header-icon phone-only" href="/search"', page)
    assert client.get("/search").status_code == 200
    assert "Type one or more words" in text_of(client.get("/search?q="))


def test_german_words_phrases_prefixes_and_exclusions(app, client, make_user, make_post, make_event):
    author = make_user(Role.MEMBER)
    stammtisch = make_post(author, title="Stammtisch in Köln", body="Wir treffen uns jeden Monat im Brauhaus.")
    treffens = make_post(author, title="Protokoll des Treffens", body="Online-Treffen mit dem Vorstand")
    make_event(title="Sommerfest am Rhein", visibility="public")

    assert [href for href, _ in results(client, q="Stammtisch")[1]] == [f"/posts/{stammtisch.id}"]
    found = {href for href, _ in results(client, q="Treffen")[1]}
    assert {f"/posts/{stammtisch.id}", f"/posts/{treffens.id}"} <= found  # "treffen", "Treffens"
    assert results(client, q="Koln")[0] == 1 and results(client, q="köln")[0] == 1  # umlauts either way
    assert results(client, q="stamm*")[0] == 1 and results(client, q="Stammt")[0] == 1  # the last word: a prefix
    assert results(client, q='"Sommerfest am Rhein"')[0] == 1
    assert results(client, q='"Rhein am Sommerfest"')[0] == 0
    assert {href for href, _ in results(client, q="Treffen -Vorstand")[1]} == {f"/posts/{stammtisch.id}"}
    _, hits = results(client, q="Brauhaus")
    assert hits == [(f"/posts/{stammtisch.id}", "Stammtisch in Köln")]
    snippet = client.get("/search?q=Brauhaus").get_data(as_text=True)
    assert "<mark>Brauhaus</mark>" in snippet


def test_comments_link_to_their_permalink_and_events_are_found(app, client, make_user, make_post, add_comment,
                                                                make_event):
    author = make_user(Role.ALUMNUS)
    post = make_post(author, title="Fahrgemeinschaften")
    comment = add_comment(author, post, "Ich fahre ab Mannheim, zwei Plätze frei.")
    event = make_event(title="Alumni-Wanderung", visibility="public")
    assert results(client, q="Mannheim")[1] == [(f"/comments/{comment}", "Comment on “Fahrgemeinschaften”")]
    assert results(client, q="Wanderung")[1] == [(f"/events/{event.id}", "Alumni-Wanderung")]


def test_edits_deletes_and_moderation_change_results_at_once(app, client, new_client, make_user, make_post,
                                                             add_comment):
    author = make_user(Role.MEMBER)
    client.login(author)
    post = make_post(author, title="Grillabend", body="Bitte Salate mitbringen.")
    assert results(client, q="Salate")[0] == 1
    response = client.submit(f"/posts/{post.id}/edit", {"title": "Grillabend", "body": "Bitte Kuchen mitbringen.",
                                                        "visibility": "public"})
    assert response.status_code == 302
    assert results(client, q="Salate")[0] == 0 and results(client, q="Kuchen")[0] == 1

    comment = add_comment(author, post, "Ich bringe Nudelsalat.")
    assert results(client, q="Nudelsalat")[0] == 1
    client.submit(f"/comments/{comment}/delete", form_url=f"/posts/{post.id}")
    assert results(client, q="Nudelsalat")[0] == 0

    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    visitor = new_client()
    assert results(visitor, q="Kuchen")[0] == 1
    moderator.submit(f"/moderation/posts/{post.id}/hide", {"reason": "spam"}, form_url=f"/posts/{post.id}")
    assert results(visitor, q="Kuchen")[0] == 0

    other = make_post(author, title="Wanderkarte", body="Öffentlich")
    assert results(visitor, q="Wanderkarte")[0] == 1
    client.submit(f"/posts/{other.id}/edit", {"title": "Wanderkarte", "body": "Öffentlich", "visibility": "members"})
    assert results(visitor, q="Wanderkarte")[0] == 0  # now members-only: gone for visitors at once
    assert results(client, q="Wanderkarte")[0] == 1


@pytest.fixture
def members_only_world(app, make_user, make_post, add_comment, make_event):
    member = make_user(Role.MEMBER)
    secret = make_post(member, title=f"Vorstand {MARKER}", body=f"Body {MARKER}", visibility="members")
    add_comment(member, secret, f"Comment {MARKER}")
    public = make_post(member, title="Offen", body="nichts")
    add_comment(member, public, "öffentlich")
    make_event(title=f"Event {MARKER}", visibility="members")
    make_post(member, title="Teaser Sommerplanung", body="Erste Zeilen öffentlich. " * 30 + f"Versteckt {MARKER}",
              visibility="members", public_teaser=True)
    with app.app_context():
        from app.models.membership import Document, MemberProfile

        db.session.add(Document(title=f"Satzung {MARKER}", original_name="s.pdf", stored_name="s.pdf",
                                content_type="application/pdf", size=1, uploaded_by_id=member.id))
        db.session.add(MemberProfile(user_id=member.id, listed=True, city="Heidelberg", employer="Geheimfirma",
                                     private_fields="employer"))
        db.session.commit()
    return member


def results_area(client, query):
    """What a search page says below its form, with the echoed query taken out."""
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    area = html.split('class="site-search"', 1)[1].split("</form>", 1)[1].split("</main>", 1)[0]
    return area.replace(str(escape(query)), "QUERY")


@pytest.mark.parametrize("role", [None, Role.ALUMNUS])
def test_members_only_content_is_never_found_nor_counted_by_others(app, client, make_user, members_only_world,
                                                                   role):
    if role is not None:
        client.login(make_user(role))
    nothing = results_area(client, "Xylophonquartett")
    for query in (MARKER, f"Vorstand {MARKER}", f'"{MARKER}"', "Geheimtreffen*", "Heidelberg", "Comment",
                  "Satzung"):
        area = results_area(client, query)
        assert MARKER not in area and area == nothing, query  # no hit, no count, no hint: as for nothing
    count, hits = results(client, q="Sommerplanung")  # the teaser's title is public ...
    assert count == 1 and "Teaser Sommerplanung" in hits[0][1]
    assert results(client, q="Versteckt")[0] == 0  # ... its body is not
    assert client.get("/search?q=x&kind=document").status_code == 400  # not a choice for non-members


def test_members_find_everything_they_may_see(app, client, make_user, members_only_world):
    client.login(make_user(Role.MEMBER))
    count, hits = results(client, q=MARKER)
    kinds = {href.split("/")[1] for href, _ in hits}
    assert count == 5 and kinds == {"posts", "comments", "events", "members"}, hits  # + the document
    assert results(client, q="Versteckt")[0] == 1  # members read the whole post
    assert results(client, q="Heidelberg", kind="profile")[0] == 1
    assert results(client, q="Geheimfirma")[0] == 0  # a private directory field never matches
    assert results(client, q=MARKER, kind="document")[0] == 1
    assert results(client, q=MARKER, members_area="y")[0] == 5


def test_filters_kind_category_author_dates_and_sorting(app, client, make_user, make_post):
    from datetime import timedelta

    from app.models.post import Category, Post
    from app.models.types import utcnow

    ada = make_user(Role.VOLUNTEER, name="Ada")
    bob = make_user(Role.MEMBER, name="Bob")
    with app.app_context():
        db.session.add(Category(slug="karriere", name="Karriere"))
        db.session.commit()
        category = db.session.scalar(db.select(Category)).id
        handle = db.session.get(type(ada), ada.id).handle
    news = make_post(ada, title="Jobmesse im Herbst", kind="news", category=category)
    old = make_post(bob, title="Jobmesse Erfahrungen", body="Jobmesse war gut")
    with app.app_context():
        db.session.get(Post, old.id).created_at = utcnow() - timedelta(days=400)
        db.session.commit()
    assert {h for h, _ in results(client, q="Jobmesse", kind="news")[1]} == {f"/posts/{news.id}"}
    assert {h for h, _ in results(client, q="Jobmesse", category="karriere")[1]} == {f"/posts/{news.id}"}
    assert {h for h, _ in results(client, q="Jobmesse", author=f"@{handle}")[1]} == {f"/posts/{news.id}"}
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    assert {h for h, _ in results(client, q="Jobmesse", since=since)[1]} == {f"/posts/{news.id}"}
    until = (utcnow() - timedelta(days=300)).date().isoformat()
    assert {h for h, _ in results(client, q="Jobmesse", until=until)[1]} == {f"/posts/{old.id}"}
    by_date = [h for h, _ in results(client, q="Jobmesse", sort="date")[1]]
    assert by_date == [f"/posts/{news.id}", f"/posts/{old.id}"]
    assert "No one has this handle" in text_of(client.get("/search?q=Jobmesse&author=@niemand"))


@pytest.mark.parametrize("junk", ['"', '"unbalanced', "NEAR(a b)", "a:b", "(((", "*", "-", "--", "AND OR NOT",
                                  "x' OR 1=1 --", "'; DROP TABLE posts; --", "\x00", "a\x00b", "🎉🎉", "ä" * 1000,
                                  "stamm* -* \"\" ''", "^title:x", "{title}: x", "a" * 5000])
def test_junk_queries_never_fail(client, junk):
    assert client.get("/search", query_string={"q": junk}).status_code == 200


@pytest.mark.parametrize("params", [{"q": "x", "kind": "spam"}, {"q": "x", "sort": "weird"},
                                    {"q": "x", "since": "gestern"}, {"q": "x", "category": "nope"}])
def test_junk_filters_are_a_clear_400(client, params):
    response = client.get("/search", query_string=params)
    assert response.status_code == 400 and "Please correct the marked fields" in text_of(response)


def test_junk_page_numbers_are_404(client):
    for page in ("0", "-1", "abc", str(10**30)):
        assert client.get(f"/search?q=x&page={page}").status_code == 404


def test_reindex_rebuilds_the_index(app, client, make_post, make_user):
    make_post(make_user(Role.MEMBER), title="Bibliotheksführung")
    with app.app_context():
        table = "search_fts" if db.engine.dialect.name == "sqlite" else "search_documents"
        with db.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608
    assert results(client, q="Bibliotheksführung")[0] == 0
    output = app.test_cli_runner().invoke(args=["search-reindex"]).output
    assert "Indexed" in output
    assert results(client, q="Bibliotheksführung")[0] == 1


def test_a_search_takes_the_same_number_of_queries_for_one_hit_or_twenty(app, client, make_user, make_post,
                                                                          add_comment):
    author = make_user(Role.MEMBER)
    client.login(author)

    def statements(query, **filters):
        seen = []

        def count(*_args):
            seen.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/search", query_string={"q": query, **filters}).status_code == 200
        finally:
            with app.app_context():
                event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    post = make_post(author, title="Einzelstück")
    for number in range(20):
        add_comment(author, post, f"Vielfalt Nummer {number}")
        make_post(author, title=f"Vielfalt {number}")
    one = statements("Einzelstück")
    assert statements("Vielfalt", kind="discussion") == one  # 20 posts on the page, or 1
    assert statements("Vielfalt") <= one + 1  # + at most one query per further kind on the page (comments)


def test_anonymous_searches_are_rate_limited_per_address_logged_in_ones_not(limited_app, make_user):
    limited_app.config["SEARCH_RATE_LIMIT"] = "3 per minute"
    visitor = english_client(limited_app)
    assert [visitor.get(f"/search?q=wort{n}").status_code for n in range(4)] == [200, 200, 200, 429]
    member = english_client(limited_app)
    member.login(make_user(Role.MEMBER))
    assert {member.get(f"/search?q=wort{n}").status_code for n in range(5)} == {200}
