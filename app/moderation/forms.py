from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import strip_text
from app.services.thread_limits import MAX_SLOW_MODE_MINUTES, LockState


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_text],
                       validators=[DataRequired(_l("Please enter a name.")),
                                   Length(max=60, message=_l("Use at most %(max)d characters."))])


# What a browser's date-and-time field sends (the first is also how the field shows a stored time).
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class ThreadSettingsForm(FlaskForm):
    """Slow mode and the lock of one thread (moderators)."""

    slow_mode_minutes = IntegerField(
        _l("Slow mode: minutes between two comments of one person (0: off)"), default=0,
        validators=[InputRequired(_l("Please enter a whole number.")),
                    NumberRange(min=0, max=MAX_SLOW_MODE_MINUTES, message=_l(
                        "Please enter a number from %(min)d to %(max)d."))],
        description=_l("For heated discussions. Moderators are exempt."), render_kw={"inputmode": "numeric"})
    lock = RadioField(_l("New comments"), default=LockState.OPEN.value, choices=[
        SelectChoice(LockState.OPEN.value, _l("Open")),
        SelectChoice(LockState.LOCKED.value, _l("Locked until a moderator opens it again")),
        SelectChoice(LockState.TIMED.value, _l("Locked for a time (below)"))],
        validators=[InputRequired(_l("Please choose one of the options."))])
    lock_from = DateTimeLocalField(_l("Locked from (empty: right away)"), validators=[Optional()], format=TIME_FORMATS)
    lock_until = DateTimeLocalField(_l("Open again at (empty: when a moderator opens it)"), validators=[Optional()],
                                    format=TIME_FORMATS)
