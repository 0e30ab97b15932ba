"""Home, the site pages, the language switch and the health check."""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale

from app import health
from app.i18n import LOCALE_COOKIE, PAGE_TITLES, supported_locales
from app.main import bp
from app.models.page import PAGE_SLUGS
from app.security import safe_next
from app.services.pages import find_page


@bp.get("/imprint", defaults={"slug": "imprint"}, endpoint="imprint")
@bp.get("/privacy", defaults={"slug": "privacy"}, endpoint="privacy")
@bp.get("/guidelines", defaults={"slug": "guidelines"}, endpoint="guidelines")
def page(slug: str):
    if slug not in PAGE_SLUGS:
        abort(404)
    found = find_page(slug, str(get_locale()))
    # Until the admin writes it, the footer link still leads somewhere sensible.
    title = found.title if found else PAGE_TITLES[slug]
    return render_template("main/page.html", title=title, body_html=found.body_html if found else "")


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
