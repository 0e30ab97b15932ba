from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms import MARKDOWN_HINT, attachments_field, strip_text, submission_field

TITLE_MAX = 200
BODY_MAX = 20_000


class PostForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip_text],
                        validators=[DataRequired(_l("Please enter a title.")),
                                    Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters."))])
    body = TextAreaField(_l("Text"), validators=[
        DataRequired(_l("Please write something.")),
        Length(max=BODY_MAX, message=_l("Use at most %(max)d characters."))],
        description=MARKDOWN_HINT, render_kw={"rows": 12})
    category = SelectField(_l("Category"), validators=[Optional()], default="")
    visibility = RadioField(_l("Who can read it?"), default="public", choices=[
        SelectChoice("public", _l("Everyone (public)")),
        SelectChoice("members", _l("Members only")),
    ])
    public_teaser = BooleanField(_l("Show title and first lines publicly, with a link for members"))
    pinned = BooleanField(_l("Pin to the top of the feed"))
    idea = BooleanField(_l("This is an idea: others can vote for it"))
    files = attachments_field()
    submission = submission_field()

    def set_categories(self, categories) -> None:
        self.category.choices = [SelectChoice("", _l("No category"))] + [
            SelectChoice(str(c.id), c.name) for c in categories]

