"""Which language a page is shown in: this device's explicit choice, then the account's setting,
then the browser's Accept-Language, then German."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LOCALE_COOKIE = "lang"
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():  # command line, mail from cron: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = supported_locales()
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in supported:
        return chosen
    # On the "database unavailable" page, loading the user would fail again.
    user = None if g.get("database_unavailable") else current_user
    if user is not None and user.is_authenticated and user.locale in supported:
        return user.locale
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Names shown for stored values, in the viewer's language.
ROLE_LABELS = {
    "alumnus": _l("Alumnus"),
    "member": _l("Member"),
    "volunteer": _l("Volunteer"),
    "admin": _l("Admin"),
}
PAGE_TITLES = {
    "imprint": _l("Imprint"),
    "privacy": _l("Privacy policy"),
    "guidelines": _l("Community guidelines"),
}
