"""A person's own account: name, language, email address, password, calendar link.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("account", __name__)
