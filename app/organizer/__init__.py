"""The organizers' dashboard: numbers, charts and goals for volunteers and admins.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("organizer", __name__)
