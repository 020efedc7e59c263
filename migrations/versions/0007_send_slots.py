"""send_slots: Telegram's overall budget as a ring of 30 places shared by every instance

Replaces send_budget (a count per second, which let a second's 30 messages go at its first
instant and the next second's right after: 60 in well under a second, by Telegram's strict
reading). A place is held while its request is out and freed a second after Telegram answers
(gelbot.telegram.budget).

Revision ID: 0007_send_slots
Revises: 0006_informe
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gelbot.models.base

revision: str = "0007_send_slots"
down_revision: str | None = "0006_informe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The places themselves are made by the first instance that sends (SharedSlots), as many
    # as its budget says: an empty table here, like every other.
    op.create_table(
        "send_slots",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("free_at", gelbot.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_slots")),
    )
    op.drop_table("send_budget")


def downgrade() -> None:
    op.create_table(
        "send_budget",
        sa.Column("second", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("second", name=op.f("pk_send_budget")),
    )
    op.drop_table("send_slots")
