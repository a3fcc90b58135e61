"""Report windows: one report period's member-level working tables, kept current.

A window holds, for one bank and one `[date_from, date_to)`, what a report's figures
are computed from: each member's figures by partner group (`report_window_groups`),
each member's totals and month, category and level masks (`report_window_members`),
each provider's minutes per protected cell and the largest of them
(`report_window_givers`, `report_window_tops`), and each account's balance at the end
of the period (`report_window_balances`). Reports fold new entries into the windows
by recomputing the rows of the accounts those entries touch, so a first view costs
in proportion to the members rather than to the transfers. Derived data only:
`flask reports rebuild` drops them, and a report builds what it needs again.

Two indexes let a window read one account's summary rows: pair months by either end,
account months by account. The transfers' indexes by account gain the day, so that a
fold reads one account's transfers of one month rather than all of them (the same
number of indexes, so posting does no more work).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MASK_WORDS = 4


def _member_columns():
    return [
        sa.Column("given", sa.BigInteger, nullable=False),
        sa.Column("received", sa.BigInteger, nullable=False),
        sa.Column("n_given", sa.BigInteger, nullable=False),
        sa.Column("n_received", sa.BigInteger, nullable=False),
        sa.Column("partners", sa.BigInteger, nullable=False),
        sa.Column("k_given", sa.BigInteger, nullable=False),
        sa.Column("first_on", sa.Date, nullable=True),
        sa.Column("last_on", sa.Date, nullable=True),
    ]


def upgrade():
    op.create_table(
        "report_windows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), nullable=False),
        sa.Column("date_from", sa.Date, nullable=False),
        sa.Column("date_to", sa.Date, nullable=False),
        sa.Column("layout", sa.Text, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("bank_id", "date_from", "date_to", name="uq_report_windows_range"),
    )
    op.create_table(
        "report_window_groups",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("pg", sa.String(16), primary_key=True),
        *_member_columns(),
        sa.Column("pairs", sa.BigInteger, nullable=False),
        sa.Column("recip", sa.BigInteger, nullable=False),
        sa.Column("mutual", sa.BigInteger, nullable=False),
        sa.Column("ties", sa.BigInteger, nullable=False),
        sa.Column("pairs_key", sa.BigInteger, nullable=False),
        sa.Column("recip_key", sa.BigInteger, nullable=False),
        sa.Column("ties_key", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "report_window_members",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        *_member_columns(),
        sa.Column("lm", sa.BigInteger, nullable=True),
        *[sa.Column(f"mm{w}", sa.BigInteger, nullable=True) for w in range(MASK_WORDS)],
        *[sa.Column(f"cm{w}", sa.BigInteger, nullable=True) for w in range(MASK_WORDS)],
    )
    op.create_table(
        "report_window_givers",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("cell", sa.String(32), primary_key=True),
        sa.Column("minutes", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_report_window_givers_top", "report_window_givers",
                    ["window_id", "cell", "minutes"])
    op.create_table(
        "report_window_tops",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("cell", sa.String(32), primary_key=True),
        sa.Column("minutes", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "report_window_balances",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("balance", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_report_pair_months_lo", "report_pair_months", ["bank_id", "lo", "ym"])
    op.create_index("ix_report_pair_months_hi", "report_pair_months", ["bank_id", "hi", "ym"])
    op.create_index("ix_report_account_months_account", "report_account_months",
                    ["bank_id", "account_id", "ym"])
    op.create_index("ix_transfers_credit_day", "transfers", ["credit_account_id", "occurred_on"])
    op.create_index("ix_transfers_debit_day", "transfers", ["debit_account_id", "occurred_on"])
    op.drop_index("ix_transfers_credit", table_name="transfers")
    op.drop_index("ix_transfers_debit", table_name="transfers")


def downgrade():
    op.create_index("ix_transfers_debit", "transfers", ["debit_account_id"])
    op.create_index("ix_transfers_credit", "transfers", ["credit_account_id"])
    op.drop_index("ix_transfers_debit_day", table_name="transfers")
    op.drop_index("ix_transfers_credit_day", table_name="transfers")
    op.drop_index("ix_report_account_months_account", table_name="report_account_months")
    op.drop_index("ix_report_pair_months_hi", table_name="report_pair_months")
    op.drop_index("ix_report_pair_months_lo", table_name="report_pair_months")
    for table in ("report_window_balances", "report_window_tops", "report_window_givers",
                  "report_window_members", "report_window_groups", "report_windows"):
        op.drop_table(table)
