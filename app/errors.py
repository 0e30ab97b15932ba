"""Error pages in the site's layout, for every status a visitor can meet. Never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db, login_manager
from app.security import log_security_event
from app.storage import StorageUnavailable

log = logging.getLogger(__name__)

def _wants_json() -> bool:
    return request.path.startswith("/healthz") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, description: str | None = None):
    if _wants_json():
        return jsonify(error=status), status
    return render_template("errors/error.html", status=status, description=description), status


def database_unavailable_response():
    """The 503 page, for a database that went away (also mid-request, at the commit)."""
    _without_database()
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection may already be gone)
        log.debug("rollback after database error failed", exc_info=True)
    return render_error(503)


def _without_database() -> None:
    """Render the error page as for a visitor: loading the user would need the database again."""
    g.database_unavailable = True
    g._login_user = login_manager.anonymous_user()


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 403:
            log_security_event("access.denied", path=request.path)
        if status == 429:
            log_security_event("rate_limited", path=request.path, limit=exc.description)
        return render_error(status)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        log_security_event("csrf.failed", path=request.path, reason=exc.description)
        return render_error(400, "csrf")

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc):
        log.error("database error on %s: %s", request.path, exc.__class__.__name__)
        return database_unavailable_response()

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(exc):
        log.error("file store unavailable on %s: %s", request.path, exc)
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected_error(_exc: Exception):
        log.exception("unhandled error on %s", request.path)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            _without_database()
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        return unexpected_error(exc)
