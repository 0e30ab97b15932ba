from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.services.ideas import REASON_MAX

STATUS_LABELS = {
    "new": _l("New"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "done": _l("Done"),
    "declined": _l("Declined"),
}


class IdeaStatusForm(FlaskForm):
    status = RadioField(_l("Status"), choices=[SelectChoice(value, label) for value, label in STATUS_LABELS.items()],
                        validators=[InputRequired(_l("Please choose one of the options."))])
    reason = TextAreaField(_l("Answer (shown on the idea; required when declining)"), render_kw={"rows": 3},
                           validators=[Length(max=REASON_MAX, message=_l("Use at most %(max)d characters."))])
