"""The manifest that makes the site installable, its icons, the service worker script and the offline page."""

from __future__ import annotations

import json

from flask import Response, abort, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app import site
from app.services import webapp
from app.webapp import bp

YEAR = 60 * 60 * 24 * 365
MANIFEST_MAX_AGE = 60 * 5  # a new name or colour reaches installed apps within minutes


@bp.app_context_processor
def icon_version():
    """The icons' version for base.html's touch icon (a function: only pages that show one ask for it)."""
    return {"app_icon_version": webapp.icon_version}


@bp.get("/manifest.webmanifest")
def manifest():
    name = site.get("site_name")
    version = webapp.icon_version()

    def icon(icon_name: str, purpose: str = "any") -> dict:
        size = webapp.ICONS[icon_name][0]
        return {"src": url_for("webapp.icon", version=version, name=icon_name), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    body = {
        "name": name,
        "short_name": webapp.short_name(name),
        "description": site.get("tagline") or _("News, discussions and events of %(name)s", name=name),
        "lang": str(get_locale()),
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": site.get("accent_color"),
        "background_color": webapp.PAGE_BACKGROUND,
        "icons": [icon("icon-192"), icon("icon-512"), icon("maskable-512", "maskable")],
    }
    response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = f"public, max-age={MANIFEST_MAX_AGE}"
    response.vary.add("Accept-Language")  # its language follows the visitor's
    return response


@bp.get("/app-icon/<version>/<name>.png")
def icon(version: str, name: str):
    image = webapp.icon_png(version, name)
    if image is None:
        abort(404)
    response = Response(image, mimetype="image/png")
    # The address changes with the logo, colour and name: the image under it never does.
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/sw.js")
def service_worker():
    """Our own script, at the root so it may look after every page. Browsers compare its text on each visit:
    the version in its first lines changes with every deploy, which installs it anew and drops the old caches."""
    constants = {
        "VERSION": webapp.app_version(),
        "OFFLINE_URL": url_for("webapp.offline"),
        "MANIFEST_URL": url_for("webapp.manifest"),
        "SHELL": [url_for("webapp.offline"), url_for("webapp.manifest"), url_for("static", filename="css/site.css"),
                  url_for("static", filename="js/webapp.js"), url_for("static", filename="favicon.svg")],
    }
    head = "".join(f"const {key} = {json.dumps(value)};\n" for key, value in constants.items())
    response = Response(head + webapp.service_worker_source(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    """What the service worker shows for a page that was not read on this device before the connection went."""
    return render_template("webapp/offline.html")
