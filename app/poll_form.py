"""The poll's fields: one form part for the post form (app.feed, a poll with a new post) and the poll's own page
(app.polls, a poll added or changed later). Field names start with `poll-`, so the part sits beside any form."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from app.forms import populate_errors, strip_text
from app.models.poll import OPTION_MAX, OPTIONS_MAX, QUESTION_MAX, ResultsShown
from app.services.errors import DomainError
from app.services.polls import PollDraft, check_draft

# What a browser's date-and-time field sends (the first is also how the field shows a stored time).
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
OPTIONS_TEXT_MAX = 50_000  # far beyond 20 × 200; longer is junk, refused before it is even split into lines


class PollFields(FlaskForm):
    """A poll's question, options and settings (no CSRF token of its own: it always sits inside a form that has
    one)."""

    class Meta:
        csrf = False

    question = StringField(_l("Question (optional)"), filters=[strip_text],
                           description=_l("Empty: the post's title is the question."),
                           render_kw={"maxlength": QUESTION_MAX})
    options = TextAreaField(_l("Options, one per line"), render_kw={"rows": 5},
                            description=_l("From 2 to %(max)d options of up to %(length)d characters each. Leave "
                                           "empty for no poll.", max=OPTIONS_MAX, length=OPTION_MAX))
    multiple = RadioField(_l("Choices"), default="single", choices=[
        SelectChoice("single", _l("One choice")), SelectChoice("multiple", _l("Several choices"))])
    max_choices = IntegerField(_l("With several choices: at most (optional)"), validators=[
        Optional(), NumberRange(min=2, max=OPTIONS_MAX, message=_l("Please enter a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric"})
    closes_at = DateTimeLocalField(_l("Closes at (optional)"), validators=[Optional()], format=TIME_FORMATS)
    results = RadioField(_l("Who sees the results"), default=ResultsShown.AFTER_VOTE.value, choices=[
        SelectChoice(ResultsShown.AFTER_VOTE.value, _l("Everyone who voted (and everyone once it is closed)")),
        SelectChoice(ResultsShown.AFTER_CLOSE.value, _l("Everyone, but only once it is closed"))])

    @property
    def is_empty(self) -> bool:
        """No poll wanted: nothing typed in the question or the options."""
        return not (self.options.data or "").strip() and not (self.question.data or "").strip()

    def draft(self) -> PollDraft:
        return PollDraft(question=self.question.data or "", options=self.options.data or "",
                         multiple=self.multiple.data == "multiple", max_choices=self.max_choices.data,
                         closes_at=_site_time(self.closes_at.data),
                         results_shown=ResultsShown(self.results.data if self.results.data in set(ResultsShown)
                                                    else ResultsShown.AFTER_VOTE))

    def checked(self, *, required: bool) -> bool:
        """Validate the fields and the poll's rules (those of app.services.polls), errors next to their fields."""
        if not self.validate():
            return False
        if self.is_empty and not required:
            return True
        if len(self.options.data or "") > OPTIONS_TEXT_MAX:
            self.options.errors = [_l("Use at most %(max)d characters.", max=OPTIONS_TEXT_MAX)]
            return False
        try:
            check_draft(self.draft())
        except DomainError as error:
            populate_errors(self, error)
            return False
        return True

    def fill(self, draft: PollDraft) -> None:
        """Show a stored poll (times in the site's zone, as typed)."""
        self.question.data, self.options.data = draft.question, draft.options
        self.multiple.data = "multiple" if draft.multiple else "single"
        self.max_choices.data, self.results.data = draft.max_choices, draft.results_shown.value
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.closes_at.data = draft.closes_at.astimezone(zone).replace(tzinfo=None) if draft.closes_at else None


def poll_fields() -> PollFields:
    return PollFields(prefix="poll")


def place_error(form, poll: PollFields, error: DomainError) -> None:
    """A service's error next to its field: in the poll's part when it names one of the poll's fields."""
    populate_errors(poll if error.field and error.field in poll else form, error)


def _site_time(local: datetime | None) -> datetime | None:
    """A time typed in the form means the site's time zone (as the events' and the locks' times do)."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
