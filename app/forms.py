"""Forms, field types and checks shared by several blueprints."""

from __future__ import annotations

import re
import secrets
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from app.i18n import REPORT_REASON_LABELS
from app.services.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH


def strip_text(value):
    """Trim surrounding whitespace and normalise Unicode, so 'Ä' typed two ways is one name."""
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


def plain_name(_form, field) -> None:
    """Names are plain text: no markup, no control or invisible formatting characters."""
    value = field.data or ""
    if "<" in value or ">" in value:
        raise ValidationError(_l("Please leave out the characters < and >."))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in value):
        raise ValidationError(_l("Please leave out control and invisible characters."))


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("An email address has at most %(max)d characters.")),
            Email(_l("Please enter a valid email address, e.g. name@example.org."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def display_name_field() -> StringField:
    return StringField(
        _l("Display name"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Please enter the name others will see.")),
            Length(min=2, max=80, message=_l("Use between %(min)d and %(max)d characters.")),
            plain_name,
        ],
        description=_l("Shown next to what you write. Your real name helps other alumni recognise you."),
        render_kw={"autocomplete": "name"},
    )


def new_password_field(label=None) -> PasswordField:
    # Rules beyond the length (common passwords, personal data) live in services.passwords.
    return PasswordField(
        label or _l("Password"),
        validators=[
            InputRequired(_l("Please choose a password.")),
            Length(max=PASSWORD_MAX_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
        description=_l("At least 10 characters. A few unrelated words make a strong password."),
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Repeat password"),
        validators=[InputRequired(_l("Please repeat the password.")),
                    EqualTo("password", _l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )


def guidelines_consent_field() -> BooleanField:
    """Whoever creates an account (registering or accepting an invitation) accepts the rules first."""
    return BooleanField(
        _l("I have read the community guidelines and the privacy policy."),
        validators=[InputRequired(_l("Please confirm that you accept the guidelines."))],
    )


def news_mail_field() -> BooleanField:
    """Offered where accounts begin (registration, invitation), never ticked in advance (GDPR Art. 7): ticking it
    starts the double opt-in, and no news is mailed before the confirmation link is clicked."""
    return BooleanField(
        _l("Send me the association's news by mail"), default=False,
        description=_l("We first mail you a link to confirm this. You can unsubscribe in every news mail."))


def attachments_field():
    """Several photos or files at once (the form then asks for a description of each photo: app.attaching)."""
    return MultipleFileField(_l("Add photos or files"), render_kw={
        "accept": "image/jpeg,image/png,image/webp,image/gif,image/heic,.heic,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"},
        description=_l("Photos (JPEG, PNG, WebP, GIF, HEIC) or documents (PDF, office), up to 10 at a time. "
                       "Location and camera data are removed from photos."))


def populate_errors(form, error) -> None:
    """Put a service's DomainError next to its field (or on the form when it names none)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


COMMENT_MAX = 10_000
SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def submission_field() -> HiddenField:
    """A one-time key made when the form is shown: the database stores one row per key and author, so a
    double click or a resent form never stores twice, even when both copies arrive at the same moment."""
    return HiddenField(default=lambda: secrets.token_urlsafe(24))


def submission_key(form) -> str | None:
    """The key the browser sent, if it looks like one we made (otherwise none: the time-window guard applies).
    Only what was posted counts: the field's default would be a fresh key on every request."""
    value = (form.submission.raw_data or [None])[0]
    return value if isinstance(value, str) and SUBMISSION_KEY.match(value) else None
MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, [link](https://example.org), lists with \"-\". HTML is not allowed.")


class ConfirmForm(FlaskForm):
    """Only the CSRF token: a button that turns a mailed link (or any one-click action) into a deliberate POST."""


class CommentForm(FlaskForm):
    """A comment or reply, on a post's page and on an event's page."""

    body = TextAreaField(_l("Your comment"), validators=[
        DataRequired(_l("Please write something.")),
        Length(max=COMMENT_MAX, message=_l("Use at most %(max)d characters."))],
        description=MARKDOWN_HINT, render_kw={"rows": 4})
    parent_id = HiddenField()
    files = attachments_field()
    submission = submission_field()


class ReportForm(FlaskForm):
    """A report about a post, a comment or a photo, for the moderators."""

    reason = RadioField(_l("What is wrong with it?"),
                        choices=[SelectChoice(key.value, label) for key, label in REPORT_REASON_LABELS.items()],
                        validators=[DataRequired(_l("Please choose a reason."))])
    note = TextAreaField(_l("Anything the moderators should know? (optional)"), filters=[strip_text],
                         validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
                         render_kw={"rows": 3})
