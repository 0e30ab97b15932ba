"""Home, the site pages, the language switch and the health check."""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale

from app import health
from app.content import render_markdown
from app.i18n import LOCALE_COOKIE, PAGE_TITLES, supported_locales
from app.main import bp
from app.models.page import PAGE_SLUGS
from app.security import safe_next
from app.services import legal, privacy
from app.services.pages import find_page


@bp.get("/imprint", defaults={"slug": "imprint"}, endpoint="imprint")
@bp.get("/privacy", defaults={"slug": "privacy"}, endpoint="privacy")
@bp.get("/guidelines", defaults={"slug": "guidelines"}, endpoint="guidelines")
def page(slug: str):
    if slug not in PAGE_SLUGS:
        abort(404)
    found = find_page(slug, str(get_locale()))
    # Until the admin writes it, the footer link still leads somewhere sensible; the privacy page starts from
    # the text generated from the data inventory (app.services.privacy), which tells what is really stored.
    title = found.title if found else PAGE_TITLES[slug]
    body_html = found.body_html if found and found.body_source.strip() else ""
    generated = slug in ("privacy", "guidelines") and not body_html
    if generated:
        locale = str(get_locale())
        body_html = render_markdown(privacy.generated_policy(locale) if slug == "privacy"
                                    else legal.default_guidelines(locale))
    return render_template("main/page.html", title=title, body_html=body_html, generated=generated)


@bp.get("/language/<code>")
def switch_language(code: str):
    """Remember this device's language choice in a cookie the visitor asked for; change nothing else."""
    if code not in supported_locales():
        abort(404)
    response = redirect(safe_next(request.args.get("next"), url_for("feed.index")))
    response.set_cookie(LOCALE_COOKIE, code, max_age=60 * 60 * 24 * 365, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/healthz")
def healthz():
    states, status = health.report()
    return jsonify(states), status
