"""The search form: read from the query string (GET, no CSRF token: searching changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

KIND_CHOICES = (
    ("", _l("Everything")),
    ("news", _l("News")),
    ("discussion", _l("Discussions")),
    ("comment", _l("Comments")),
    ("event", _l("Events")),
    ("offer", _l("Jobs & volunteering")),
    ("document", _l("Documents")),
    ("profile", _l("People in the directory")),
)
MEMBER_ONLY_KINDS = ("document", "profile")


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search for"), filters=[lambda text: (text or "").replace("\x00", " ").strip()],
                    validators=[Optional()],
                    description=_l('Several words: all must appear. "Exact phrase", prefix*, -without.'))
    kind = SelectField(_l("Kind"), default="", validators=[Optional()])
    category = SelectField(_l("Category"), default="", validators=[Optional()])
    author = StringField(_l("Written by"), validators=[Optional(), Length(max=31)],
                         description=_l("A handle, e.g. @ada"))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    members_area = BooleanField(_l("Only in the members area"))
    sort = RadioField(_l("Sort by"), default="relevance", validators=[Optional()], choices=[
        SelectChoice("relevance", _l("Relevance")), SelectChoice("date", _l("Date"))])

    def __init__(self, *args, member: bool, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(value, label) for value, label in KIND_CHOICES
                             if member or value not in MEMBER_ONLY_KINDS]
        self.category.choices = [SelectChoice("", _l("All categories"))] + [
            SelectChoice(category.slug, category.name) for category in categories]
        if not member:
            del self.members_area
