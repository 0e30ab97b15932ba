"""The one sanitizer: only allowed tags and link schemes, rel on links, stable under re-cleaning."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.content import ALLOWED_TAGS, render_markdown, sanitize_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<style>body{display:none}</style>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)'>x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<object data='x'></object><embed src='x'>",
    "<form action='https://evil'><input></form>",
    "![img](https://tracker.example/pixel.png)",
    "<div style='background:url(javascript:alert(1))'>x</div>",
]

class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_safe(html: str) -> None:
    """Parsed as a browser would: only allowed tags, no handlers or styles, only safe link schemes."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag == "img":  # only our own uploads, only these attributes
            assert set(attrs) <= {"src", "alt", "loading", "decoding", "class"}, html
            assert "src" not in attrs or re.fullmatch(r"/files/\d+/960\.webp", attrs["src"]), html
            continue
        assert tag in ALLOWED_TAGS, (tag, html)
        assert not any(name.startswith("on") or name == "style" for name in attrs), (attrs, html)
        if "href" in attrs:
            scheme = attrs["href"].split(":", 1)[0].strip().lower() if ":" in attrs["href"] else ""
            assert scheme in ("http", "https", "mailto"), (attrs, html)
            assert attrs.get("rel") == "nofollow ugc noopener", html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_neutralised(payload):
    assert_safe(render_markdown(payload))
    assert_safe(sanitize_html(payload))


def test_links_get_rel_and_allowed_schemes_survive():
    html = render_markdown("[site](https://example.org) [mail](mailto:a@example.org) http://bare.example.org")
    assert html.count('rel="nofollow ugc noopener"') == 3
    assert 'href="https://example.org"' in html and 'href="mailto:a@example.org"' in html


def test_markdown_basics_render():
    html = render_markdown("# Title\n\n**bold** *it*\n\n- a\n- b\n\n> quote\n\n`code`")
    for tag in ("<h2>", "<strong>", "<em>", "<ul>", "<li>", "<blockquote>", "<code>"):
        assert tag in html


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cleaning_twice_changes_nothing(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PAYLOADS + ["text", "**b**", "[l](https://x.org)", "\n\n", "<", ">", "&"]),
                max_size=8).map("".join))
def test_no_combination_of_payloads_gets_through(source):
    html = render_markdown(source)
    assert_safe(html)
    assert sanitize_html(html) == html


def test_code_is_escaped_once():
    html = render_markdown("`a < b && c`\n\n```\nif x < 1:\n```")
    assert "<code>a &lt; b &amp;&amp; c</code>" in html and "&amp;lt;" not in html
    assert "if x &lt; 1:" in html


def test_excerpt_keeps_list_items_apart():
    from app.content import excerpt_from_html

    assert excerpt_from_html(render_markdown("- eins\n- zwei")) == "eins · zwei"


def test_uploads_become_images_and_remote_images_links():
    html = render_markdown('Wir am See: ![Gruppe "am" See](upload:42)\n\n![Zähler](https://tracker.example/p.png)')
    assert '<img src="/files/42/960.webp" alt="Gruppe &quot;am&quot; See" loading="lazy"' in html
    assert "<img" not in html.split("</p>", 1)[1]  # the remote one is a link, never an image
    assert 'href="https://tracker.example/p.png"' in html
