"""Events: list and page, organizers' tools, sign-ups and attendee lists, iCalendar files.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("events", __name__)
