"""The public feed, posts and their threaded comments, reports, Atom feeds.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("feed", __name__)
