"""Invariants I5 and I6: the database refuses changes; tampering is detected and named."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.support.factories import make_bank, make_member, post_exchange
from tests.support.tampering import run_sql, triggers_lifted
from timebank.cli import verify_ledger
from timebank.extensions import db
from timebank.services import verification


@pytest.fixture
def journal(app):
    bank = make_bank(slug="riverside")
    ann, bob = make_member(bank), make_member(bank)
    for minutes in (30, 45, 60):
        post_exchange(bank, ann, bob, minutes)
    db.session.rollback()
    return bank


def snapshot():
    with db.engine.connect() as conn:
        return (conn.execute(text("SELECT id, seq, hash, description FROM journal_entries "
                                  "ORDER BY id")).all(),
                conn.execute(text("SELECT id, minutes FROM transfers ORDER BY id")).all())


REFUSED = [
    "UPDATE transfers SET minutes = 1",
    "DELETE FROM transfers",
    "UPDATE journal_entries SET hash = 'changed'",
    "UPDATE journal_entries SET description = 'changed', occurred_on = '2020-01-01'",
    "UPDATE journal_entries SET kind = 'grant'",
    "DELETE FROM journal_entries WHERE seq = 3",
    "UPDATE audit_events SET action = 'changed'",
    "UPDATE audit_events SET reason = 'changed', target_type = 'changed'",
    "UPDATE audit_events SET details = NULL, seq = seq + 100",
    "UPDATE audit_events SET reason = 'changed', target_id = NULL",
    "DELETE FROM audit_events",
]


def test_the_database_refuses_to_change_posted_rows(journal, dialect):
    statements = REFUSED + (["TRUNCATE transfers, journal_entries CASCADE"]
                            if dialect == "postgresql" else [])
    before = snapshot()
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            run_sql(sql)
    assert snapshot() == before


def test_free_text_alone_may_be_redacted_and_the_chain_still_verifies(journal, runner):
    run_sql("UPDATE journal_entries SET description = '[erased]'")
    run_sql("UPDATE audit_events SET reason = '[erased]'")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT DISTINCT description FROM journal_entries")).all() == [
            ("[erased]",)]
    assert runner.invoke(verify_ledger, []).exit_code == 0


def tamper_with_second_entry():
    """Change what entry #2 moved, and the counters with it, so that only the chain can tell."""
    run_sql("UPDATE transfers SET minutes = minutes + 15 WHERE entry_id = "
            "(SELECT id FROM journal_entries WHERE seq = 2)")
    run_sql("UPDATE accounts SET credits_posted = credits_posted + 15 WHERE id = "
            "(SELECT credit_account_id FROM transfers t JOIN journal_entries e ON e.id = t.entry_id "
            "WHERE e.seq = 2)")
    run_sql("UPDATE accounts SET debits_posted = debits_posted + 15 WHERE id = "
            "(SELECT debit_account_id FROM transfers t JOIN journal_entries e ON e.id = t.entry_id "
            "WHERE e.seq = 2)")


def test_the_audit_log_free_text_alone_can_be_changed(journal):
    run_sql("UPDATE audit_events SET reason = 'redacted', details = '{}'")
    assert verification.verify().ok


def test_tampering_after_dropping_the_triggers_is_named_by_ledger_verify(journal, runner):
    assert runner.invoke(verify_ledger, []).exit_code == 0
    with triggers_lifted():
        tamper_with_second_entry()
        result = runner.invoke(verify_ledger, [])
    assert result.exit_code == 1
    assert "FAIL I5 append-only" in result.output
    assert "FAIL I6 hash chain: Bank riverside entry #2 does not match its hash" in result.output


def test_tampering_hidden_by_restoring_the_triggers_is_still_the_first_failure(journal, runner):
    with triggers_lifted():
        tamper_with_second_entry()
    result = runner.invoke(verify_ledger, ["--bank", "riverside"])
    assert result.exit_code == 1
    assert ("Ledger verification failed: I6 hash chain: Bank riverside entry #2 does not match "
            "its hash") in result.output
    report = verification.verify()
    assert [c.name for c in report.checks if not c.ok] == ["I6 hash chain"]


def test_a_deleted_last_entry_is_detected_by_the_head(journal, runner):
    with triggers_lifted():
        run_sql("DELETE FROM transfers WHERE entry_id = "
                "(SELECT id FROM journal_entries WHERE seq = 3)")
        run_sql("DELETE FROM journal_entries WHERE seq = 3")
        run_sql("UPDATE accounts SET credits_posted = 75 WHERE credits_posted = 135")
        run_sql("UPDATE accounts SET debits_posted = 75 WHERE debits_posted = 135")
    report = verification.verify()
    assert report.first_failure.name == "I6 hash chain"
    assert "ends at entry #2 but its head records entry #3" in report.first_failure.detail


def test_drifted_counters_are_named(journal):
    run_sql("UPDATE accounts SET credits_posted = credits_posted + 1, "
            "debits_posted = debits_posted + 1 WHERE member_id IS NOT NULL AND credits_posted > 0")
    report = verification.verify()
    assert report.first_failure.name == "I3 no drift"
    assert "stored debits/credits 1/136 but transfers sum to 0/135" in report.first_failure.detail


def test_upgrading_hashes_existing_chains_again_without_their_descriptions(journal, runner):
    downgrade(revision="0002")
    assert runner.invoke(verify_ledger, []).exit_code == 1
    upgrade()
    result = runner.invoke(verify_ledger, [])
    assert result.exit_code == 0, result.output
