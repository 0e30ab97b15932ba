"""Administration: people and roles, site settings, the audit log, the site pages.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

from app import site

bp = Blueprint("admin", __name__)


@bp.before_request
def settings_as_stored():
    """Admin pages show the settings as stored now, not as cached by this process (see app.site)."""
    site.read_fresh()
