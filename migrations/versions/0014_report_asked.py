"""The reports asked for lately, so that the reports worker keeps their answers ready.

`report_asked` holds, per bank, each unfiltered report or report page someone opened
over a period a report window can serve: its kind, its audience (protected or exact),
its dates and when it was last asked for (written at most once an hour per query). No
person and no filter. The worker computes and keeps the answers of the most recent of
them after commit, and drops the rows not asked for in two days. Derived data only.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_asked",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bank_id", sa.Integer, sa.ForeignKey("banks.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("protected", sa.Boolean, nullable=False),
        sa.Column("date_from", sa.Date, nullable=False),
        sa.Column("date_to", sa.Date, nullable=False),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind IN ('report', 'page')", name=op.f("ck_report_asked_kind_allowed")),
        sa.UniqueConstraint("bank_id", "kind", "protected", "date_from", "date_to",
                            name="uq_report_asked_query"),
    )


def downgrade():
    op.drop_table("report_asked")
