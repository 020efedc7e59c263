"""parts of a reminder already sent; the send budget instances share

A long reminder goes out in parts; `parts_sent` records each part Telegram accepted, so a retry
(after a 429 on a later part, or a crash between parts) sends only the rest. `send_budget`
counts the messages every instance sent in each second, so together they stay under
Telegram's global limit.

Revision ID: 0005_delivery
Revises: 0004_acta
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_delivery"
down_revision: str | None = "0004_acta"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parts_sent", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "send_budget",
        sa.Column("second", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("second", name=op.f("pk_send_budget")),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("parts_sent")
