"""Report windows keep the sums of their ragged edges, and when a report last asked; the
summaries record the state at which the members' groups were last found current.

A report over any dates reads the hours, exchanges and record keys of its whole months
from the month cells, and those of the days before its first whole month and after its
last from the transfers. A window now keeps the latter per day, category, activity and
(for activities) provider group in `report_window_sums`, so a report of the window's
period reads no transfers for them; a fold works out again only the days its entries
touch. Derived data only: `flask reports rebuild` drops it with the windows. The windows
kept so far have no such rows, so they are retired here; the next report of each period
builds its window again.

`report_windows.asked_at` is when a report last asked for the window: a bank keeps at
most eight windows, and the one asked for longest ago goes first (the reports worker
keeps windows current without asking, so a period only it brought up still ages).

`report_watermarks.groups_state` is the digest of the bank's state outside the ledger
(services/report_cache.py: the audit sequence, the count and last id of the members, …)
at which every member's group was last found recorded. A group change is audited and a
new member counted, so while the digest is the same the groups need no looking at.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


WINDOW_TABLES = ("report_window_groups", "report_window_members", "report_window_givers",
                 "report_window_tops", "report_window_balances")


def upgrade():
    for table in WINDOW_TABLES:
        op.execute(f"DELETE FROM {table}")
    op.execute("DELETE FROM report_windows")
    op.create_table(
        "report_window_sums",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("d", sa.Date, primary_key=True),
        sa.Column("c", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pg", sa.String(16), primary_key=True),
        sa.Column("minutes", sa.BigInteger, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("k", sa.BigInteger, nullable=False),
    )
    with op.batch_alter_table("report_windows") as batch:
        batch.add_column(sa.Column("asked_at", sa.DateTime, nullable=True))
    with op.batch_alter_table("report_watermarks") as batch:
        batch.add_column(sa.Column("groups_state", sa.String(400), nullable=True))


def downgrade():
    with op.batch_alter_table("report_watermarks") as batch:
        batch.drop_column("groups_state")
    with op.batch_alter_table("report_windows") as batch:
        batch.drop_column("asked_at")
    op.drop_table("report_window_sums")
