"""Notifications: the bell's page, following, mail settings, one-click unsubscribe, announcements.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
