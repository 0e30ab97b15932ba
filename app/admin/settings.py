"""Administration → Settings: the association's settings, page by page, each change validated and audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import policy, site
from app.admin import bp
from app.admin.settings_forms import (
    AccessForm,
    AssociationForm,
    ImprintForm,
    LinksForm,
    LookForm,
    MailTextsForm,
    ParticipationForm,
    ReportsForm,
    SettingsForm,
)
from app.forms import populate_errors
from app.i18n import MAIL_INTRO_TITLES
from app.services import branding, legal, mail_texts, settings
from app.services.errors import DomainError

SECTIONS: dict[str, tuple[type[SettingsForm], object]] = {
    "association": (AssociationForm, _l("The association")),
    "access": (AccessForm, _l("Registration and members")),
    "participation": (ParticipationForm, _l("Participation and limits")),
    "reports": (ReportsForm, _l("Reports")),
    "links": (LinksForm, _l("Links")),
    "imprint": (ImprintForm, _l("Imprint")),
    "mail": (MailTextsForm, _l("Mail texts")),
}


def fill(form: SettingsForm) -> None:
    """Show the current values (on GET: a submitted form keeps what was typed)."""
    for key in form.setting_keys():
        getattr(form, key).data = site.get(key)


def save_form(form: SettingsForm) -> bool:
    """Store the form's settings; a value the service refuses is shown at its field."""
    try:
        settings.save(current_user, {key: getattr(form, key).data for key in form.setting_keys()})
    except DomainError as error:
        populate_errors(form, error)
        return False
    return True


@bp.route("/settings", defaults={"section": "association"}, methods=["GET", "POST"], endpoint="settings")
@bp.route("/settings/<section>", methods=["GET", "POST"], endpoint="settings")
@policy.require(policy.can_change_settings)
def settings_page(section: str):
    if section not in SECTIONS:
        abort(404)
    form_class, title = SECTIONS[section]
    form = form_class()
    if form.validate_on_submit() and save_form(form):
        if section == "imprint":
            legal.write_imprint(current_user)
            flash(_("The settings are saved and the imprint is written from them."), "success")
        else:
            flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.settings", section=section))
    if not form.is_submitted():
        fill(form)
    previews = mail_texts.previews() if section == "mail" else {}
    return render_template("admin/settings.html", form=form, section=section, sections=SECTIONS, title=title,
                           previews=previews, mail_kind_titles=MAIL_INTRO_TITLES), 400 if form.errors else 200


def save_look(form: LookForm) -> bool:
    """Logo and colour; says so when the colour had to be darkened to stay readable."""
    try:
        if form.remove_logo.data:
            branding.remove_logo(current_user)
        elif form.logo.data and form.logo.data.filename:
            branding.set_logo(current_user, form.logo.data.stream)
        if form.accent_color.data:
            chosen = branding.set_accent(current_user, form.accent_color.data)
            if chosen != form.accent_color.data.lower():
                flash(_("%(colour)s is too light for readable links and buttons (WCAG AA needs a contrast of "
                        "4.5:1). We use %(chosen)s instead, a darker shade of it.", colour=form.accent_color.data,
                        chosen=chosen), "warning")
    except DomainError as error:
        populate_errors(form, error)
        return False
    return True


@bp.route("/settings/look", methods=["GET", "POST"])
@policy.require(policy.can_change_settings)
def look():
    form = LookForm()
    if form.validate_on_submit() and save_look(form):
        flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.look"))
    if not form.is_submitted():
        form.accent_color.data = site.get("accent_color")
    return render_template("admin/look.html", form=form, sections=SECTIONS, section="look",
                           logo=site.get("logo")), 400 if form.errors else 200


@bp.get("/settings/mail/preview")
@policy.require(policy.can_change_settings)
def mail_preview():
    """A system mail as its recipients get it, with the intro as saved."""
    kind, locale = request.args.get("kind", ""), request.args.get("locale", "")
    preview = mail_texts.preview(kind, locale)
    if preview is None:
        abort(404)
    return render_template("admin/mail_preview.html", preview=preview, sections=SECTIONS, section="mail",
                           mail_kind_titles=MAIL_INTRO_TITLES)
