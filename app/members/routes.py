"""The members area. Visitors are sent to log in; logged-in non-members learn how to join."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app import policy

bp = Blueprint("members", __name__)


@bp.get("/")
@login_required
def home():
    if not policy.can_enter_members_area(current_user):
        return render_template("members/not_a_member.html"), 403
    return render_template("members/home.html")
