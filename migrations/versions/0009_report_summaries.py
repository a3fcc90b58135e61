"""Report summaries by month, their watermark, and the report cache.

`report_pair_months`, `report_account_months` and `report_month_cells` hold the
exchanges of each month folded by pair of accounts, by account, and by category,
activity and the provider's group (as `report_account_groups` recorded it); `report_watermarks` says which ledger
sequence of each bank they are current to; `report_cache` keeps finished report
documents by (bank, query, ledger sequence). All four are derived from the journal
and can be dropped and rebuilt (`flask reports rebuild`).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_watermarks",
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("folded_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "report_pair_months",
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), primary_key=True),
        sa.Column("ym", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("lo", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hi", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("w_lh", sa.BigInteger, nullable=False),
        sa.Column("w", sa.BigInteger, nullable=False),
        sa.Column("n_lh", sa.BigInteger, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("k_lh", sa.BigInteger, nullable=False),
        sa.Column("k_all", sa.BigInteger, nullable=False),
        sa.Column("first_on", sa.Date, nullable=False),
        sa.Column("last_on", sa.Date, nullable=False),
    )
    op.create_table(
        "report_account_months",
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), primary_key=True),
        sa.Column("ym", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("gave", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("category_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("activity_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("minutes", sa.BigInteger, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("k", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "report_month_cells",
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), primary_key=True),
        sa.Column("ym", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("category_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("activity_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pg", sa.String(16), primary_key=True),
        sa.Column("minutes", sa.BigInteger, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("k", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "report_account_groups",
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), primary_key=True),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("grp", sa.String(16), nullable=False),
    )
    op.create_table(
        "report_cache",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), nullable=False),
        sa.Column("query_key", sa.String(64), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("bank_id", "query_key", "ledger_seq", name="uq_report_cache_query"),
    )


def downgrade():
    op.drop_table("report_cache")
    op.drop_table("report_account_groups")
    op.drop_table("report_month_cells")
    op.drop_table("report_account_months")
    op.drop_table("report_pair_months")
    op.drop_table("report_watermarks")
