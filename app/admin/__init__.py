"""Administration: people and roles, site settings, the audit log, the site pages.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__)
