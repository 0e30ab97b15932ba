"""`/files/<id>`: an image's own page (previous/next), its sizes, and file downloads. Every response asks the
policy about what the attachment belongs to; members-only ones are never cached outside the browser session."""

from __future__ import annotations

from flask import abort, flash, get_template_attribute, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import limits, policy, storage
from app.extensions import db, limiter
from app.files import bp
from app.forms import ReportForm, populate_errors
from app.loaders import load_attachment
from app.services import attachments, reports
from app.services.errors import DomainError

PUBLIC_MAX_AGE = 300  # seconds: short, so a post made members-only takes its pictures along within minutes


def _send(attachment, key: str, *, download: bool):
    stream = storage.current().open(key)
    if stream is None:
        abort(404)
    response = send_file(stream, mimetype=attachment.content_type, as_attachment=download,
                         download_name=attachment.original_name or "file", max_age=0)
    if policy.is_public_attachment(attachment):
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<int:attachment_id>/<int:width>.webp")
def image(attachment_id: int, width: int):
    attachment = load_attachment(attachment_id)
    widths = attachment.available_widths if attachment.is_image else []
    fitting = [w for w in widths if w <= width]
    if width not in widths and (width not in attachments.WIDTHS or not fitting):
        abort(404)
    # A standard width larger than a small photo (as in text: /960.webp) is the photo at its own width.
    return _send(attachment, attachment.key(width if width in widths else fitting[-1]), download=False)


@bp.get("/<int:attachment_id>/download")
def download(attachment_id: int):
    attachment = load_attachment(attachment_id)
    if attachment.is_image:
        return _send(attachment, attachment.key(attachment.available_widths[-1]), download=True)
    return _send(attachment, attachment.key(), download=True)


@bp.get("/<int:attachment_id>")
def show(attachment_id: int):
    """A photo at full size, with the previous and next photo of the same post, comment or event."""
    attachment = load_attachment(attachment_id)
    if not attachment.is_image:
        return download(attachment_id)
    siblings = [a for a in attachments.of(attachment.post, attachment.comment, attachment.event)
                if a.is_image and policy.can_see_attachment(current_user, a)] or [attachment]
    index = next((i for i, a in enumerate(siblings) if a.id == attachment.id), 0)
    return render_template("files/show.html", attachment=attachment, index=index, count=len(siblings),
                           previous=siblings[index - 1] if index > 0 else None,
                           next=siblings[index + 1] if index + 1 < len(siblings) else None)


@bp.route("/<int:attachment_id>/report", methods=["GET", "POST"])
@login_required
def report(attachment_id: int):
    """Report a single photo or file to the moderators."""
    attachment = load_attachment(attachment_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report(current_user, attachment=attachment, reason=form.reason.data, note=form.note.data or "")
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Thank you. The moderators will look at it."), "success")
            return redirect(url_for("files.show", attachment_id=attachment.id))
    return render_template("files/report.html", form=form, attachment=attachment), 400 if form.errors else 200


@bp.post("/drafts")
@login_required
@limiter.limit(limits.posting, key_func=limits.per_person)
def upload_drafts():
    """The forms' script uploads picked, dropped or pasted files at once (JSON with each draft's form item);
    without JavaScript the same happens on submitting the form (app.attaching)."""
    if not policy.can_post(current_user):
        abort(403)
    already = request.form.get("already", "0")
    files = [(upload.filename or "pasted-image", upload.stream) for upload in request.files.getlist("files")]
    try:
        stored = attachments.upload(current_user, files, already=int(already) if already.isdigit() else 0)
    except DomainError as error:
        db.session.commit()  # the files before the failing one are complete drafts
        return jsonify(error=str(error.message), items=_items(getattr(error, "stored", []))), 400
    db.session.commit()
    return jsonify(items=_items(stored))


def _items(stored) -> list[dict]:
    item = get_template_attribute("_macros/attachments.html", "attachment_item")
    return [{"id": attachment.id, "html": str(item(attachment))} for attachment in stored]
