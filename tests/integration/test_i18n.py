"""German first, English complete, chosen by device choice, account setting, then browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import ROOT, FormClient, text_of

CATALOGUES = ROOT / "app" / "translations"


def test_german_is_the_default(app):
    client = FormClient(app.test_client())
    page = text_of(client.get("/"))
    assert '<html lang="de">' in page
    assert "Anmelden" in page and "Registrieren" in page


def test_browser_language_is_honoured(app):
    client = FormClient(app.test_client())
    page = text_of(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert '<html lang="en">' in page and "Log in" in page
    page = text_of(client.get("/", headers={"Accept-Language": "fr, de;q=0.5"}))
    assert '<html lang="de">' in page


def test_language_switch_remembers_the_choice_on_this_device(client):
    response = client.get("/language/de?next=/events/")
    assert response.status_code == 302 and response.headers["Location"] == "/events/"
    assert '<html lang="de">' in text_of(client.get("/events/"))
    assert client.get("/language/xx").status_code == 404
    assert client.get("/language/en?next=//evil.example").headers["Location"] == "/"


def test_account_language_beats_the_browser(client, make_user):
    client.login(make_user(locale="de"))
    assert '<html lang="de">' in text_of(client.get("/account/"))


def _catalogue(locale):
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_catalogues_are_complete():
    for locale in ("de", "en"):
        catalogue = _catalogue(locale)
        untranslated = [m.id for m in catalogue if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
        fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
        assert not untranslated, f"{locale}: untranslated {untranslated[:10]}"
        assert not fuzzy, f"{locale}: fuzzy {fuzzy[:10]}"


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = str(Path(sys.executable).parent / "pybabel")
    # --ignore-dirs: babel skips folders starting with "_" by default, and templates/_macros holds strings too
    subprocess.run([pybabel, "extract", "-F", "babel.cfg", "--ignore-dirs=.* __pycache__",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    assert len(extracted) > 300, "the extraction found almost nothing: check babel.cfg"
    for locale in ("de", "en"):
        known = {m.id for m in _catalogue(locale) if m.id}
        missing = extracted - known
        assert not missing, f"{locale} lacks {len(missing)} strings (run `make translations`): {sorted(missing)[:10]}"


def test_placeholders_survive_translation():
    import re

    catalogue = _catalogue("de")
    for message in catalogue:
        if message.id and isinstance(message.id, str):
            assert sorted(re.findall(r"%\(\w+\)[sd]", message.id)) == sorted(
                re.findall(r"%\(\w+\)[sd]", message.string)), message.id


def test_mail_goes_out_in_the_account_language(client, make_user, mailbox):
    user = make_user(locale="de")
    client.submit("/auth/reset", {"email": user.email})
    assert "Passwort" in mailbox.wait_for(user.email)[-1]["Subject"]
