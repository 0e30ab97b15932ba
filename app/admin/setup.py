"""The first-run setup: a few steps that make a fresh install the association's own site (Discourse's
wizard): name and description, logo and colour, who may join, imprint, privacy policy, guidelines. Every step
can be skipped and changed later under Settings; the first admin login lands here until it is finished."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import policy, site
from app.admin import bp
from app.admin.settings import fill, save_form, save_look
from app.admin.settings_forms import AccessForm, AssociationForm, GuidelinesForm, ImprintForm, LookForm, PrivacyForm
from app.content import render_markdown
from app.forms import ConfirmForm
from app.services import legal, privacy
from app.services import setup as site_setup

STEPS = {  # step -> (title, form)
    "association": (_l("Your association"), AssociationForm),
    "look": (_l("Logo and colour"), LookForm),
    "access": (_l("Who may join"), AccessForm),
    "imprint": (_l("Imprint"), ImprintForm),
    "privacy": (_l("Privacy policy"), PrivacyForm),
    "guidelines": (_l("Community guidelines"), GuidelinesForm),
}
ORDER = list(STEPS)


def _next(step: str):
    position = ORDER.index(step)
    if position + 1 < len(ORDER):
        return redirect(url_for("admin.setup_step", step=ORDER[position + 1]))
    site_setup.finish(current_user)
    flash(_("Your site is set up. Everything can be changed later under Administration → Settings."), "success")
    return redirect(url_for("feed.index"))


def _save(step: str, form) -> bool:
    if step == "look":
        return save_look(form)
    if step == "privacy":
        legal.publish_privacy(current_user)
        return True
    if step == "guidelines":
        legal.publish_guidelines(current_user, {"de": form.text_de.data, "en": form.text_en.data})
        return True
    if not save_form(form):
        return False
    if step == "imprint":
        legal.write_imprint(current_user)
    return True


@bp.get("/setup")
@policy.require(policy.can_change_settings)
def setup():
    return redirect(url_for("admin.setup_step", step=ORDER[0]))


@bp.route("/setup/<step>", methods=["GET", "POST"])
@policy.require(policy.can_change_settings)
def setup_step(step: str):
    if step not in STEPS:
        abort(404)
    title, form_class = STEPS[step]
    form = form_class()
    if request.method == "POST" and "skip" in request.form:
        if ConfirmForm().validate_on_submit():  # nothing is stored, but only from our own form
            return _next(step)
        abort(400)
    if form.validate_on_submit() and _save(step, form):
        return _next(step)
    if not form.is_submitted():
        _fill(step, form)
    extra = {}
    if step == "privacy":
        extra["policy_html"] = render_markdown(privacy.generated_policy(str(site.get("default_locale"))))
    if step == "look":
        extra["logo"] = site.get("logo")
    return render_template("admin/setup.html", form=form, step=step, title=title, steps=STEPS, order=ORDER,
                           position=ORDER.index(step) + 1, wizard=True, **extra), 400 if form.errors else 200


def _fill(step: str, form) -> None:
    if step == "look":
        form.accent_color.data = site.get("accent_color")
    elif step == "guidelines":
        form.text_de.data, form.text_en.data = legal.current_guidelines("de"), legal.current_guidelines("en")
    elif hasattr(form, "setting_keys"):
        fill(form)

