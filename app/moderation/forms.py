from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import strip_text
from app.i18n import WATCH_ACTION_LABELS, WATCH_KIND_LABELS
from app.services.thread_limits import MAX_SLOW_MODE_MINUTES, LockState

WORD_LINES_MAX = 400_000  # 10,000 lines of a few words each
TRIAL_MAX = 20_000


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


# Buttons that fill the reason with a ready text (app.services.sanctions.REASON_TEMPLATES, same keys).
REASON_TEMPLATE_LABELS = {
    "insults": _l("Insults"),
    "hate": _l("Hate speech"),
    "spam": _l("Spam"),
    "off_topic": _l("Off-topic again and again"),
}


class SanctionForm(FlaskForm):
    """A warning, silence or suspension: the reason the person reads and, for a silence or suspension, how long."""

    reason = TextAreaField(_l("Reason (the person reads it)"), filters=[strip_text], render_kw={"rows": 4},
                           validators=[DataRequired(_l("Please give a reason: the person is told.")),
                                       Length(max=500, message=_l("Use at most %(max)d characters."))])
    duration = RadioField(_l("How long?"), validators=[Optional()], choices=[
        SelectChoice("1", _l("1 day")), SelectChoice("7", _l("7 days")), SelectChoice("30", _l("30 days")),
        SelectChoice("date", _l("Through the day below")), SelectChoice("permanent", _l("Until it is lifted"))])
    until = DateField(_l("Last day"), validators=[Optional()],
                      description=_l("Lasts through this day (with no length chosen above, a day alone counts too)."))


def _choices(labels) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


def _replacement_field() -> StringField:
    return StringField(_l("Replace with"), filters=[strip_text],
                       validators=[Optional(), Length(max=40, message=_l("Use at most %(max)d characters."))],
                       description=_l("For “Replace (censor)”; empty: ■■■"))


def _rule_field() -> StringField:
    return StringField(_l("Which rule it breaks (shown to whoever writes it, optional)"), filters=[strip_text],
                       validators=[Optional(), Length(max=200, message=_l("Use at most %(max)d characters."))],
                       description=_l("E.g. “Slurs against groups of people are not allowed (guidelines, "
                                      "section 2).” Empty: insults and slurs in general."))


class AddWordsForm(FlaskForm):
    lines = TextAreaField(_l("Words or phrases, one per line"), render_kw={"rows": 5, "spellcheck": "false"},
                          validators=[DataRequired(_l("Please enter at least one word.")),
                                      Length(max=WORD_LINES_MAX, message=_l("Use at most %(max)d characters."))],
                          description=_l("Capitals, umlauts and spellings such as “1d10t”, “I.d.i.o.t” or "
                                         "“idiooot” are recognised by themselves."))
    kind = RadioField(_l("Where it counts"), default="word", choices=_choices(WATCH_KIND_LABELS),
                      validators=[InputRequired(_l("Please choose one of the options."))])
    action = RadioField(_l("What happens"), default="hold", choices=_choices(WATCH_ACTION_LABELS),
                        validators=[InputRequired(_l("Please choose one of the options."))])
    replacement = _replacement_field()
    rule = _rule_field()


class WordForm(FlaskForm):
    """One entry's action, replacement and rule (its word stays)."""

    action = SelectField(_l("What happens"), choices=_choices(WATCH_ACTION_LABELS),
                         validators=[InputRequired(_l("Please choose one of the options."))])
    replacement = _replacement_field()
    rule = _rule_field()


class WordSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = StringField(_l("Search"), filters=[strip_text], validators=[Optional(), Length(max=200)])
    action = SelectField(_l("What happens"), choices=[SelectChoice("", _l("Any")), *_choices(WATCH_ACTION_LABELS)],
                         validators=[Optional()])
    kind = SelectField(_l("Where it counts"), choices=[SelectChoice("", _l("Any")), *_choices(WATCH_KIND_LABELS)],
                       validators=[Optional()])


class TrialForm(FlaskForm):
    text = TextAreaField(_l("Text to test"), render_kw={"rows": 4},
                         validators=[DataRequired(_l("Please write something.")),
                                     Length(max=TRIAL_MAX, message=_l("Use at most %(max)d characters."))])
