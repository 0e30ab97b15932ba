from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.models.goal import GoalMetric, GoalPeriod
from app.organizer.figures import GOAL_METRIC_LABELS, PER_PERIOD


class GoalForm(FlaskForm):
    metric = SelectField(_l("What to measure"),
                         choices=[SelectChoice(m.value, label) for m, label in GOAL_METRIC_LABELS.items()],
                         validators=[DataRequired(_l("Please choose what to measure."))])
    period = SelectField(_l("Period"), choices=[SelectChoice(p.value, label) for p, label in PER_PERIOD.items()],
                         validators=[DataRequired(_l("Please choose a period."))])
    target = DecimalField(_l("Target"), places=None,
                          description=_l("For hours and counts of problems (reports, discussions without a reply) "
                                         "the goal is to stay at or below the target; for everything else to "
                                         "reach at least the target."),
                          validators=[InputRequired(_l("Please enter a target.")),
                                      NumberRange(min=0, max=1_000_000,
                                                  message=_l("Please enter a number from 0 to %(max)d."))])

    def chosen(self) -> tuple[GoalMetric, GoalPeriod, float]:
        return GoalMetric(self.metric.data), GoalPeriod(self.period.data), float(self.target.data)
