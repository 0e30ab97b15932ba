"""The members area: home, applications, invitations, the directory and documents.

`bp` lives here; the view modules import it and attach their routes, and `create_app` imports them.
"""

from flask import Blueprint, abort

from app import site

bp = Blueprint("members", __name__)


@bp.before_request
def members_area_exists():
    """An association without a members area (a setting) has none of its pages."""
    if not site.get("members_area"):
        abort(404)
