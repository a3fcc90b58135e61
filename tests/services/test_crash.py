"""A writer killed with SIGKILL mid-stream leaves nothing half-written (I1–I6 still hold)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.support.factories import make_bank, make_member
from timebank.extensions import db
from timebank.models import JournalEntry, LedgerHead, Transfer
from timebank.services import accounts, verification

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
RECEIVERS = 12


def start_writer(url, bank, source, receivers):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.workers", url, str(bank.id), str(source),
         *[str(r) for r in receivers]],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )


def test_killing_a_writer_mid_stream_leaves_a_whole_ledger(app, database_url):
    bank = make_bank()
    source = make_member(bank, group="organisation")
    accounts.set_limits(bank.id, source.account.id, floor_minutes=-10_000_000,
                        ceiling_minutes=None, reason="test", now=source.created_at)
    receivers = [make_member(bank).account.id for _ in range(RECEIVERS)]
    committed = 0
    for round_ in range(3):
        writer = start_writer(database_url, bank, source.account.id, receivers)
        seen = 0
        for line in writer.stdout:
            seen = int(line)
            if seen >= 15 + 10 * round_:
                break
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        assert writer.returncode == -signal.SIGKILL
        committed += seen
        db.session.rollback()
        entries = db.session.scalar(select(func.count(JournalEntry.id)))
        # The writer may have committed one more entry than it lived to report.
        assert committed <= entries <= committed + 1
        committed = entries
        transfers = db.session.scalar(select(func.count(Transfer.id)))
        assert transfers == entries * RECEIVERS
        assert db.session.get(LedgerHead, bank.id).last_seq == entries
        report = verification.verify()
        assert report.ok, report.as_dict()
