from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.forms import display_name_field, email_field, new_password_field, repeat_password_field, strip_text
from app.i18n import LANGUAGE_NAMES
from app.services.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH


def current_password_field() -> PasswordField:
    return PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Please enter your current password.")),
                    Length(max=PASSWORD_MAX_LENGTH, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("As my browser prefers"))]
        + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        default="",
        description=_l("Used for pages and for the mail we send you."),
    )


class EmailForm(FlaskForm):
    email = email_field(_l("New email address"))
    current_password = current_password_field()


class PasswordForm(FlaskForm):
    current_password = current_password_field()
    password = new_password_field(_l("New password"))
    password_confirm = repeat_password_field(_l("Repeat new password"))


class PublicProfileForm(FlaskForm):
    """The profile page others see (/people/<handle>)."""

    bio = TextAreaField(_l("About you (optional)"), filters=[strip_text], render_kw={"rows": 4},
                        validators=[Length(max=500, message=_l("Use at most %(max)d characters."))],
                        description=_l("A few words others see on your profile."))
    profile_visibility = RadioField(_l("Who sees your profile page?"), default="alumni", choices=[
        SelectChoice("everyone", _l("Everyone, also without logging in")),
        SelectChoice("alumni", _l("Registered alumni (logged in) — the default")),
        SelectChoice("members", _l("Members only")),
    ])
    show_activity = BooleanField(_l("Show my recent posts and comments on my profile (only what each visitor may "
                                    "read anyway)"))
    avatar = FileField(_l("Profile picture (optional)"), description=_l(
        "JPEG, PNG, WebP or HEIC, at most 5 MB. It is cut to a square; location and camera data are removed. "
        "Without one, your initials are shown."))
    remove_avatar = BooleanField(_l("Remove my picture"))


class DataExportForm(FlaskForm):
    current_password = current_password_field()


class DeleteAccountForm(FlaskForm):
    content = RadioField(_l("What you wrote"), default="keep", choices=[
        SelectChoice("keep", _l("Keep my posts and comments under “Former member”, so conversations stay readable "
                                "(the default)")),
        SelectChoice("delete", _l("Delete my posts and comments too (replies by others stay in place)")),
    ])
    current_password = current_password_field()
