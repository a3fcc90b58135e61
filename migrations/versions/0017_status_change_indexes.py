"""Status changes indexed for the reads every report makes: a bank's last change, and a
member's latest change before a date.

A report's cache key holds the id of the bank's last status change; with no index on
the bank, finding it stepped back through every other bank's changes (6 ms with 30,000
of them). A report also looks up each member's latest change before its end date; by
member and time, that is one step down the index instead of a sort of the member's
changes. The index by member alone is a prefix of the new one, so it goes.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_member_status_changes_bank_id_id", "member_status_changes",
                    ["bank_id", "id"])
    op.create_index("ix_member_status_changes_member_id_changed_at", "member_status_changes",
                    ["member_id", "changed_at"])
    op.drop_index("ix_member_status_changes_member_id", table_name="member_status_changes")


def downgrade():
    op.create_index("ix_member_status_changes_member_id", "member_status_changes",
                    ["member_id"])
    op.drop_index("ix_member_status_changes_member_id_changed_at",
                  table_name="member_status_changes")
    op.drop_index("ix_member_status_changes_bank_id_id", table_name="member_status_changes")
