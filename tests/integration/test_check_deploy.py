"""`flask check-deploy` names what is unsafe or missing, and passes an installation set up as the README says."""

from __future__ import annotations

from app import create_app
from app.extensions import db
from app.services.pages import save_page
from config import ProductionConfig


def test_a_development_setup_is_told_what_to_fix(app):
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 1
    for finding in ("APP_ENV is 'testing'", "SITE_URL is not an https:// address", "These pages are empty",
                    "imprint/de", "privacy/en", "REDIS_URL is not set"):
        assert finding in result.output, finding


def test_a_production_setup_passes_with_warnings_only(app, database_url):
    class Production(ProductionConfig):
        SECRET_KEY = "p" * 64
        SITE_URL = "https://alumni.example.org"
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_SERVER = "smtp.example.org"
        RATELIMIT_ENABLED = False  # the limiter object is shared with the suite's app
        PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

    production = create_app(Production)
    with production.test_request_context():
        for slug in ("imprint", "privacy"):
            for locale in ("de", "en"):
                save_page(slug, locale, slug.title(), f"Verein e. V., {slug}", None)
        db.session.commit()
    result = production.test_cli_runner().invoke(args=["check-deploy"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output and "ERROR" not in result.output
    assert "Uploads are stored on this host's disk" in result.output  # one host only: a warning
