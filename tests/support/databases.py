"""Fresh, migrated databases for tests, on SQLite or on the PostgreSQL of TEST_DATABASE_URL.

The schema is built once per test process by the real migrations (so the
triggers are there too) and copied for every test: a file copy on SQLite,
CREATE DATABASE … TEMPLATE on PostgreSQL. A PostgreSQL copy takes a few hundred
milliseconds, mostly waiting on the server's writes rather than using the CPU, so the
next copies are made ahead in a thread of their own while the tests run.
"""

import os
import shutil
import tempfile
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
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
    AHEAD = 2  # copies of the template kept ready for the next tests

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
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fresh-databases")
        self._ahead = deque(self._maker.submit(self._copy) for _ in range(self.AHEAD))

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
        made = self._ahead.popleft()
        self._ahead.append(self._maker.submit(self._copy))
        return made.result()

    def _copy(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        self._create(name, template=self.template)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self):
        while self._ahead:
            self.drop(self._ahead.popleft().result())
        self._maker.shutdown()
        self.drop(self._url(self.template))
        self.admin.dispose()


def databases():
    url = os.environ.get("TEST_DATABASE_URL")
    return PostgresDatabases(url) if url else SQLiteDatabases()
