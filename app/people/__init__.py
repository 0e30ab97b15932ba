"""People: profile pages (/people/<handle>) and avatars.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("people", __name__)
