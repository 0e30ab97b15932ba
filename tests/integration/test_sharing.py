"""Share links (app.sharing, templates/_macros/share.html): plain links to mail, messengers and networks, the
text URL-encoded; members-only pages share their address only, never their title; nothing from other sites is
loaded with the page."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from app.models.user import Role
from app.sharing import share_links
from tests.conftest import text_of

TITLE = "Grüße & Küsse: Sommerfest"
URL = "https://alumni.example/posts/7"
MESSENGERS = ("E-Mail", "WhatsApp", "Telegram", "Threema")
NETWORKS = ("LinkedIn", "XING", "Mastodon", "Facebook")


def share_box(page: str) -> str:
    found = re.search(r'<nav class="share".*?</nav>', page, re.S)
    assert found, "no share box"
    return found.group(0)


def hrefs(box: str) -> dict[str, str]:
    return {name: html.unescape(href) for href, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', box)}


def test_messenger_links_carry_the_title_and_address_encoded():
    links = dict(share_links(URL, TITLE))
    assert list(links) == [*MESSENGERS, *NETWORKS]
    assert links["WhatsApp"] == ("https://wa.me/?text=Gr%C3%BC%C3%9Fe%20%26%20K%C3%BCsse%3A%20Sommerfest%20"
                                 "https%3A%2F%2Falumni.example%2Fposts%2F7")
    assert links["Telegram"] == ("https://t.me/share/url?url=https%3A%2F%2Falumni.example%2Fposts%2F7"
                                 "&text=Gr%C3%BC%C3%9Fe%20%26%20K%C3%BCsse%3A%20Sommerfest")
    assert parse_qs(urlsplit(links["Threema"]).query) == {"text": [f"{TITLE} {URL}"]}
    assert links["Threema"].startswith("https://threema.id/compose?text=")
    assert parse_qs(urlsplit(links["E-Mail"]).query) == {"subject": [TITLE], "body": [URL]}


def test_members_only_pages_share_the_address_alone():
    links = dict(share_links(URL))
    assert list(links) == list(MESSENGERS)  # person to person only: no public networks
    for name, href in links.items():
        assert "Gr%C3%BC" not in href and "subject" not in href, name
        assert "alumni.example%2Fposts%2F7" in href, name
    assert links["WhatsApp"] == "https://wa.me/?text=https%3A%2F%2Falumni.example%2Fposts%2F7"


def test_a_public_post_offers_messengers_and_the_share_button(client, make_post):
    post = make_post(title=TITLE)
    page = text_of(client.get(f"/posts/{post.id}"))
    box = share_box(page)
    links = hrefs(box)
    assert set(links) == {*MESSENGERS, *NETWORKS}
    assert parse_qs(urlsplit(links["WhatsApp"]).query)["text"] == [f"{TITLE} http://localhost/posts/{post.id}"]
    assert parse_qs(urlsplit(links["Telegram"]).query) == {"url": [f"http://localhost/posts/{post.id}"],
                                                           "text": [TITLE]}
    # The Share button and "Copy link" are hidden until js/site.js finds the browser can do them.
    assert re.search(r'<button type="button"[^>]*data-share-url="http://localhost/posts/\d+"'
                     r' data-share-title="Grüße &amp; Küsse: Sommerfest" hidden>Share</button>', box)
    assert re.search(r'<button type="button"[^>]*data-copy-url="http://localhost/posts/\d+"[^>]*hidden>', box)
    # Nothing from other sites loads with the page: scripts are our own files, no frames, no images from afar.
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]* src="([^"]+)"', page))
    assert not re.search(r"<script(?![^>]* src=)", page) and "<iframe" not in page
    assert not re.search(r'<(img|link)[^>]+(src|href)="https?://', page)


def test_a_members_only_post_shares_no_title(client, make_user, make_post):
    post = make_post(title="Vorstandswahl & Haushalt", visibility="members")
    client.login(make_user(Role.MEMBER))
    page = text_of(client.get(f"/posts/{post.id}"))
    box = share_box(page)
    assert set(hrefs(box)) == set(MESSENGERS)
    assert "Vorstandswahl" not in box and "data-share-title" not in box
    assert f'data-share-url="http://localhost/posts/{post.id}"' in box


def test_events_and_offers_share_too(client, make_user, make_event, world):
    public = make_event(title="Sommerfest & Grillen")
    inner = make_event(title="Klausurtagung", visibility="members")
    box = share_box(text_of(client.get(f"/events/{public.id}")))
    assert "Sommerfest%20%26%20Grillen" in box and "linkedin.com" in box
    box = share_box(text_of(client.get(f"/jobs/{world['OFFER']}")))
    assert "public%20offer" in box and "linkedin.com" in box
    client.login(make_user(Role.MEMBER))
    box = share_box(text_of(client.get(f"/events/{inner.id}")))
    assert "Klausurtagung" not in box and "wa.me" in box and "linkedin.com" not in box
    box = share_box(text_of(client.get(f"/jobs/{world['MEMBERS_OFFER']}")))
    assert "members%20offer" not in box and "members offer" not in box and "wa.me" in box


def test_hidden_posts_have_no_share_box(client, make_user, make_post):
    client.login(make_user(Role.VOLUNTEER))  # the moderators
    post = make_post(title="Gleich versteckt")
    client.submit(f"/moderation/posts/{post.id}/hide", {}, form_url=f"/posts/{post.id}")
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Hidden by the moderators" in page and 'class="share"' not in page
