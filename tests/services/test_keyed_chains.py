"""Tamper evidence that doesn't depend on the database: keyed chains, rotation, checkpoints,
and what else `ledger verify` compares (exchanges, credit limits, the audit log)."""

import hashlib
import json

import pytest
from flask_migrate import downgrade, upgrade

from config import load_config
from tests.support.factories import NOW, make_bank, make_member, post_exchange
from tests.support.tampering import rechain, run_sql, triggers_lifted
from timebank.extensions import db
from timebank.ledger import DEVELOPMENT_KEY, LedgerKey, chain_hash
from timebank.models import Exchange, JournalEntry
from timebank.services import accounts, exchanges, verification

WRONG = LedgerKey(b"an attacker's own key, not ours!")


@pytest.fixture
def journal(app):
    bank = make_bank(slug="riverside")
    ann, bob = make_member(bank), make_member(bank)
    for minutes in (30, 45, 60):
        post_exchange(bank, ann, bob, minutes)
    db.session.rollback()
    return bank


def failures(**kwargs):
    report = verification.verify(**kwargs)
    return {c.name: c.detail for c in report.checks if not c.ok}


def rewrite_second_entry():
    run_sql("UPDATE transfers SET minutes = 5 WHERE entry_id = "
            "(SELECT id FROM journal_entries WHERE seq = 2)")


def test_a_rewrite_rechained_with_plain_sha256_is_detected(journal):
    key_id = db.session.scalar(db.select(JournalEntry.key_id))
    with triggers_lifted():
        rewrite_second_entry()
        rechain(journal.id, lambda prev, canonical, entry: (
            hashlib.sha256(bytes.fromhex(prev) + canonical).hexdigest(), key_id))
    assert failures()["I6 hash chain"] == (
        "Bank riverside entry #1 does not match its hash: it was changed after posting.")


def test_a_rewrite_rechained_with_another_key_is_detected_and_the_key_named(journal):
    with triggers_lifted():
        rewrite_second_entry()
        rechain(journal.id, lambda prev, canonical, entry: (
            chain_hash(WRONG, prev, canonical), WRONG.id))
    detail = failures()["I6 hash chain"]
    assert detail.startswith(f"Bank riverside entry #1 was hashed with ledger key {WRONG.id}, "
                             "which is not configured")


def test_new_entries_use_the_configured_key_and_its_id(journal, app):
    ids = set(db.session.scalars(db.select(JournalEntry.key_id)))
    assert ids == {LedgerKey(app.config["LEDGER_KEY"].encode()).id}
    assert app.config["LEDGER_KEY"] == DEVELOPMENT_KEY  # tests run with the public key


def test_after_rotation_old_entries_verify_with_the_old_key(app):
    bank = make_bank(slug="riverside")
    ann, bob = make_member(bank), make_member(bank)
    post_exchange(bank, ann, bob, 30)
    old = LedgerKey(app.config["LEDGER_KEY"].encode())
    new = LedgerKey(b"a brand new ledger key of 32 chars")
    app.config.update(LEDGER_KEY=new.secret.decode(), LEDGER_KEYS_OLD=app.config["LEDGER_KEY"])
    post_exchange(bank, ann, bob, 15)
    db.session.rollback()
    assert [e.key_id for e in db.session.scalars(
        db.select(JournalEntry).order_by(JournalEntry.seq))] == [old.id, new.id]
    assert verification.verify().ok
    app.config["LEDGER_KEYS_OLD"] = ""
    assert failures()["I6 hash chain"].startswith(
        f"Bank riverside entry #1 was hashed with ledger key {old.id}, which is not configured")


def checkpoint(runner, path, *args):
    result = runner.invoke(args=["ledger", "checkpoint", "--output", str(path), *args])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def test_a_checkpoint_catches_a_rewrite_rechained_with_the_right_key(journal, runner, tmp_path,
                                                                    app):
    path = tmp_path / "checkpoint.json"
    document = checkpoint(runner, path, "--bank", "riverside")
    assert [(h["bank"], h["seq"]) for h in document["heads"]] == [("riverside", 3)]
    assert runner.invoke(args=["ledger", "verify", "--checkpoint", str(path)]).exit_code == 0
    key = LedgerKey(app.config["LEDGER_KEY"].encode())
    with triggers_lifted():
        rewrite_second_entry()
        rechain(journal.id, lambda prev, canonical, entry: (
            chain_hash(key, prev, canonical), key.id))
        run_sql("UPDATE accounts SET credits_posted = credits_posted - 40 "
                "WHERE credits_posted > 0")
        run_sql("UPDATE accounts SET debits_posted = debits_posted - 40 WHERE debits_posted > 0")
    assert failures() == {}  # an insider with the key fools the chain alone
    result = runner.invoke(args=["ledger", "verify", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert ("Ledger verification failed: checkpoint: Bank riverside: the journal no longer "
            "matches the checkpoint at entry #3") in result.output


def test_a_tampered_checkpoint_file_is_refused(journal, runner, tmp_path):
    path = tmp_path / "checkpoint.json"
    document = checkpoint(runner, path)
    document["heads"][0]["hash"] = "0" * 64
    path.write_text(json.dumps(document))
    result = runner.invoke(args=["ledger", "verify", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert "checkpoint: The checkpoint's signature does not match" in result.output
    path.write_text("not json")
    result = runner.invoke(args=["ledger", "verify", "--checkpoint", str(path)])
    assert result.exit_code == 1
    assert "The checkpoint file is not a ledger checkpoint." in result.output


def test_no_checkpoint_is_signed_for_a_ledger_that_does_not_verify(journal, runner, tmp_path):
    with triggers_lifted():
        rewrite_second_entry()
    result = runner.invoke(args=["ledger", "checkpoint", "--output", str(tmp_path / "c.json")])
    assert result.exit_code == 1
    assert "No checkpoint written: I1 balanced transfers" in result.output or \
        "No checkpoint written: I3 no drift" in result.output


def test_an_exchange_whose_minutes_changed_is_detected(app):
    bank = make_bank(slug="riverside")
    coordinator = make_member(bank, role="coordinator")
    ann, bob = make_member(bank), make_member(bank)
    exchange = exchanges.log(coordinator, provider_id=ann.id, receiver_id=bob.id, minutes=60,
                             occurred_on=NOW.date(), description="Gardening", now=NOW)
    db.session.rollback()
    assert db.session.get(Exchange, exchange.id).status == "posted"
    assert verification.verify().ok
    run_sql("UPDATE exchanges SET minutes = 600")
    assert failures()["exchanges match entries"] == (
        f"Bank riverside exchange {exchange.id} says 600 minutes from member account "
        f"{ann.account.id} to {bob.account.id}, but entry #1 moved something else.")


def test_a_floor_changed_without_the_audit_log_is_detected(journal):
    account_id = db.session.scalar(db.select(JournalEntry).limit(1)).transfers[0].debit_account_id
    accounts.set_limits(journal.id, account_id, floor_minutes=-900, ceiling_minutes=None,
                        reason="Agreed at the review", now=NOW)
    assert verification.verify().ok
    run_sql("UPDATE accounts SET floor_minutes = -100000 WHERE id = :id", id=account_id)
    assert failures() == {"credit limits audited": (
        f"Bank riverside account {account_id}: floor -100000 and ceiling None differ from the "
        "last audited change (-900 and None).")}


def test_a_changed_or_removed_audit_event_is_detected(journal):
    with triggers_lifted():
        run_sql("UPDATE audit_events SET actor_id = NULL, action = 'member.changed' "
                "WHERE seq = 2")
    assert failures() == {"audit log chain": (
        "Bank riverside audit event #2 does not match its hash: it was changed after it "
        "was recorded.")}


def test_a_removed_last_audit_event_is_detected_by_the_head(journal):
    with triggers_lifted():
        run_sql("DELETE FROM audit_events WHERE seq = 3")
    assert failures()["audit log chain"] == (
        "Bank riverside: the audit log ends at event #2 but its head records event #3.")


def test_the_upgrade_rehashes_an_intact_journal_with_the_key_and_the_downgrade_undoes_it(journal):
    """Downgrading restores plain SHA-256 hashes; the upgrade checks them (it refuses a
    broken chain) and re-hashes with the key, giving back exactly the keyed chain."""
    keyed = run_sql("SELECT seq, hash FROM journal_entries ORDER BY seq").all()
    downgrade(revision="0002")
    plain = run_sql("SELECT seq, hash FROM journal_entries ORDER BY seq").all()
    assert [seq for seq, _ in plain] == [1, 2, 3]
    assert not set(plain) & set(keyed)
    upgrade()
    assert run_sql("SELECT seq, hash FROM journal_entries ORDER BY seq").all() == keyed
    assert verification.verify().ok


def test_upgrading_a_tampered_journal_is_refused(journal):
    downgrade(revision="0001")
    rewrite_second_entry()
    with pytest.raises(SystemExit):
        upgrade()


def test_production_refuses_to_start_without_a_ledger_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("TIMEBANK_LEDGER_KEY", raising=False)
    with pytest.raises(RuntimeError, match="TIMEBANK_LEDGER_KEY must be set"):
        load_config("production")
    monkeypatch.setenv("TIMEBANK_LEDGER_KEY", DEVELOPMENT_KEY)
    with pytest.raises(RuntimeError, match="TIMEBANK_LEDGER_KEY must be set"):
        load_config("production")
    monkeypatch.setenv("TIMEBANK_LEDGER_KEY", "p" * 40)
    assert load_config("production").LEDGER_KEY == "p" * 40
