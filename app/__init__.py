"""Application factory: `create_app(config)` reads as the list of steps that build the app."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from app import (
    cli,
    comment_html,
    errors,
    jobs,
    models,  # noqa: F401  (the whole schema, for Flask-Migrate)
    queue,
    storage,
    templating,
)
from app.auth.session import load_user
from app.database import configure_sqlite, include_in_migrations, render_migration_type
from app.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from app.i18n import select_locale, select_timezone
from app.loaders import IdConverter
from app.mail.sending import queued_ids
from app.security import register_input_checks, register_security_headers
from app.services import push, search_index
from config import INSTANCE_DIR, Config, config_from_env


def create_app(config: type[Config] | Mapping | None = None) -> Flask:
    """Build the app from a config class, or from the environment's class plus overrides."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    config_class = config if isinstance(config, type) else config_from_env()
    app.config.from_object(config_class)
    if isinstance(config, Mapping):
        app.config.update(config)
    config_class.check(app.config)

    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1)

    configure_logging(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added: every <int:id> is bounded
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    queue.configure(app)
    storage.configure(app)
    search_index.register()
    push.register()
    register_cli(app)
    return app


def configure_logging(app: Flask) -> None:
    logging.getLogger("alumni.security").setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_extensions(app: Flask) -> None:
    configure_database_timeouts(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, compare_type=True, render_item=render_migration_type,
                     include_object=include_in_migrations)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    configure_redis(app)
    limiter.init_app(app)
    app.config.setdefault("CACHE_KEY_PREFIX", "alumni:")
    cache.init_app(app)

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.refresh_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message = _l("Please log in again to confirm it is you.")
    login_manager.needs_refresh_message_category = "info"

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)


# Feature blueprints: (package, URL prefix, view modules). Each package holds its `bp`; importing a
# view module attaches its routes to it. No blueprint imports another.
BLUEPRINTS = (
    ("feed", None, ("routes", "comments")),
    ("main", None, ("routes", "brand")),
    ("moderation", "/moderation", ("routes", "threads", "people", "words")),
    ("auth", "/auth", ("routes",)),
    ("account", "/account", ("routes",)),
    ("members", "/members", ("routes", "directory", "documents", "invitations")),
    ("events", "/events", ("routes", "signups")),
    ("admin", "/admin", ("routes", "settings", "setup")),
    ("notifications", "/notifications", ("routes", "push")),
    ("search", "/search", ("routes",)),
    ("files", "/files", ("routes",)),
    ("people", "/people", ("routes",)),
    ("organizer", "/organizer", ("routes",)),
    ("ideas", "/ideas", ("routes",)),
    ("polls", None, ("routes",)),
    ("opportunities", "/jobs", ("routes",)),
    ("webapp", None, ("routes", "saving")),
)


def configure_redis(app: Flask) -> None:
    """Rate limits and the page cache in Redis when REDIS_URL is set, in memory otherwise. Redis down must not
    take the site down: limits fall back to per-process memory (a warning is logged), the page cache is
    skipped (app.caching), and nothing waits longer than REDIS_TIMEOUT."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    if not app.config["REDIS_URL"]:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
        return
    seconds = app.config["REDIS_TIMEOUT"]
    timeouts = {"socket_connect_timeout": seconds, "socket_timeout": seconds}
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", timeouts)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("CACHE_TYPE", "RedisCache")
    app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault("CACHE_OPTIONS", timeouts)


def configure_database_timeouts(app: Flask) -> None:
    """PostgreSQL that hangs instead of refusing gives a 503 within seconds: connect and statement timeouts,
    TCP keepalives, a bounded wait for a pooled connection, and pre-ping to recover without a restart."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})  # pool_pre_ping comes from Config
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("pool_timeout", app.config["DATABASE_CONNECT_TIMEOUT"])
        options.setdefault("connect_args", {
            "connect_timeout": app.config["DATABASE_CONNECT_TIMEOUT"],
            "options": f"-c statement_timeout={app.config['DATABASE_STATEMENT_TIMEOUT_MS']}",
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def register_blueprints(app: Flask) -> None:
    for package, prefix, view_modules in BLUEPRINTS:
        for module in view_modules:
            import_module(f"app.{package}.{module}")
        app.register_blueprint(import_module(f"app.{package}").bp, url_prefix=prefix)


def register_request_hooks(app: Flask) -> None:
    """One transaction per request: commit once at the end, then send the mail it queued."""
    @app.after_request
    def commit_request(response):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return response
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except (OperationalError, InterfaceError):  # the connection went away mid-request: nothing was stored
            return app.make_response(errors.database_unavailable_response())
        for callback in g.pop("after_commit", []):
            callback()
        ids = queued_ids()
        if ids:
            jobs.enqueue_mail(ids)  # a web request never talks to SMTP: the worker sends it
        if push.push_due(db.session()):
            jobs.enqueue_push()  # nor to a push service
        return response

    register_input_checks(app)
    register_security_headers(app)


def register_errorhandlers(app: Flask) -> None:
    errors.register(app)


def register_template_helpers(app: Flask) -> None:
    templating.register(app)
    comment_html.configure(app)


def register_cli(app: Flask) -> None:
    cli.register(app)
