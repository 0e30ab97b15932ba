"""The editable intro paragraph of system mails (welcome, invitation, membership accepted, event sign-up):
written per language in Markdown by admins, sanitized like every text, sent as plain text."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale, get_locale

from app import site
from app.content import plain_text, render_markdown
from app.models.types import utcnow

TEMPLATES = {  # the kind an admin edits -> the mail it belongs to
    "welcome": "verify_email",
    "invitation": "membership_invitation",
    "membership_accepted": "membership_approved",
    "event_confirmation": "event_signup",
}


def intro(kind: str) -> str:
    """The intro of this mail in the language it is being written in, as plain text ("" when none)."""
    source = site.localized(f"mail_intro_{kind}", str(get_locale()))
    return plain_text(render_markdown(source)).strip() if source else ""


def _sample_context() -> dict:
    """Made-up people and an event, for previews only (nothing is stored)."""
    person = SimpleNamespace(display_name="Erika Mustermann", email="erika@example.org")
    starts = utcnow() + timedelta(days=14)
    event = SimpleNamespace(title="Sommerfest", starts_at=starts, place="Gemeindehaus, Hauptstraße 1",
                            online_url="", timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return {
        "user": person, "url": "https://example.org/…", "cancel_url": "https://example.org/…",
        "invitation": SimpleNamespace(name="Erika Mustermann"), "inviter": "Max Mustermann", "reason": "",
        "event": event, "signup": SimpleNamespace(is_confirmed=True, guests=0), "position": 1,
    }


def preview(kind: str, locale: str) -> dict | None:
    """Subject and text of the mail as it would go out now, or None for an unknown kind or language."""
    if kind not in TEMPLATES or locale not in current_app.config["LANGUAGES"]:
        return None
    with force_locale(locale):
        text = render_template(f"email/{TEMPLATES[kind]}.txt", site_name=site.get("site_name"),
                               **_sample_context())
    subject, _, body = text.strip().partition("\n")
    return {"kind": kind, "locale": locale, "subject": subject.strip(), "body": body.strip()}


def previews() -> list[tuple[str, str]]:
    """(kind, locale) of every preview, for the links on the settings page."""
    return [(kind, locale) for kind in TEMPLATES for locale in current_app.config["LANGUAGES"]]
