from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms import strip_text


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_text],
                       validators=[DataRequired(_l("Please enter a name.")),
                                   Length(max=60, message=_l("Use at most %(max)d characters."))])


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
