"""Fresh, migrated databases for tests, on SQLite or on the PostgreSQL of TEST_DATABASE_URL.

The schema is built once per test process by the real migrations (so the
triggers are there too) and copied for every test: a file copy on SQLite,
CREATE DATABASE … TEMPLATE on PostgreSQL.
"""

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from timebank import create_app


def engine_name() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        from timebank.extensions import db

        db.engine.dispose()


class SQLiteDatabases:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="timebank-tests-"))
        self.template = self.folder / "template.db"
        migrate(f"sqlite:///{self.template}")
        with sa.create_engine(f"sqlite:///{self.template}").connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")

    def empty_url(self) -> str:
        return f"sqlite:///{self.folder / (uuid.uuid4().hex + '-empty.db')}"

    def fresh(self) -> str:
        path = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = Path(make_url(url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresDatabases:
    def __init__(self, base_url: str):
        self.base = make_url(base_url)
        if self.base.drivername in {"postgresql", "postgres"}:
            self.base = self.base.set(drivername="postgresql+psycopg")
        self.admin = sa.create_engine(self.base, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"tb_{worker}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_template"
        self._create(self.template)
        migrate(self._url(self.template))

    def _url(self, name):
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _create(self, name, template=None):
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            suffix = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')

    def empty_url(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        self._create(name)
        return self._url(name)

    def fresh(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        self._create(name, template=self.template)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self):
        self.drop(self._url(self.template))
        self.admin.dispose()


def databases():
    url = os.environ.get("TEST_DATABASE_URL")
    return PostgresDatabases(url) if url else SQLiteDatabases()
