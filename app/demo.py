"""Demo content for a fresh installation: one account per role and the site pages."""

from __future__ import annotations

from app.models.user import Role
from app.services import accounts
from app.services.pages import save_page

DEMO_ACCOUNTS = (
    ("admin@demo.alumni-commons.org", "Ada Admin", Role.ADMIN),
    ("volunteer@demo.alumni-commons.org", "Vera Volunteer", Role.VOLUNTEER),
    ("member@demo.alumni-commons.org", "Max Member", Role.MEMBER),
    ("alumnus@demo.alumni-commons.org", "Alex Alumnus", Role.ALUMNUS),
)

PAGES = {
    ("imprint", "de"): ("Impressum", "**Alumni Commons e. V.**\n\nMusterstraße 1, 12345 Musterstadt\n\n"
                        "Vertreten durch den Vorstand. Diese Angaben bitte unter *Verwaltung → Seiten* anpassen."),
    ("imprint", "en"): ("Imprint", "**Alumni Commons e. V.**\n\nMusterstraße 1, 12345 Musterstadt\n\n"
                        "Represented by the board. Please edit this text under *Administration → Pages*."),
    ("privacy", "de"): ("Datenschutzerklärung",
                        "Wir speichern nur, was für dein Konto nötig ist: E-Mail-Adresse, Anzeigename und "
                        "ein gehashtes Passwort. Es werden keine Inhalte von Drittanbietern geladen und "
                        "keine Tracking-Cookies gesetzt."),
    ("privacy", "en"): ("Privacy policy",
                        "We keep only what your account needs: email address, display name and a hashed "
                        "password. No third-party content is loaded and no tracking cookies are set."),
    ("guidelines", "de"): ("Community-Richtlinien",
                           "- Sei freundlich und respektvoll.\n- Bleib beim Thema.\n"
                           "- Keine Werbung, keine persönlichen Daten anderer."),
    ("guidelines", "en"): ("Community guidelines",
                           "- Be kind and respectful.\n- Stay on topic.\n"
                           "- No advertising, no personal data of others."),
}


def seed(password: str) -> None:
    """Create the demo accounts (all with `password`) and the site pages."""
    for email, name, role in DEMO_ACCOUNTS:
        accounts.create_account(email, name, password, role=role, verified=True)
    for (slug, locale), (title, body) in PAGES.items():
        save_page(slug, locale, title, body, None)
