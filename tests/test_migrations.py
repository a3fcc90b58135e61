"""One Alembic history creates the whole schema, has one head and matches the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from timebank import create_app
from timebank.extensions import db
from timebank.models.triggers import trigger_names
from timebank.services.verification import installed_triggers


def migrated_app(url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    return app


def test_the_history_has_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_from_an_empty_database_creates_everything(test_databases):
    url = test_databases.empty_url()
    try:
        app = migrated_app(url)
        with app.app_context():
            assert sa.inspect(db.engine).get_table_names() == []
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) <= tables
            assert trigger_names(db.engine.dialect.name) <= installed_triggers()
            db.session.remove()
            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert set(db.metadata.tables) <= set(sa.inspect(db.engine).get_table_names())
            db.engine.dispose()
    finally:
        test_databases.drop(url)


def test_the_models_match_the_migrations(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
