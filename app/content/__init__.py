"""User content: Markdown source in, sanitized HTML out. The one place that produces HTML
from what people type; templates render only its output raw.

Rendering happens at write time and the result is stored next to the source.
"""

from __future__ import annotations

import re
from functools import partial
from html import escape as html_escape
from html import unescape as html_unescape

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# The only images: our own uploads, `![alt](upload:ID)` -> /files/ID/960.webp (whose route asks the policy
# about the attachment's own post, so an image placed in a public post stays members-only if it is).
UPLOAD_REFERENCE = re.compile(r"upload:(\d{1,10})")
UPLOAD_IMAGE_SRC = re.compile(r"/files/\d{1,10}/960\.webp")
IMAGE_ATTRIBUTES = frozenset({"alt", "loading", "decoding", "class"})

# Raw HTML is off. A remote image would make the reader's browser call another host (privacy), so
# `![alt](https://…)` becomes a link; only uploads become images.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])


def _image(_renderer, tokens, index, _options, _env) -> str:
    token = tokens[index]
    source = str(token.attrGet("src") or "")
    alt = html_escape(token.content or "", quote=True)
    upload = UPLOAD_REFERENCE.fullmatch(source)
    if upload:
        return (f'<img src="/files/{upload.group(1)}/960.webp" alt="{alt}" loading="lazy" decoding="async" '
                f'class="inline-photo">')
    return f'<a href="{html_escape(source, quote=True)}">{alt or html_escape(source)}</a>'


_markdown.add_render_rule("image", _image)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "img":
        return (name == "src" and bool(UPLOAD_IMAGE_SRC.fullmatch(value))) or name in IMAGE_ATTRIBUTES
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


def _set_rel(attrs, _new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


# One pass: cleaning and linkifying in a single Cleaner. A separate Linker pass after cleaning
# escapes the text inside <code> and <pre> a second time ("&amp;lt;").
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS | {"img"},
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)],
)


def sanitize_html(html: str) -> str:
    """Reduce HTML to the allow-list; every link gets rel="nofollow ugc noopener"."""
    return _cleaner.clean(html)


def render_markdown(source: str) -> str:
    """Markdown source -> sanitized HTML, ready to store."""
    # Headings start at h2: h1 is the page title.
    html = _markdown.render(source or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitize_html(html)


def plain_text(html: str) -> str:
    """Sanitized HTML as readable plain text for mail: paragraphs apart, list items as "- …", links as
    "text (address)"; no Markdown syntax left over (the source's **bold** is not what readers should see)."""
    def link(match) -> str:
        href, label = match.groups()
        return label if label == href else f"{label} ({href})"

    text = re.sub(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', link, html, flags=re.S)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</(p|h[2-6]|blockquote|pre|ul|ol|table)>", "\n\n", text)
    text = re.sub(r"</(li|tr)>", "\n", text)
    text = html_unescape(bleach.clean(text, tags=set(), strip=True))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def excerpt_from_html(html: str, length: int = 280) -> str:
    """Plain-text first lines of sanitized HTML, cut at a word boundary."""
    # Block ends become separators, so list items do not run into each other.
    html = re.sub(r"</(li|h[2-6]|p|blockquote|td|th)>", " · ", html)
    text = html_unescape(bleach.clean(html, tags=set(), strip=True))
    text = " ".join(text.split()).strip(" ·")
    text = re.sub(r"(\s·)+", " ·", text)
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + " …"
