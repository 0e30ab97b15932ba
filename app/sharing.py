"""Share links: plain links to other sites. Nothing is loaded from them until someone clicks."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    return [
        ("E-Mail", "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("XING", "https://www.xing.com/spi/shares/new?" + urlencode({"url": url})),
        ("Mastodon", "https://mastodonshare.com/?" + urlencode({"text": title, "url": url})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
    ]
