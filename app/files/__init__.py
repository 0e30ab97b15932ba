"""Photos and files attached to posts, comments and events: served through access checks, and their
full-size view with previous/next.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("files", __name__)
