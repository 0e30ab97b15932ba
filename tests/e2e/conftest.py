"""Browser fixtures: the app served by werkzeug in a thread, Debian's Chromium driven by Playwright,
pages that fail their test on console errors, page errors, CSP violations and dialogs, and axe.

Chromium comes from Debian (/usr/bin/chromium); `playwright install` is never used. Without the
binary the browser tests skip outside CI and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
ACTION_TIMEOUT_MS = 5_000

# Reports every CSP violation to Python, independent of how Chromium words its console message.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__e2eReportCsp(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                        + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


# ---------------------------------------------------------------- server


class _QuietHandler(WSGIRequestHandler):
    """Log only server errors; the browser's requests would drown a failure's output."""

    def log_request(self, code="-", size="-"):
        if str(code).startswith("5"):
            super().log_request(code, size)


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on 127.0.0.1 and a free port, in a daemon thread; yields the base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def on_live_server(link: str, live_server: str) -> str:
    """A link read from a mail, pointed at the live server whatever host the mail was built with."""
    parts = urlsplit(link)
    return live_server + parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (install it with `apt-get install -y chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; browser tests must run in CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    return SCREENSHOT_DIR


@dataclass
class BrowserProblems:
    """What went wrong in a page that no test asked for: console errors, page errors, CSP
    violations, dialogs. `expect_console_error` tolerates one kind of error for a block of steps."""

    live_server: str
    problems: list[str] = field(default_factory=list)
    _expected: list[re.Pattern] = field(default_factory=list)
    _tolerated: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        text = f"console error: {message.text} ({location or 'no location'})"
        if any(pattern.search(message.text) for pattern in self._expected):
            self._tolerated.append(text)
        else:
            self.problems.append(text)

    def on_page_error(self, error) -> None:
        self.problems.append(f"page error: {error}")

    def on_csp_violation(self, report: str) -> None:
        self.problems.append(f"CSP violation: {report}")

    def on_dialog(self, dialog) -> None:
        self.problems.append(f"unexpected {dialog.type} dialog: {dialog.message!r}")
        dialog.dismiss()

    @contextmanager
    def expect_console_error(self, pattern: str):
        """Within the block, console errors matching `pattern` are expected, and one must occur.

        Chromium logs "Failed to load resource: ... status of 400" when a page answers a bad form
        with 400, which is what the app does (deliberately) for a rejected login."""
        compiled = re.compile(pattern)
        before = len(self._tolerated)
        self._expected.append(compiled)
        try:
            yield
        finally:
            self._expected.remove(compiled)
        assert len(self._tolerated) > before, f"expected a console error matching {pattern!r}"


@pytest.fixture
def browser_problems(live_server):
    return BrowserProblems(live_server)


@pytest.fixture
def page_factory(browser, live_server, browser_problems):
    """new_page(viewport) -> a Page in a fresh context (English, base_url = live server). The site's service worker
    runs as in a real browser; `service_workers="block"` for a test that answers requests with `page.route` (the
    worker's own fetches never pass through Playwright's routing)."""
    contexts = []

    def new_page(viewport: dict | None = None, *, service_workers: str = "allow"):
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            service_workers=service_workers,
            locale="en-US",
            extra_http_headers={"Accept-Language": "en"},
            base_url=live_server,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        context.expose_function("__e2eReportCsp", browser_problems.on_csp_violation)
        context.add_init_script(_CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.on("console", browser_problems.on_console)
        page.on("pageerror", browser_problems.on_page_error)
        page.on("dialog", browser_problems.on_dialog)
        return page

    yield new_page
    for context in contexts:
        context.close()
    problems = browser_problems.problems
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(page_factory):
    return page_factory(DESKTOP)


# ---------------------------------------------------------------- accessibility


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


def assert_accessible(page, label: str = "", *, known: tuple[str, ...] = ()) -> None:
    """axe-core on the page as it is now: no serious or critical violations. `known` names axe rules
    to leave out, for a reported app bug that a strict xfail test tracks on its own."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"]
           if v.get("impact") in ("serious", "critical") and v["id"] not in known]
    assert not bad, f"axe found serious/critical violations on {label or page.url}:\n{_describe(bad)}"


def assert_fits_viewport(page, label: str = "") -> None:
    """Nothing makes the page scroll sideways: the document is no wider than the viewport. On failure,
    names the elements that stick out past the edge and are not clipped by a scroll box. Measured once the
    layout has settled (fonts loaded, two frames drawn): right after a navigation Chromium can report a
    momentary width that no element accounts for."""
    page.evaluate("""async () => {
      await document.fonts.ready;
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    }""")
    width, inner, culprits = page.evaluate("""() => {
      const inner = document.documentElement.clientWidth;
      const outOfFlow = (position) => position === "absolute" || position === "fixed";
      const clipped = (el) => {  // by an ancestor scroll box that is also the element's containing block
        let skip = outOfFlow(getComputedStyle(el).position);
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          const style = getComputedStyle(a);
          if (skip && style.position === "static") continue;
          if (style.overflowX !== "visible") return true;
          skip = outOfFlow(style.position);
        }
        return false;
      };
      const culprits = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > inner + 1 && !clipped(el))
        .slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> `
                                 + `right=${Math.round(el.getBoundingClientRect().right)}px `
                                 + `text=${JSON.stringify((el.textContent || "").trim().slice(0, 30))}`);
      return [document.documentElement.scrollWidth, inner, culprits];
    }""")
    assert width <= inner, (f"{label or page.url} scrolls sideways: {width}px wide in a {inner}px viewport; "
                            f"sticking out: {culprits}")


@pytest.fixture
def axe_check():
    return assert_accessible


# ---------------------------------------------------------------- people


def log_in_as(page, user, password: str | None = None, *, through_form: bool = True) -> None:
    """Log `user` (from make_user) in. Through the login form by default; `through_form=False` posts
    the same form with the context's request API (same cookies, no rendering), for the bit players."""
    from playwright.sync_api import expect

    from tests.conftest import CSRF_RE, DEFAULT_PASSWORD

    password = password or DEFAULT_PASSWORD
    if not through_form:
        form = page.request.get("/auth/login", headers={"Accept-Language": "en"})
        token = CSRF_RE.search(form.text())
        assert token, "no CSRF token on the login page"
        answer = page.request.post("/auth/login", max_redirects=0, form={
            "csrf_token": token.group(1), "email": user.email, "password": password})
        assert answer.status == 302, f"login of {user.email} answered {answer.status}"
        return
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    # The bell: in the header at every width ("My account" sits in the closed menu on phones).
    expect(page.locator("header.site-header a.bell")).to_be_visible()


def site_menu(page):
    """The header with everything in it at hand: on phones most links (account, moderation, log out, register)
    sit in the menu, which this opens; at desktop width they are in the header row already."""
    header = page.locator("header.site-header")
    toggle = header.locator("details.site-menu > summary")
    if toggle.is_visible() and not header.locator("details.site-menu").evaluate("(menu) => menu.open"):
        toggle.click()
    return header
