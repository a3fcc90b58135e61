"""How far each account's balance moved in each month, so that a report works out balances
at its end date from the summaries instead of every transfer since.

`report_balance_months` holds, per bank, month and account, the credits less the debits
of all the account's transfers dated in that month. It is derived data, kept by the same
fold as the other summaries; this migration fills it from the transfers, so the
summaries stay current to their watermark (a fold works the rows of new entries out
again from the transfers, so rows of entries not yet folded come out the same).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

MONTH = {
    "postgresql": "CAST(date_part('year', t.occurred_on) AS INTEGER) * 12 "
                  "+ CAST(date_part('month', t.occurred_on) AS INTEGER) - 1",
    "sqlite": "CAST(substr(t.occurred_on, 1, 4) AS INTEGER) * 12 "
              "+ CAST(substr(t.occurred_on, 6, 2) AS INTEGER) - 1",
}


def upgrade():
    op.create_table(
        "report_balance_months",
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), primary_key=True),
        sa.Column("ym", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("moved", sa.BigInteger, nullable=False),
    )
    month = MONTH[op.get_bind().dialect.name]
    op.execute(f"""
        INSERT INTO report_balance_months (bank_id, ym, account_id, moved)
        SELECT x.bank_id, x.ym, x.acc, SUM(x.moved) FROM (
            SELECT t.bank_id AS bank_id, {month} AS ym, t.credit_account_id AS acc,
                   t.minutes AS moved FROM transfers t
            UNION ALL
            SELECT t.bank_id, {month}, t.debit_account_id, -t.minutes FROM transfers t
        ) x
        GROUP BY x.bank_id, x.ym, x.acc
    """)


def downgrade():
    op.drop_table("report_balance_months")
