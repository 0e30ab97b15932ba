"""Ideas with votes: the ideas page, voting, and the volunteers' answers (statuses).

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("ideas", __name__)
