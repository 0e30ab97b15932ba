from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import MARKDOWN_HINT, attachments_field, strip_text

TIMEZONES = ("Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/London", "Europe/Paris", "UTC",
             "America/New_York", "America/Los_Angeles", "Asia/Tokyo")


def web_address(_form, field) -> None:
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("Please enter a web address starting with https://"))


class EventForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip_text], validators=[
        DataRequired(_l("Please enter a title.")), Length(max=200, message=_l("Use at most %(max)d characters."))])
    description = TextAreaField(_l("Description"), validators=[
        Length(max=20_000, message=_l("Use at most %(max)d characters."))], description=MARKDOWN_HINT,
        render_kw={"rows": 8})
    starts_at = DateTimeLocalField(_l("Starts"), validators=[InputRequired(_l("Please enter when it starts."))])
    ends_at = DateTimeLocalField(_l("Ends"), validators=[InputRequired(_l("Please enter when it ends."))])
    timezone = SelectField(_l("Time zone"), default="Europe/Berlin",
                           choices=[SelectChoice(zone, zone) for zone in TIMEZONES])
    place = StringField(_l("Place (address)"), filters=[strip_text],
                        validators=[Length(max=300, message=_l("Use at most %(max)d characters."))])
    online_url = StringField(_l("Online link"), filters=[strip_text], validators=[
        Optional(), Length(max=500, message=_l("Use at most %(max)d characters.")),
        URL(require_tld=False, message=_l("Please enter a web address starting with https://")), web_address],
        description=_l("Shown only to confirmed attendees."))
    visibility = RadioField(_l("Who can see it?"), default="public", choices=[
        SelectChoice("public", _l("Everyone (public)")), SelectChoice("members", _l("Members only"))])
    capacity = IntegerField(_l("Seats"), validators=[
        Optional(), NumberRange(min=0, max=100_000, message=_l("Please enter a number from %(min)s to %(max)s."))],
        description=_l("Leave empty for no limit."))
    signup_opens_at = DateTimeLocalField(_l("Sign-up opens"), validators=[Optional()],
                                         description=_l("Leave empty to open it right away."))
    signup_closes_at = DateTimeLocalField(_l("Sign-up closes"), validators=[Optional()],
                                          description=_l("Leave empty to close it when the event starts."))
    waitlist_enabled = BooleanField(_l("Keep a waitlist when all seats are taken"), default=True)
    max_guests = IntegerField(_l("Guests per sign-up"), default=0, validators=[
        InputRequired(_l("Please enter a number.")),
        NumberRange(min=0, max=20, message=_l("Please enter a number from %(min)s to %(max)s."))])
    note_label = StringField(_l("Question for attendees (optional)"), filters=[strip_text],
                             validators=[Length(max=120, message=_l("Use at most %(max)d characters."))],
                             description=_l("For example: Dietary requirements"))
    files = attachments_field()


class PhotosForm(FlaskForm):
    """Attendees' pictures after the event."""

    files = attachments_field()


class SignupForm(FlaskForm):
    guests = IntegerField(_l("Guests you bring"), default=0, validators=[
        Optional(), NumberRange(min=0, max=20, message=_l("Please enter a number from %(min)s to %(max)s."))])
    note = StringField(_l("Note"), filters=[strip_text],
                       validators=[Length(max=500, message=_l("Use at most %(max)d characters."))])


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), filters=[strip_text], validators=[
        DataRequired(_l("Please enter a subject.")), Length(max=150, message=_l("Use at most %(max)d characters."))])
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Please write something.")), Length(max=10_000, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 8})


class AddAttendeeForm(FlaskForm):
    email = EmailField(_l("Email address of the account"), filters=[strip_text], validators=[
        DataRequired(_l("Please enter an email address.")),
        Email(_l("Please enter a valid email address, e.g. name@example.org."), check_deliverability=False)])
