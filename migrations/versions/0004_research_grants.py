"""Research grants for the member-level extract.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "research_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("pseudonym_secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_research_grants_ends_after_start")),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"],
                                name=op.f("fk_research_grants_bank_id_banks")),
        sa.ForeignKeyConstraint(["evaluator_id"], ["members.id"],
                                name=op.f("fk_research_grants_evaluator_id_members")),
        sa.ForeignKeyConstraint(["granted_by_id"], ["members.id"],
                                name=op.f("fk_research_grants_granted_by_id_members")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["members.id"],
                                name=op.f("fk_research_grants_revoked_by_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_grants")),
    )
    with op.batch_alter_table("research_grants", schema=None) as batch_op:
        batch_op.create_index("ix_research_grants_bank_evaluator", ["bank_id", "evaluator_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("research_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_research_grants_bank_evaluator")
    op.drop_table("research_grants")
