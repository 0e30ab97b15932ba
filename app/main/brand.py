"""The association's logo and colour as files: a stylesheet (the CSP allows no inline style) and images.

Both are addressed by version, so they are cached for a year and a change shows at once.
"""

from __future__ import annotations

from flask import Response, abort, redirect, send_file, url_for

from app import site
from app.main import bp
from app.services import branding

YEAR = 60 * 60 * 24 * 365


@bp.get("/brand/theme-<version>.css")
def theme(version: str):
    if version != site.get("accent_color").lstrip("#"):
        abort(404)
    response = Response(branding.theme_css(), mimetype="text/css")
    # Versioned by the colour: the address changes with it, so the old one may be kept for long.
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/brand/<version>/<name>.png")
def logo(version: str, name: str):
    stream = branding.logo_image(version, name)
    if stream is None:
        abort(404)
    response = send_file(stream, mimetype="image/png", max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask here whatever the page says: the association's icon, or ours."""
    version = site.get("logo")
    if version:
        return redirect(url_for("main.logo", version=version, name="icon-32"))
    return redirect(url_for("static", filename="favicon.svg"))
