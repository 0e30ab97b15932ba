from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import strip_text
from app.i18n import ROLE_LABELS


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
                       validators=[DataRequired(_l("Please choose a role."))])


class PageForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip_text],
                        validators=[DataRequired(_l("Please enter a title.")),
                                    Length(max=200, message=_l("Use at most %(max)d characters."))])
    body = TextAreaField(_l("Text (Markdown)"),
                         validators=[Length(max=100_000, message=_l("Use at most %(max)d characters."))],
                         render_kw={"rows": 20})


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Search by name or email"), filters=[strip_text],
                    validators=[Length(max=254)])


class ConsentImportForm(FlaskForm):
    """Step 1 uploads the file (a preview, nothing recorded); step 2 sends its text back to record it."""

    csv_file = FileField(_l("CSV file (columns: email, date of consent, source)"),
                         description=_l("At most 5000 rows and 1 MB. Dates like 2024-03-15 or 15.03.2024."))
    default_source = StringField(_l("Source for rows without one"), filters=[strip_text],
                                 validators=[Length(max=200, message=_l("Use at most %(max)d characters."))],
                                 description=_l("For example: Papierformular Mitgliederversammlung 2024"))
    csv_text = HiddenField(validators=[Length(max=1024 * 1024)])
