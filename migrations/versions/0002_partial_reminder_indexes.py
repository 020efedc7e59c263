"""partial indexes for due and claimed reminders; drop the unused message index

Recording a send (enviando → enviado) is one commit per message. With a full (status, due_at)
index and a (chat_id, message_id) index that no query reads, each record moved two entries in
each; with these partial indexes it moves one, in an index of the few rows being sent.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDIENTE = sa.text("status = 'pendiente'")
ENVIANDO = sa.text("status = 'enviando'")


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_status_due_at")
        batch_op.drop_index("ix_reminders_chat_id_message_id")
        batch_op.create_index(
            "ix_reminders_pendiente_due_at", ["due_at"], unique=False,
            sqlite_where=PENDIENTE, postgresql_where=PENDIENTE,
        )  # fmt: skip
        batch_op.create_index(
            "ix_reminders_enviando_claimed_at", ["claimed_at"], unique=False,
            sqlite_where=ENVIANDO, postgresql_where=ENVIANDO,
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_enviando_claimed_at")
        batch_op.drop_index("ix_reminders_pendiente_due_at")
        batch_op.create_index(
            "ix_reminders_chat_id_message_id", ["chat_id", "message_id"], unique=False
        )
        batch_op.create_index("ix_reminders_status_due_at", ["status", "due_at"], unique=False)
