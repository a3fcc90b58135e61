"""Report windows keep their flow cells: per member's group and partner group, the group
rows added up.

The flow matrix and the reciprocity figures add up every member's rows by partner group
(tens of thousands on a large bank) to nine cells. A window now keeps those nine cells in
`report_window_cells`, and a fold moves them by the difference its accounts' rows make,
so a report of the window's period reads nine rows. Derived data only: `flask reports
rebuild` drops it with the windows. The windows kept so far have no cells, so they are
retired here; the next report of each period builds its window again.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

WINDOW_TABLES = ("report_window_groups", "report_window_members", "report_window_givers",
                 "report_window_tops", "report_window_balances", "report_window_sums")
SUMS = ("minutes", "n", "pairs", "recip", "mutual", "ties", "people", "k_n", "top",
        "pairs_key", "recip_key", "ties_key", "providers", "receivers", "receivers_key")


def upgrade():
    for table in WINDOW_TABLES:
        op.execute(f"DELETE FROM {table}")
    op.execute("DELETE FROM report_windows")
    op.create_table(
        "report_window_cells",
        sa.Column("window_id", sa.Integer, sa.ForeignKey("report_windows.id"), primary_key=True),
        sa.Column("mine", sa.String(16), primary_key=True),
        sa.Column("pg", sa.String(16), primary_key=True),
        *(sa.Column(name, sa.BigInteger, nullable=False) for name in SUMS),
    )


def downgrade():
    op.drop_table("report_window_cells")
