"""The members area: home, applications, invitations, the directory and documents.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("members", __name__)
