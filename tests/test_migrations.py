"""One Alembic history creates the whole schema, has one head and matches the models."""

import datetime as dt
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tests.support.factories import make_member, post_exchange
from timebank import create_app
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Bank
from timebank.models._types import utcnow
from timebank.models.triggers import trigger_names
from timebank.reports.summaries import month_index
from timebank.services import banks, ledger
from timebank.services.verification import installed_triggers


def migrated_app(url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    return app


@contextmanager
def one_bank_at(test_databases, revision):
    """An empty database migrated to `revision` with one bank in it: the bank's id, inside
    the app's context; the database dropped afterwards."""
    url = test_databases.empty_url()
    try:
        app = migrated_app(url)
        with app.app_context():
            upgrade(revision=revision)
            bank_id = banks.create_bank(slug="old", name="Old", now=utcnow()).id
            db.session.commit()
            db.session.remove()
            yield bank_id
            db.session.remove()
            db.engine.dispose()
    finally:
        test_databases.drop(url)


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


def a_window_with_a_balance(conn, bank_id) -> int:
    """A report window kept by an older revision, with one balance row; its id."""
    conn.execute(sa.text(
        "INSERT INTO report_windows (bank_id, date_from, date_to, layout, last_seq, "
        "created_at) VALUES (:b, '2026-01-01', '2026-02-01', '{}', 0, "
        "'2026-02-02 00:00:00')"), {"b": bank_id})
    window_id = conn.execute(sa.text("SELECT id FROM report_windows")).scalar()
    conn.execute(sa.text("INSERT INTO report_window_balances VALUES (:w, 1, 5)"),
                 {"w": window_id})
    return window_id


def test_0013_retires_the_windows_kept_without_their_edges_sums(test_databases):
    with one_bank_at(test_databases, "0012") as bank_id:
        with db.engine.begin() as conn:
            a_window_with_a_balance(conn, bank_id)
        upgrade()
        with db.engine.connect() as conn:
            for table in ("report_windows", "report_window_balances", "report_window_sums"):
                assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
            assert conn.execute(sa.text("SELECT COUNT(*) FROM banks")).scalar() == 1


def test_0014_records_each_asked_query_once_and_downgrades_to_0013(test_databases):
    asked = ("INSERT INTO report_asked (bank_id, kind, protected, date_from, date_to, asked_at) "
             "VALUES (:b, 'report', :p, '2026-01-01', '2026-02-01', '2026-02-02 00:00:00')")
    with one_bank_at(test_databases, "0013") as bank_id:
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(sa.text(asked), {"b": bank_id, "p": True})
            conn.execute(sa.text(asked), {"b": bank_id, "p": False})
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text(asked), {"b": bank_id, "p": True})
        downgrade(revision="0013")
        assert "report_asked" not in sa.inspect(db.engine).get_table_names()
        assert "report_window_sums" in sa.inspect(db.engine).get_table_names()


def test_0015_fills_the_balance_months_from_the_transfers_and_downgrades_to_0014(
        test_databases):
    with one_bank_at(test_databases, "0014") as bank_id:
        bank = db.session.get(Bank, bank_id)
        ann, bob = make_member(bank), make_member(bank)
        pool = banks.pool_account(bank_id).id
        post_exchange(bank, ann, bob, 90, occurred_on=dt.date(2026, 1, 31))
        post_exchange(bank, bob, ann, 30, occurred_on=dt.date(2026, 2, 1))
        ledger.post(bank_id, Posting(kind=EntryKind.DONATION, occurred_on=dt.date(2026, 2, 10),
                                     transfers=(Transfer(ann.account.id, pool, 60),)),
                    now=utcnow())
        grant = ledger.post(bank_id, Posting(kind=EntryKind.GRANT, occurred_on=dt.date(2026, 2, 9),
                                             transfers=(Transfer(pool, bob.account.id, 45),)),
                            now=utcnow())
        ledger.reverse(bank_id, grant.id, reason="Granted twice", now=utcnow())
        accounts = {"ann": ann.account.id, "bob": bob.account.id, "pool": pool}
        db.session.remove()
        upgrade()
        with db.engine.begin() as conn:
            rows = {(ym, account): moved for ym, account, moved in conn.execute(sa.text(
                "SELECT ym, account_id, moved FROM report_balance_months WHERE bank_id = :b"),
                {"b": bank_id})}
            reversed_on = conn.execute(sa.text(
                "SELECT MAX(occurred_on) FROM transfers WHERE bank_id = :b"),
                {"b": bank_id}).scalar()
        january, february = month_index(dt.date(2026, 1, 1)), month_index(dt.date(2026, 2, 1))
        expected = {(january, accounts["ann"]): 90, (january, accounts["bob"]): -90,
                    (february, accounts["ann"]): -30 - 60, (february, accounts["bob"]): 30 + 45,
                    (february, accounts["pool"]): 60 - 45}
        ym = month_index(dt.date.fromisoformat(str(reversed_on)[:10]))
        for account, moved in (("bob", -45), ("pool", 45)):
            expected[(ym, accounts[account])] = expected.get((ym, accounts[account]), 0) + moved
        assert rows == expected
        downgrade(revision="0014")
        assert "report_balance_months" not in sa.inspect(db.engine).get_table_names()
        assert "report_asked" in sa.inspect(db.engine).get_table_names()


def test_0016_retires_the_windows_kept_without_their_cells_and_downgrades_to_0015(
        test_databases):
    with one_bank_at(test_databases, "0015") as bank_id:
        with db.engine.begin() as conn:
            window_id = a_window_with_a_balance(conn, bank_id)
            conn.execute(sa.text("INSERT INTO report_window_sums VALUES "
                                 "(:w, '2026-01-05', 0, 0, '', 60, 1, 7)"), {"w": window_id})
        upgrade()
        with db.engine.connect() as conn:
            for table in ("report_windows", "report_window_balances", "report_window_sums",
                          "report_window_cells"):
                assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
            assert conn.execute(sa.text("SELECT COUNT(*) FROM banks")).scalar() == 1
        downgrade(revision="0015")
        tables = sa.inspect(db.engine).get_table_names()
        assert "report_window_cells" not in tables and "report_window_sums" in tables
