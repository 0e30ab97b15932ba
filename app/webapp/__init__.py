"""The installable web app: the manifest, its icons, the service worker and the offline page.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint

bp = Blueprint("webapp", __name__)
