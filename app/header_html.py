"""The site's header at the cost of what changed, for signed-in people (visitors get whole pages from the
anonymous page cache instead).

The header depends on the language, the settings it shows, the viewer's rights, three counts (unread
notifications, what waits for moderators: reported things and held posts and comments; accounts waiting) and the
section the page belongs to (the phone menu's badge is the sum of two of those counts; the phone and desktop
copies of the links differ only by CSS width); those make the key of a fragment rendered once (app.fragments).
Per page only the CSRF token and the language links, which carry the page's own address, are filled in.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup, escape

from app import fragments, policy, site

CSRF_MARKER = "\x00csrf\x00"  # NUL never survives into stored text (app.security refuses it in input)


def _language_marker(code: str) -> str:
    return f"\x00lang-{code}\x00"


@pass_context
def site_header(context) -> Markup:
    viewer = None if context.get("database_unavailable") else context["current_user"]
    signed_in = viewer is not None and viewer.is_authenticated
    flags, counts = _viewer_state(context, viewer, signed_in)
    if not signed_in or request.blueprint == "search":  # the search box shows what was searched for
        return Markup(_render(context, signed_in, flags, counts, cached=False))  # noqa: S704  # nosec B704
    key = ("header", str(get_locale()), request.blueprint, tuple(flags.values()), counts, site.get("site_name"),
           site.get("logo"), site.get("members_area"), context["members_area_name"](),
           site.get("registration_mode"))
    header = fragments.html.get_or_render(key, lambda: _render(context, True, flags, counts, cached=True))
    header = header.replace(CSRF_MARKER, str(escape(generate_csrf())))
    for code in context["language_names"]:
        marker = _language_marker(code)
        if marker in header:
            header = header.replace(marker, str(escape(_language_href(code, context))))
    # Autoescaped template output with escaped values filled in.
    return Markup(header)  # noqa: S704  # nosec B704


def _language_href(code: str, context) -> str:
    return url_for("main.switch_language", code=code, next=context["current_path"])


def _viewer_state(context, viewer, signed_in: bool) -> tuple[dict, tuple[int, int, int]]:
    """What the header shows of the viewer: their rights, and (signed in) the three counts."""
    flags = {"members": policy.can_enter_members_area(viewer), "moderate": policy.can_moderate(viewer),
             "dashboard": policy.can_view_dashboard(viewer), "admin": policy.is_admin(viewer)}
    if not signed_in:
        return flags, (0, 0, 0)
    return flags, (context["unread_notifications"](), context["moderation_count"]() if flags["moderate"] else 0,
                   context["accounts_waiting"]() if flags["admin"] else 0)


def _render(context, signed_in: bool, flags: dict, counts: tuple[int, int, int], *, cached: bool) -> str:
    codes = list(context["language_names"])
    return render_template(
        "_header.html", logged_in=signed_in, flags=flags, unread_count=counts[0], open_reports=counts[1],
        waiting_accounts=counts[2], blueprint=request.blueprint, members_name=context["members_area_name"](),
        logo_version=site.get("logo"), show_login=not context.get("database_unavailable"),
        search_value=request.args.get("q", "") if request.blueprint == "search" else "",
        csrf_value=CSRF_MARKER if cached else (generate_csrf() if signed_in else ""),
        login_href=url_for("auth.login", next=context["login_return_path"]()),
        language_hrefs={code: _language_marker(code) if cached else _language_href(code, context) for code in codes})


__all__ = ["site_header"]
