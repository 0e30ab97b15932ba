from __future__ import annotations

import pytest

from app.services.errors import DomainError
from app.services.passwords import check_password_rules, hash_password, password_matches


@pytest.mark.parametrize("password", ["short", "x" * 129, "password1234", "qwertyuiop", "aaaaaaaaaaaa",
                                      "abababababab"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(DomainError):
        check_password_rules(password)


@pytest.mark.parametrize("password", ["correct horse battery staple", "Ünïcödé-Pässwörter sind ok", "Long passphrase " * 8])
def test_reasonable_passwords_pass(password):
    check_password_rules(password)


@pytest.mark.parametrize("password", ["passwort123", "Passwort2024!", "ichliebedich", "schalke04!!", "hallo12345",
                                      "qwertz1234", "motdepasse1", "wachtwoord1", "contraseña1", "fussball2000",
                                      "Schatzi12345"])
def test_common_german_and_european_passwords_are_refused(password):
    with pytest.raises(DomainError, match="too common"):
        check_password_rules(password)


@pytest.mark.parametrize("password", ["Hallo Welt und Sterne", "mein-verein-ist-toll", "Fahrradkeller2024"])
def test_a_common_word_inside_a_longer_phrase_is_fine(password):
    check_password_rules(password)


def test_hash_is_scrypt_and_verifies():
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("scrypt:")
    assert password_matches(hashed, "correct horse battery staple")
    assert not password_matches(hashed, "correct horse battery stapler")
    assert not password_matches(None, "anything at all")
