from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from app.forms import (
    display_name_field,
    guidelines_consent_field,
    new_password_field,
    news_mail_field,
    repeat_password_field,
    strip_text,
)

YEAR = NumberRange(min=1900, max=2100, message=_l("Please enter a year between %(min)s and %(max)s."))


def text(label, max_length, *validators, **kwargs):
    return StringField(label, filters=[strip_text], validators=[
        *validators, Length(max=max_length, message=_l("Use at most %(max)d characters."))], **kwargs)


class ApplicationForm(FlaskForm):
    programme = text(_l("Programme, or how you belong to the association"), 200,
                     DataRequired(_l("Please tell us how you belong to the association.")))
    year = IntegerField(_l("Year (of graduation, or of joining)"), validators=[Optional(), YEAR])
    message = TextAreaField(_l("Message to the association (optional)"), filters=[strip_text], validators=[
        Length(max=2000, message=_l("Use at most %(max)d characters."))], render_kw={"rows": 4})


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional, sent to the applicant)"), filters=[strip_text], validators=[
        Length(max=1000, message=_l("Use at most %(max)d characters."))], render_kw={"rows": 2})


class InvitationForm(FlaskForm):
    addresses = TextAreaField(_l("Email addresses"), filters=[strip_text], validators=[
        Length(max=200_000, message=_l("Use at most %(max)d characters."))], render_kw={"rows": 6},
        description=_l("One per line: email, name, year (name and year optional)."))
    csv_file = FileField(_l("Or upload a CSV file (columns: email, name, year)"))


class AcceptInvitationForm(FlaskForm):
    """For someone without an account: choose a name and password."""

    display_name = display_name_field()
    password = new_password_field()
    password_confirm = repeat_password_field()
    accept_guidelines = guidelines_consent_field()
    news_mail = news_mail_field()


class AcceptAsMemberForm(FlaskForm):
    """For someone logged in already: one button, and the news offer."""

    news_mail = news_mail_field()


PRIVACY_LABEL = _l("only me")


class ProfileForm(FlaskForm):
    listed = BooleanField(_l("List me in the member directory"))
    programme = text(_l("Programme"), 200)
    year = IntegerField(_l("Year"), validators=[Optional(), YEAR])
    city = text(_l("City"), 100)
    employer = text(_l("Employer"), 150)
    position = text(_l("Position"), 150)
    bio = TextAreaField(_l("About me"), filters=[strip_text], validators=[
        Length(max=1000, message=_l("Use at most %(max)d characters."))], render_kw={"rows": 4})
    website = text(_l("Website"), 300, Optional(), URL(message=_l("Please enter a web address starting with https://")))
    social_url = text(_l("LinkedIn or XING profile"), 300, Optional(),
                      URL(message=_l("Please enter a web address starting with https://")))
    photo = FileField(_l("Photo"), description=_l("JPEG, PNG or WebP, at most 5 MB. It is resized to a small square."))
    remove_photo = BooleanField(_l("Remove my photo"))
    private_programme = BooleanField(PRIVACY_LABEL)
    private_year = BooleanField(PRIVACY_LABEL)
    private_city = BooleanField(PRIVACY_LABEL)
    private_employer = BooleanField(PRIVACY_LABEL)
    private_position = BooleanField(PRIVACY_LABEL)
    private_bio = BooleanField(PRIVACY_LABEL)
    private_website = BooleanField(PRIVACY_LABEL)
    private_social_url = BooleanField(PRIVACY_LABEL)
    private_photo = BooleanField(PRIVACY_LABEL)


class DirectorySearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    name = text(_l("Name"), 80)
    year = IntegerField(_l("Year"), validators=[Optional(), YEAR])
    city = text(_l("City"), 100)
    employer = text(_l("Employer"), 150)


class ContactForm(FlaskForm):
    subject = text(_l("Subject"), 150, DataRequired(_l("Please enter a subject.")))
    message = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Please write something.")), Length(max=5000, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 6},
        description=_l("Your email address is given as the reply address, so they can answer you."))


class DocumentForm(FlaskForm):
    title = text(_l("Title"), 200, DataRequired(_l("Please enter a title.")))
    description = TextAreaField(_l("Description"), filters=[strip_text], validators=[
        Length(max=1000, message=_l("Use at most %(max)d characters."))], render_kw={"rows": 3})
    file = FileField(_l("File"), description=_l("PDF, images or office documents."))
