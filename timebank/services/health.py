"""Is the database there, and is its schema the one this code expects?"""

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from ..extensions import db


def schema_heads(migrations_dir) -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return set(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> set[str]:
    """The migrations applied to the database (raises OperationalError if it is unreachable)."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        return set(MigrationContext.configure(connection).get_current_heads())


def readiness(migrations_dir) -> dict:
    expected = schema_heads(migrations_dir)
    applied = database_revisions()
    return {"database": "reachable", "migrations_current": applied == expected,
            "expected": sorted(expected), "applied": sorted(applied)}
