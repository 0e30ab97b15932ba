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


def test_a_bucket_that_does_not_answer_is_an_error_one_that_does_is_fine(app, database_url, smtp_server, object_store):
    from tests.conftest import free_port, make_app

    dead = make_app(database_url, smtp_server[0].port, STORAGE_URL="s3://alumni-files", STORAGE_TIMEOUT=1.0,
                    STORAGE_S3_ENDPOINT=f"http://127.0.0.1:{free_port()}", STORAGE_S3_ACCESS_KEY="x",
                    STORAGE_S3_SECRET_KEY="y")
    result = dead.test_cli_runner().invoke(args=["check-deploy"])
    assert "ERROR    The file store (s3://alumni-files) does not answer" in result.output
    shared = make_app(database_url, smtp_server[0].port, **object_store.settings("check-deploy"))
    result = shared.test_cli_runner().invoke(args=["check-deploy"])
    assert "file store" not in result.output and "Uploads are stored on this host's disk" not in result.output
