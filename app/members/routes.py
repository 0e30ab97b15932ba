"""The members area. Visitors are sent to log in; logged-in non-members learn how to join."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from app import policy
from app.events.routes import upcoming_and_past
from app.models.event import Event
from app.services import feed as feed_queries

bp = Blueprint("members", __name__)


@bp.get("/")
@login_required
def home():
    if not policy.can_enter_members_area(current_user):
        return render_template("members/not_a_member.html"), 403
    page = feed_queries.feed_page(policy.members_area_posts(current_user), cursor=request.args.get("before"))
    events = upcoming_and_past(Event.visibility == "members", past=False, limit=10)
    return render_template("members/home.html", page=page, events=events)
