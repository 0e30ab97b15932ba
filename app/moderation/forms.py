from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.forms import strip_text


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_text],
                       validators=[DataRequired(_l("Please enter a name.")),
                                   Length(max=60, message=_l("Use at most %(max)d characters."))])
