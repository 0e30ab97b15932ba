"""The schema comes only from the migrations, and they match the models, on this test database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.database import render_migration_type
from app.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_item": render_migration_type})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ (write a migration): {differences}"


def test_migrations_run_down_and_up_again(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="base")
        upgrade()
        assert "users" in db.inspect(db.engine).get_table_names()
