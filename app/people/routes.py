"""A person's profile page and face. The page is shown as the person chose; their avatar appears wherever
their name does (next to what they wrote), so it is served to everyone like the name."""

from __future__ import annotations

from flask import Response, abort, render_template, send_file
from flask_login import current_user

from app import policy, storage
from app.people import bp
from app.services import profiles

AVATAR_MAX_AGE = 3600


def _person(handle: str):
    person = profiles.person_by_handle(handle)
    if person is None:
        abort(404)
    return person


@bp.get("/<handle>")
def show(handle: str):
    person = _person(handle)
    if not policy.can_see_profile(current_user, person):
        abort(404)  # as if there were no such page: who is here is not for everyone to know
    return render_template("people/profile.html", person=person, activity=profiles.activity(current_user, person),
                           directory=profiles.directory_fields(current_user, person))


@bp.get("/<handle>/avatar.svg")
def generated_avatar(handle: str):
    response = Response(profiles.generated_avatar(_person(handle)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = f"public, max-age={AVATAR_MAX_AGE}"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@bp.get("/<handle>/avatar-<int:size>.webp")
def avatar(handle: str, size: int):
    person = _person(handle)
    if not person.avatar_name or size not in profiles.AVATAR_SIZES:
        abort(404)
    stream = storage.current().open(profiles.avatar_key(person, size))
    if stream is None:
        abort(404)
    response = send_file(stream, mimetype="image/webp", max_age=AVATAR_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={AVATAR_MAX_AGE}"
    return response
