"""Share links: plain links to other sites and messengers. Nothing is loaded from them until someone clicks.

Messengers young people use: WhatsApp, Telegram and Threema take the text in the link. Signal has no web
address that shares a text (signal.me and sgnl:// only open a chat with a known number or username), so Signal is
reached through the phone's own share sheet (the Share button, js/site.js) and the "Copy link" button.

Members-only pages share their address and nothing else: the title is private text, and the link only opens
for members anyway. They are offered only the person-to-person channels (mail and messengers), not the public
networks.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _query(**params: str) -> str:
    return urlencode(params, quote_via=quote)


def share_links(url: str, title: str | None = None) -> list[tuple[str, str]]:
    """(name, href) pairs for a page at `url`; `title` None means a members-only page (the address alone)."""
    text = f"{title} {url}" if title else url
    personal = [
        ("E-Mail", "mailto:?" + (_query(subject=title, body=url) if title else _query(body=url))),
        ("WhatsApp", "https://wa.me/?" + _query(text=text)),
        ("Telegram", "https://t.me/share/url?" + (_query(url=url, text=title) if title else _query(url=url))),
        ("Threema", "https://threema.id/compose?" + _query(text=text)),
    ]
    if title is None:
        return personal
    return personal + [
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("XING", "https://www.xing.com/spi/shares/new?" + urlencode({"url": url})),
        ("Mastodon", "https://mastodonshare.com/?" + urlencode({"text": title, "url": url})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
    ]
