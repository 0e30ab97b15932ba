"""The photos-and-files part of the post, comment and event forms, shared by their views.

Works without JavaScript in two steps: the person picks files (several at once) and submits; the files are
stored as their drafts and the form comes back with a thumbnail and a description field for each photo;
with every photo described, the next submit publishes. The form carries the drafts as hidden ids, so a
form error elsewhere loses nothing (the drafts are committed on their own, before the rest is checked).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import policy
from app.extensions import db
from app.services import attachments
from app.services.errors import DomainError


@dataclass
class Choices:
    items: list = field(default_factory=list)  # what the item will carry, in order
    added: bool = False  # new files came with this submit: show them for describing, do not publish yet
    errors: list = field(default_factory=list)

    def ready(self, form) -> bool:
        """Publish now? Otherwise the reason is put on the form's files field (or a notice is due)."""
        if self.errors:
            form.files.errors = [*form.files.errors, *self.errors]
            return False
        if self.added:
            return False
        if attachments.missing_descriptions(self.items):
            form.files.errors = [*form.files.errors, _l("Please describe each photo in a few words (for people "
                                                        "who cannot see it).")]
            return False
        return True


def visible(post=None, comment=None, event=None) -> list:
    """The photos and files of an item that the viewer may see (hidden ones only for moderators)."""
    return [a for a in attachments.of(post, comment, event) if policy.can_see_attachment(current_user, a)]


def visible_with_comments(post, comment_ids: list[int]) -> tuple[list, dict]:
    """The post's photos and files the viewer may see, and those of the thread's shown comments: one query."""
    own, by_comment = attachments.of_post_and_comments(post, comment_ids)
    return [a for a in own if policy.can_see_attachment(current_user, a)], by_comment


def current(post=None, comment=None, event=None) -> Choices:
    """What an item carries now (the edit form's start)."""
    return Choices(items=attachments.of(post, comment, event))


def from_request(owner, post=None, comment=None, event=None) -> Choices:
    """The form's attachments after this submit: descriptions and removals applied, new files stored."""
    ids = [int(value) for value in request.form.getlist("attachment") if value.isdigit() and len(value) < 11]
    carried = attachments.editable(owner, ids, post, comment, event)
    removed = {a.id for a in carried if request.form.get(f"remove-{a.id}")}
    kept = attachments.describe(carried, {a.id: request.form.get(f"alt-{a.id}", "") for a in carried}, removed)
    files = [(upload.filename, upload.stream) for upload in request.files.getlist("files") if upload.filename]
    choices = Choices(items=kept)
    if files:
        try:
            new = attachments.upload(owner, files, already=len(kept))
        except DomainError as error:
            choices.errors.append(error.message)
            choices.items += getattr(error, "stored", [])
        else:
            choices.items += new
            choices.added = bool(new)
    db.session.commit()  # the drafts are the person's own: kept whatever else this submit gets wrong
    return choices
