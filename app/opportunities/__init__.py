"""The jobs and volunteering board ("Stellen & Engagement") at /jobs: offers, their pages, forms and Atom feed.

`bp` lives here; the view module imports it and attaches its routes, and `create_app` imports it.
(Not to be confused with app.jobs, the worker's background jobs.)
"""

from flask import Blueprint

bp = Blueprint("opportunities", __name__)
