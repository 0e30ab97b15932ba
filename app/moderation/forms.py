from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import strip_text
from app.i18n import WATCH_ACTION_LABELS, WATCH_KIND_LABELS

WORD_LINES_MAX = 400_000  # 10,000 lines of a few words each
TRIAL_MAX = 20_000


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_text],
                       validators=[DataRequired(_l("Please enter a name.")),
                                   Length(max=60, message=_l("Use at most %(max)d characters."))])


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
