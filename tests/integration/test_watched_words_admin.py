"""The moderators' page of watched words: adding one or many, bad entries and patterns refused at the field, changing
and deleting, the default lists, trying a text, paging through 10,000 entries, the audit log; and the migration
that ships the default lists. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.post import Comment
from app.models.user import Role
from app.models.watched_word import WatchedWord
from app.watched_words import default_entries, entry_key
from tests.conftest import text_of

WORDS = "/moderation/words"


def entries(app) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {w.text: (w.kind, w.action) for w in db.session.scalars(select(WatchedWord))}


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [str(e.action) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def volunteer(client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    return client


@pytest.fixture
def admin(client, make_user):
    client.login(make_user(Role.ADMIN))
    return client


def add(client, lines, kind="word", action="hold", **extra):
    return client.submit(WORDS, {"lines": lines, "kind": kind, "action": action, **extra})


def test_volunteers_add_many_words_at_once_and_each_counts_once(app, volunteer):
    response = add(volunteer, "Trottel\n\n  Depp  \nTROTTEL\n1d10t", action="flag")
    assert response.status_code == 302
    assert "3 entries added." in text_of(volunteer.get(WORDS))
    assert entries(app) == {"Trottel": ("word", "flag"), "Depp": ("word", "flag"), "1d10t": ("word", "flag")}
    again = add(volunteer, "idiot\nHonk", action="block")
    assert again.status_code == 302
    assert "1 entry added. 1 was on the list already." in text_of(volunteer.get(WORDS))
    assert entries(app)["1d10t"] == ("word", "flag")  # an entry on the list keeps its action
    assert audit_actions(app) == ["watched_words.added", "watched_words.added"]


@pytest.mark.parametrize(("lines", "message"), [
    ("", "Please enter at least one word."),
    ("   \n  ", "Please enter at least one word."),
    ("Trottel\na\nDepp", "Line 2: An entry needs at least two letters."),
    ("😀🙈", "An entry needs at least two letters."),
    ("x" * 201, "Use at most 200 characters."),
    ("eins zwei drei vier fünf sechs sieben", "A phrase has at most 6 words."),
])
def test_words_that_cannot_be_entries_are_refused_at_the_field(app, volunteer, lines, message):
    response = add(volunteer, lines)
    page = text_of(response)
    assert response.status_code == 400 and message in page and 'id="lines-error"' in page
    if lines.strip():
        assert lines.split("\n")[0] in page  # what was typed stays
    assert entries(app) == {}


def test_patterns_are_for_admins_only(app, volunteer, make_user, new_client):
    assert 'type="radio" value="regex"' not in text_of(volunteer.get(WORDS))
    refused = add(volunteer, r"\bfoo\b", kind="regex")
    assert refused.status_code == 400 and entries(app) == {}
    admin = new_client()
    admin.login(make_user(Role.ADMIN))
    assert add(admin, r"\bfo+bar\b", kind="regex", action="block").status_code == 302
    [pattern_id] = ids(app)
    # A volunteer sees the pattern but cannot change or delete it.
    page = text_of(volunteer.get(WORDS))
    assert r"\bfo+bar\b" in page and "(patterns: admins only)" in page
    response = volunteer.submit(f"{WORDS}/{pattern_id}", {"action": "flag"}, form_url=WORDS)
    assert response.status_code == 403 and entries(app)[r"\bfo+bar\b"] == ("regex", "block")


def ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(WatchedWord.id).order_by(WatchedWord.id)))


@pytest.mark.parametrize(("pattern", "message"), [
    ("(idiot", "This is not a valid regular expression (missing ) at position 6)."),
    ("a*", "This pattern matches every text (also an empty one)."),
    ("(a+)+$", "This pattern is too slow: some texts would take it too long."),
])
def test_bad_patterns_are_refused_with_a_clear_message(app, admin, pattern, message):
    response = add(admin, pattern, kind="regex", action="block")
    page = text_of(response)
    assert response.status_code == 400 and message in page and pattern in page
    assert entries(app) == {}


def test_change_and_delete_an_entry(app, volunteer):
    add(volunteer, "Mist", kind="substring", action="flag")
    [word_id] = ids(app)
    response = volunteer.submit(f"{WORDS}/{word_id}", {"action": "censor", "replacement": "***",
                                                       "rule": "Bitte freundlich bleiben.", "next": WORDS + "?q=mi"},
                                form_url=WORDS)
    assert response.status_code == 302 and response.headers["Location"].endswith(WORDS + "?q=mi")
    with app.app_context():
        entry = db.session.get(WatchedWord, word_id)
        assert (entry.action, entry.replacement, entry.rule) == ("censor", "***", "Bitte freundlich bleiben.")
    bad = volunteer.submit(f"{WORDS}/{word_id}", {"action": "explode"}, form_url=WORDS, follow_redirects=True)
    assert "Not a valid choice" in text_of(bad)
    volunteer.submit(f"{WORDS}/{word_id}", {"do": "delete"}, form_url=WORDS)
    assert entries(app) == {}
    assert audit_actions(app) == ["watched_words.added", "watched_word.changed", "watched_word.deleted"]
    assert volunteer.submit(f"{WORDS}/{word_id}", {"do": "delete"}, form_url=WORDS).status_code == 404


def test_the_default_lists_come_back_when_loaded_again(app, volunteer):
    volunteer.submit(f"{WORDS}/defaults", form_url=WORDS)
    shipped = {(kind, entry_key(text, kind)) for text, kind, _action in default_entries()}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WatchedWord)) == len(shipped)
        kanake = db.session.scalar(select(WatchedWord).where(WatchedWord.text == "Kanake"))
        kanake.action = "hold"  # a volunteer's change
        idiot = db.session.scalar(select(WatchedWord).where(WatchedWord.text == "Idiot"))
        db.session.delete(idiot)
        db.session.commit()
    response = volunteer.submit(f"{WORDS}/defaults", form_url=WORDS, follow_redirects=True)
    assert "1 entry of the default list added again." in text_of(response)
    assert entries(app)["Kanake"] == ("word", "hold") and "Idiot" in entries(app)


def test_trying_a_text_shows_what_matches_and_what_would_happen(app, volunteer):
    add(volunteer, "Trottel", action="flag")
    add(volunteer, "Mist", kind="substring", action="censor")
    response = volunteer.submit(f"{WORDS}/test", {"text": "Du Tr0ttel mit deinem Mistkram"}, form_url=WORDS)
    page = text_of(response)
    assert response.status_code == 200
    assert "A new account’s comment would be published and put in the moderation queue." in page
    assert "“Tr0ttel” matches “Trottel”" in page and "“Mist” matches “Mist”" in page
    assert "Du Tr0ttel mit deinem ■■■kram" in page and "du trottei mit deinem mistkram" in page
    links = volunteer.submit(f"{WORDS}/test", {"text": "https://a.org https://b.org https://c.org"}, form_url=WORDS)
    assert "3 links: more than new accounts may post at once (2)." in text_of(links)
    assert "would be held for approval" in text_of(links)
    nothing = volunteer.submit(f"{WORDS}/test", {"text": "Liebe Grüße 😀 Привет"}, form_url=WORDS)
    assert "No rule applies: it would be published." in text_of(nothing)
    empty = volunteer.submit(f"{WORDS}/test", {"text": ""}, form_url=WORDS)
    assert empty.status_code == 400 and "Please write something." in text_of(empty)


def test_ten_thousand_entries_page_search_and_screen(app, volunteer, make_user, make_post, new_client):
    """A list of 10,000 words added in one go: a page shows 50, the search finds one, and a comment is
    screened against all of them."""
    letters = "bcdfghkmnprstvwz"  # no i/l, no e after a vowel: those read alike, and the list keeps one of each
    lines = "\n".join("wort" + "".join(letters[n // 16 ** k % 16] for k in range(4)) for n in range(9_999))
    assert add(volunteer, lines + "\nSchlampe", action="hold").status_code == 302
    page = text_of(volunteer.get(WORDS))
    assert "The list (10000 entries)" in page and "Page 1 of 200" in page
    assert page.count('class="word-form"') == 50
    found = text_of(volunteer.get(WORDS + "?q=schl%40mpe&action=hold"))
    assert "Schlampe" in found and "wortbbbb" not in found and found.count('class="word-form"') == 1
    assert volunteer.get(WORDS + "?action=bogus&kind=x%27--").status_code == 200  # junk filters are ignored
    assert volunteer.get(WORDS + "?page=0").status_code == 404
    writer = new_client()
    writer.login(make_user())
    post = make_post()
    writer.submit(f"/posts/{post.id}/comments", {"body": "Hallo Wortzzzz und Schl4mpe " + "bla " * 200},
                  form_url=f"/posts/{post.id}")
    with app.app_context():
        assert db.session.scalar(select(Comment.status)) == "pending"


def test_the_page_links_from_the_moderation_tabs(volunteer):
    for url in ("/moderation/", "/moderation/categories"):
        assert f'href="{WORDS}"' in text_of(volunteer.get(url))
    page = text_of(volunteer.get(WORDS))
    assert re.search(r'href="/moderation/words" aria-current="page"', page)


def test_the_migration_loads_the_default_lists(app):
    """Sites upgrading get the lists as new sites do (the suite's database is emptied after each test, so the
    migration runs again here)."""
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="0020")
        upgrade()
        count = db.session.scalar(select(func.count()).select_from(WatchedWord))
        kanake = db.session.scalar(select(WatchedWord).where(WatchedWord.text == "Kanake"))
        db.session.remove()
    assert count == len({(kind, entry_key(text, kind)) for text, kind, _action in default_entries()})
    assert (kanake.kind, kanake.action, kanake.created_by_id) == ("word", "block", None)
