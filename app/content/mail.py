"""A post's stored, sanitized HTML made fit for a mail: the one conversion the HTML and plain-text parts of news
mail share.

A mail is read far from the site: a path like "/events/3" leads nowhere, and an image would be fetched from our
server when the mail is opened (a read receipt nobody agreed to; members-only photos need a login anyway). So
photos become links to their page on the site, every link becomes absolute, and the result is cleaned once more
against the allow-list without images: nothing in a news mail loads anything from anywhere.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urljoin

import bleach

from app.content import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS

_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_IMAGE_ID = re.compile(r'src="/files/(\d{1,10})/960\.webp"')
_ALT = re.compile(r'alt="([^"]*)"')
_HREF = re.compile(r'href="([^"]*)"')
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def html_for_mail(html: str, site_root: str) -> str:
    """Sanitized post HTML -> HTML for a mail: photos as links, absolute links, no images at all."""

    def photo(match: re.Match) -> str:
        number = _IMAGE_ID.search(match.group(0))
        alt = _ALT.search(match.group(0))
        label = f"\N{CAMERA} {alt.group(1) if alt else ''}".strip()  # the description is required on upload
        if number is None:
            return label
        return f'<a href="{escape(urljoin(site_root, f"/files/{number.group(1)}"))}">{label}</a>'

    def absolute(match: re.Match) -> str:
        href = unescape(match.group(1))
        return match.group(0) if _SCHEME.match(href) else f'href="{escape(urljoin(site_root, href))}"'

    html = _HREF.sub(absolute, _IMAGE.sub(photo, html))
    return bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                        strip=True, strip_comments=True)
