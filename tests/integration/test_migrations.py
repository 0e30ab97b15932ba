"""The schema comes only from the migrations, and they match the models, on this test database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.database import include_in_migrations, render_migration_type
from app.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_item": render_migration_type,
                              "include_object": include_in_migrations})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ (write a migration): {differences}"


def test_migrations_run_down_and_up_again(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="base")
        upgrade()
        assert "users" in db.inspect(db.engine).get_table_names()


def test_upgrading_an_existing_sqlite_database_keeps_its_rows(tmp_path, smtp_server):
    """Migrations that rebuild tables (SQLite batch mode) must not cascade-delete what points at them."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    controller, _ = smtp_server
    application = make_app(f"sqlite:///{tmp_path / 'old.db'}", controller.port)
    with application.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, role, session_version, "
                              "created_at) VALUES (1, 'a@example.org', 'A', 'x', 'member', 1, '2026-01-01')"))
            conn.execute(text("INSERT INTO posts (id, kind, title, body_source, body_html, excerpt, visibility, "
                              "public_teaser, status, pinned, locked, author_id, created_at, last_activity_at, "
                              "comment_count, like_count) VALUES (1, 'discussion', 'T', 'b', '<p>b</p>', 'b', "
                              "'public', 0, 'published', 0, 0, 1, '2026-01-01', '2026-01-01', 1, 0)"))
            conn.execute(text("INSERT INTO comments (id, post_id, author_id, body_source, body_html, status, "
                              "created_at, like_count, path, depth) VALUES (1, 1, 1, 'c', '<p>c</p>', 'published', "
                              "'2026-01-01', 0, '0000000001', 0)"))
        upgrade()
        with db.engine.connect() as conn:
            counts = [conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in  # noqa: S608
                      ("users", "posts", "comments")]
            handle = conn.execute(text("SELECT handle FROM users")).scalar()
            foreign_keys = conn.execute(text("PRAGMA foreign_keys")).scalar()
        db.engine.dispose()
    assert counts == [1, 1, 1]
    assert handle == "user1"
    assert foreign_keys == 1  # the app's connections still enforce foreign keys
