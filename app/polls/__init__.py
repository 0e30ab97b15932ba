"""Polls on posts: adding or changing one (its author), voting, closing early.

`bp` lives here; the view module imports it and attaches its routes, and `create_app` imports it. The poll itself
is shown on the post's page (templates/feed/_poll.html).
"""

from flask import Blueprint

bp = Blueprint("polls", __name__)
