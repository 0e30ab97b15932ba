"""Register, verify, log in and out, reset a forgotten password.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)
