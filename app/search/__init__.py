"""Search: the box in every page's header and its results page (`/search?q=…`).

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("search", __name__)
