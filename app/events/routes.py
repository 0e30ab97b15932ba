"""Public events."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    return render_template("events/index.html")
