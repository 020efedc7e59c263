"""frameworks: several per committee, «no aplica» items, dates the coordinador sets

A committee may follow several frameworks (committees.framework_id holds their ids,
comma-separated: longer); an item may be marked «no aplica»; the reporting calendar's open
dates (FURAG, ITA, quarterly reports) are set per committee in reporting_dates. Existing
committees keep "decreto_1151".

Revision ID: 0003_frameworks
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gelbot.models.base

revision: str = "0003_frameworks"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("committees", schema=None) as batch_op:
        batch_op.alter_column(
            "framework_id",
            existing_type=sa.String(length=60),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
    with op.batch_alter_table("criterion_statuses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_applicable", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "reporting_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("obligation_key", sa.String(length=40), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", gelbot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
            name=op.f("fk_reporting_dates_committee_id_committees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["people.id"],
            name=op.f("fk_reporting_dates_set_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_dates")),
        sa.UniqueConstraint(
            "committee_id",
            "obligation_key",
            "due_on",
            name=op.f("uq_reporting_dates_committee_id_obligation_key_due_on"),
        ),
    )


def downgrade() -> None:
    op.drop_table("reporting_dates")
    with op.batch_alter_table("criterion_statuses", schema=None) as batch_op:
        batch_op.drop_column("not_applicable")
    with op.batch_alter_table("committees", schema=None) as batch_op:
        batch_op.alter_column(
            "framework_id",
            existing_type=sa.String(length=200),
            type_=sa.String(length=60),
            existing_nullable=False,
        )
