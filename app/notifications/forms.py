from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import strip_text
from app.models.notification import MailKind

MODE_LABELS = {
    "off": _l("Off"),
    "immediately": _l("Right away"),
    "daily": _l("Daily digest"),
    "weekly": _l("Weekly digest"),
}
KIND_LABELS = {
    MailKind.REPLIES: _l("Replies to my comments and mentions of me"),
    MailKind.FOLLOWED: _l("New comments in threads I follow, new posts in categories I follow"),
    MailKind.NEWS: _l("News of the association"),
    MailKind.EVENTS: _l("New events"),
    MailKind.REMINDERS: _l("Reminders of events I signed up for"),
}


def mode_field(kind: MailKind) -> SelectField:
    modes = ("off", "immediately") if kind == MailKind.REMINDERS else tuple(MODE_LABELS)
    return SelectField(KIND_LABELS[kind], choices=[SelectChoice(mode, MODE_LABELS[mode]) for mode in modes])


class NotificationSettingsForm(FlaskForm):
    replies = mode_field(MailKind.REPLIES)
    followed = mode_field(MailKind.FOLLOWED)
    news = mode_field(MailKind.NEWS)
    events = mode_field(MailKind.EVENTS)
    reminders = mode_field(MailKind.REMINDERS)
    auto_follow = BooleanField(_l("Follow discussions I start or reply to"))
    handle = StringField(_l("Your @handle for mentions"), filters=[strip_text], validators=[
        DataRequired(_l("Please choose a handle.")), Length(max=31, message=_l("Use at most %(max)d characters."))],
        description=_l("Others mention you by writing @handle in a comment; you are then notified."))
