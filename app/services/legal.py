"""The legal pages an association needs before it goes public: the imprint written from its facts (§ 5 DDG),
the privacy policy generated from the data inventory, and community guidelines that start from a sensible
default against hate speech. Each is an ordinary page afterwards, edited under Administration → Pages."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import site
from app.i18n import PAGE_TITLES
from app.models.user import User
from app.services import pages, privacy

IMPRINT_LABELS = {  # field -> its heading in the imprint (translated when the page is written)
    "imprint_represented_by": _l("Represented by"),
    "imprint_register": _l("Register entry"),
    "imprint_vat_id": _l("VAT identification number"),
    "imprint_responsible": _l("Responsible for the content (§ 18 (2) MStV)"),
}
GUIDELINES_DIR = Path(__file__).resolve().parent.parent / "data" / "guidelines"


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def imprint_markdown(locale: str) -> str:
    """The imprint in `locale` from the stored facts: who runs the site, how to reach them, their register."""
    facts = {key: site.get(key) for key in site.IMPRINT_FIELDS}
    with force_locale(locale):
        lines = [_("## Information according to § 5 DDG"), ""]
        lines += _paragraph(facts["imprint_organisation"] or site.get("site_name"))
        lines += ["", *_paragraph(facts["imprint_address"])]
        lines += ["", _("## Contact"), ""]
        if site.get("contact_email"):
            lines.append(_("Email: %(address)s", address=site.get("contact_email")) + "  ")
        if facts["imprint_phone"]:
            lines.append(_("Phone: %(number)s", number=facts["imprint_phone"]))
        for key, label in IMPRINT_LABELS.items():
            if facts[key]:
                lines += ["", f"## {label}", "", *_paragraph(facts[key])]
    return "\n".join(lines).strip() + "\n"


def _paragraph(text: str) -> list[str]:
    """Lines typed into a box, kept as lines (Markdown joins them otherwise)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line + "  " for line in lines[:-1]] + lines[-1:]


def write_imprint(actor: User | None) -> None:
    for locale in languages():
        with force_locale(locale):
            title = str(PAGE_TITLES["imprint"])
        pages.save_page("imprint", locale, title, imprint_markdown(locale), actor)


def publish_privacy(actor: User | None) -> None:
    """Publish the generated privacy policy in every language (it names the association from the imprint)."""
    for locale in languages():
        with force_locale(locale):
            title = str(PAGE_TITLES["privacy"])
        pages.save_page("privacy", locale, title, privacy.generated_policy(locale), actor)


def default_guidelines(locale: str) -> str:
    name = locale if locale in ("de", "en") else "en"
    return (GUIDELINES_DIR / f"{name}.md").read_text(encoding="utf-8")


def current_guidelines(locale: str) -> str:
    """The guidelines as published in `locale`, else the default text to start from."""
    page = pages.page_in("guidelines", locale)
    return page.body_source if page and page.body_source.strip() else default_guidelines(locale)


def publish_guidelines(actor: User | None, texts: dict[str, str]) -> None:
    """Publish the guidelines per language (an empty text: the default)."""
    for locale in languages():
        with force_locale(locale):
            title = str(PAGE_TITLES["guidelines"])
        pages.save_page("guidelines", locale, title, texts.get(locale) or default_guidelines(locale), actor)
