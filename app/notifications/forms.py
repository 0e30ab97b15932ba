from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms import strip_text
from app.i18n import MAIL_KIND_LABELS, MAIL_MODE_LABELS
from app.models.notification import Audience, MailKind, MailMode


def mode_field(kind: MailKind) -> SelectField:
    modes = (MailMode.OFF, MailMode.IMMEDIATELY) if kind == MailKind.REMINDERS else tuple(MailMode)
    return SelectField(MAIL_KIND_LABELS[kind],
                       choices=[SelectChoice(mode.value, MAIL_MODE_LABELS[mode]) for mode in modes])


class NotificationSettingsForm(FlaskForm):
    replies = mode_field(MailKind.REPLIES)
    followed = mode_field(MailKind.FOLLOWED)
    news = mode_field(MailKind.NEWS)
    events = mode_field(MailKind.EVENTS)
    reminders = mode_field(MailKind.REMINDERS)
    applications = mode_field(MailKind.APPLICATIONS)  # removed from the form for those who do not decide
    auto_follow = BooleanField(_l("Follow discussions I start or reply to"))
    handle = StringField(_l("Your @handle for mentions"), filters=[strip_text], validators=[
        DataRequired(_l("Please choose a handle.")), Length(max=31, message=_l("Use at most %(max)d characters."))],
        description=_l("Others mention you by writing @handle in a comment; you are then notified."))


class AnnounceForm(FlaskForm):
    """Send news by mail: to whom and when. Left out (a test send, an older page), it means everyone, now."""

    audience = RadioField(_l("Who gets it?"), default=Audience.EVERYONE.value, choices=[
        SelectChoice(Audience.EVERYONE.value, _l("Everyone who agreed to news by mail")),
        SelectChoice(Audience.MEMBERS.value, _l("Members only"))])
    when = RadioField(_l("When?"), default="now", choices=[
        SelectChoice("now", _l("Right away")), SelectChoice("later", _l("At a set time"))])
    send_at = DateTimeLocalField(_l("Date and time"), validators=[Optional()])  # needed for "later": the service


class PushChoicesForm(FlaskForm):
    """Which kinds of notification reach this person's devices by push (the same choice for all of them)."""

    replies = BooleanField(_l("Replies to me, mentions, and notes about my own contributions"))
    followed = BooleanField(_l("New comments and posts in what I follow"))
    events = BooleanField(_l("New events"))
    applications = BooleanField(_l("New membership applications"))  # removed for those who do not decide
