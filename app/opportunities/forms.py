"""The forms of the jobs and volunteering board."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import MARKDOWN_HINT, strip_text, submission_field
from app.models.opportunity import OpportunityKind, WorkMode

TOO_LONG = _l("Use at most %(max)d characters.")
KIND_LABELS = {
    OpportunityKind.JOB: _l("Employment"),
    OpportunityKind.INTERNSHIP: _l("Internship"),
    OpportunityKind.WORKING_STUDENT: _l("Working student"),
    OpportunityKind.VOLUNTEER: _l("Volunteer role"),
    OpportunityKind.MENTORING: _l("Mentoring"),
}
# "Follow new volunteer roles" and the like, on the board's page.
KIND_PLURALS = {
    OpportunityKind.JOB: _l("jobs"),
    OpportunityKind.INTERNSHIP: _l("internships"),
    OpportunityKind.WORKING_STUDENT: _l("working student jobs"),
    OpportunityKind.VOLUNTEER: _l("volunteer roles"),
    OpportunityKind.MENTORING: _l("mentoring offers"),
}
MODE_LABELS = {WorkMode.ON_SITE: _l("On site"), WorkMode.REMOTE: _l("Remote"), WorkMode.HYBRID: _l("Hybrid")}
# schema.org JobPosting's employmentType for each kind.
EMPLOYMENT_TYPES = {
    OpportunityKind.JOB: "FULL_TIME", OpportunityKind.INTERNSHIP: "INTERN",
    OpportunityKind.WORKING_STUDENT: "PART_TIME", OpportunityKind.VOLUNTEER: "VOLUNTEER",
    OpportunityKind.MENTORING: "OTHER",
}


class OfferForm(FlaskForm):
    kind = SelectField(_l("Kind of offer"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
                       validators=[DataRequired(_l("Please choose the kind of offer."))])
    title = StringField(_l("Title"), filters=[strip_text], validators=[
        DataRequired(_l("Please enter a title.")), Length(max=200, message=TOO_LONG)])
    organisation = StringField(_l("Organisation"), filters=[strip_text], validators=[
        DataRequired(_l("Please name the organisation.")), Length(max=200, message=TOO_LONG)])
    place = StringField(_l("Place"), filters=[strip_text], validators=[Optional(), Length(max=200, message=TOO_LONG)],
                        description=_l("Town or city; leave empty for remote offers."))
    work_mode = RadioField(_l("Where is the work done?"), default=WorkMode.ON_SITE.value,
                           choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()],
                           validators=[DataRequired(_l("Please choose where the work is done."))])
    starts_on = DateField(_l("Start"), validators=[Optional()],
                          description=_l("Leave empty for “by arrangement”."))
    hours = StringField(_l("Hours"), filters=[strip_text], validators=[Optional(), Length(max=100, message=TOO_LONG)],
                        description=_l("For example “20 hours a week” or “two evenings a month”."))
    body = TextAreaField(_l("Description"), validators=[
        DataRequired(_l("Please describe the offer.")), Length(max=20_000, message=TOO_LONG)],
        description=MARKDOWN_HINT, render_kw={"rows": 10})
    category = SelectField(_l("Category"), validators=[Optional()], default="")
    apply_method = RadioField(_l("How to apply"), default="site", choices=[
        SelectChoice("site", _l("Through this site (a message to me; my address stays hidden)")),
        SelectChoice("link", _l("On a web page"))])
    apply_url = StringField(_l("Web address to apply on"), filters=[strip_text],
                            validators=[Length(max=500, message=TOO_LONG)])
    deadline = DateField(_l("Deadline"), validators=[Optional()],
                         description=_l("The offer leaves the board after this day; without one, after 60 days."))
    visibility = RadioField(_l("Who can read it?"), default="public", choices=[
        SelectChoice("public", _l("Everyone (public)")), SelectChoice("members", _l("Members only"))])
    submission = submission_field()

    def set_categories(self, categories) -> None:
        self.category.choices = [SelectChoice("", _l("No category"))] + [
            SelectChoice(str(c.id), c.name) for c in categories]

    def validate_apply_url(self, field) -> None:
        if self.apply_method.data == "link" and not field.data:
            raise ValidationError(_l("Please enter the web address to apply on."))


class ApplyForm(FlaskForm):
    message = TextAreaField(_l("Your message"), filters=[strip_text], validators=[
        DataRequired(_l("Please write a message.")), Length(max=5000, message=TOO_LONG)], render_kw={"rows": 6},
        description=_l("The poster receives it by mail with your name and address, so they can answer you."))
