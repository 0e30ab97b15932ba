"""The member directory: search, profiles, one's own entry, photos, contact."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import limits, policy
from app.extensions import limiter
from app.forms import populate_errors
from app.loaders import page_number
from app.members import bp
from app.members.forms import ContactForm, DirectorySearchForm, ProfileForm
from app.members.routes import members_only
from app.models.membership import PROFILE_FIELDS, MemberProfile
from app.services import directory, uploads
from app.services.errors import DomainError, PermissionDenied


def load_profile(user_id: int) -> MemberProfile:
    """A profile the viewer may see at least partly; otherwise 404 (unlisted looks like absent)."""
    profile = directory.find_entry(user_id)
    if profile is None or not policy.visible_profile_fields(current_user, profile):
        abort(404)
    return profile


@bp.get("/directory")
@members_only
def directory_index():
    form = DirectorySearchForm(request.args)
    form.validate()
    page = directory.search(current_user, name=form.name.data or "", year=form.year.data if not form.year.errors
                            else None, city=form.city.data or "", employer=form.employer.data or "",
                            page=page_number())
    return render_template("members/directory.html", form=form, page=page, own=directory.find_entry(current_user.id),
                           fields_for=lambda entry: policy.visible_profile_fields(current_user, entry))


@bp.get("/directory/<int:user_id>")
@members_only
def profile(user_id: int):
    entry = load_profile(user_id)
    return render_template("members/profile.html", profile=entry,
                           fields=policy.visible_profile_fields(current_user, entry),
                           can_contact=policy.can_contact(current_user, entry))


@bp.get("/directory/<int:user_id>/photo")
@members_only
def photo(user_id: int):
    entry = load_profile(user_id)
    if "photo" not in policy.visible_profile_fields(current_user, entry):
        abort(404)
    stored = uploads.stored_file("photos", entry.photo_name)
    if stored is None:
        abort(404)
    response = send_file(stored, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/directory/me", methods=["GET", "POST"])
@members_only
def edit_profile():
    entry = directory.profile_of(current_user)
    form = ProfileForm(obj=entry)
    if not form.is_submitted():
        for name in PROFILE_FIELDS:
            getattr(form, f"private_{name}").data = entry.is_private(name)
    if form.validate_on_submit():
        upload = form.photo.data
        photo_bytes = None
        try:
            if upload and getattr(upload, "filename", ""):
                photo_bytes = uploads.read_limited(upload.stream, current_app.config["PHOTO_MAX_BYTES"])
            directory.save_profile(current_user, directory.ProfileChanges(
                listed=form.listed.data, programme=form.programme.data or "", year=form.year.data,
                city=form.city.data or "", employer=form.employer.data or "", position=form.position.data or "",
                bio=form.bio.data or "", website=form.website.data or "", social_url=form.social_url.data or "",
                private_fields={name for name in PROFILE_FIELDS if getattr(form, f"private_{name}").data},
                photo=photo_bytes, remove_photo=form.remove_photo.data))
        except DomainError as error:
            populate_errors(form, DomainError(error.message, "photo" if error.field == "file" else error.field))
        else:
            flash(_("Your directory entry is saved."), "success")
            return redirect(url_for("members.edit_profile"))
    return render_template("members/edit_profile.html", form=form, profile=entry), 400 if form.errors else 200


@bp.route("/directory/<int:user_id>/contact", methods=["GET", "POST"])
@members_only
@limiter.limit(limits.contact, key_func=limits.per_person, methods=["POST"])
def contact(user_id: int):
    entry = load_profile(user_id)
    if not policy.can_contact(current_user, entry):
        abort(403 if entry.user_id != current_user.id else 400)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            directory.contact(current_user, entry, form.subject.data, form.message.data)
        except PermissionDenied:
            abort(403)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Your message is sent. Replies come to your email address."), "success")
            return redirect(url_for("members.profile", user_id=entry.user_id))
    return render_template("members/contact.html", form=form, profile=entry), 400 if form.errors else 200
