"""Moderation: the queue of reports and held content, actions on posts and comments, categories.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
