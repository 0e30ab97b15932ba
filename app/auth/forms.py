from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired, Length

from app.forms import (
    display_name_field,
    email_field,
    guidelines_consent_field,
    new_password_field,
    news_mail_field,
    repeat_password_field,
)
from app.services.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH


class RegisterForm(FlaskForm):
    email = email_field()
    display_name = display_name_field()
    password = new_password_field()
    password_confirm = repeat_password_field()
    accept_guidelines = guidelines_consent_field()
    news_mail = news_mail_field()


class FirstAdminForm(FlaskForm):
    display_name = display_name_field()
    email = email_field()
    password = new_password_field()
    password_confirm = repeat_password_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Please enter your password.")),
                    Length(max=PASSWORD_MAX_LENGTH, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device"))


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    password_confirm = repeat_password_field(_l("Repeat new password"))
