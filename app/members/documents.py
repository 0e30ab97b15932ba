"""Documents for members: minutes, statutes, slides."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.members import bp
from app.members.forms import DocumentForm
from app.members.routes import members_only
from app.models.membership import Document
from app.services import documents, uploads
from app.services.errors import DomainError


def _listing(form: DocumentForm):
    return render_template("members/documents.html", documents=documents.listing(), form=form, confirm=ConfirmForm())


@bp.get("/documents")
@members_only
def documents_index():
    return _listing(DocumentForm())


@bp.post("/documents")
@members_only
def upload_document():
    if not policy.can_manage_documents(current_user):
        abort(403)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [_("Please choose a file.")]
        else:
            try:
                documents.upload(current_user, title=form.title.data, description=form.description.data or "",
                                 filename=upload.filename, stream=upload.stream)
            except DomainError as error:
                populate_errors(form, error)
            else:
                flash(_("The document is uploaded."), "success")
                return redirect(url_for("members.documents_index"))
    return _listing(form), 400


@bp.get("/documents/<int:document_id>/download")
@members_only
def download_document(document_id: int):
    document = db.get_or_404(Document, document_id)
    stored = uploads.stored_file("documents", document.stored_name)
    if stored is None:
        abort(404)
    response = send_file(stored, mimetype=document.content_type,
                         as_attachment=True, download_name=document.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/documents/<int:document_id>/delete")
@members_only
def delete_document(document_id: int):
    document = db.get_or_404(Document, document_id)
    if not policy.can_manage_documents(current_user):
        abort(403)
    if ConfirmForm().validate_on_submit():
        documents.delete(current_user, document)
        flash(_("The document is deleted."), "success")
    return redirect(url_for("members.documents_index"))
