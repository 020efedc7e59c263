"""Questions the bot asked with ForceReply and still waits an answer to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gelbot.models.base import Base, UTCDateTime


class PendingPrompt(Base):
    """A question waiting for one person's reply to one bot message.

    Under group privacy mode the bot sees only commands and replies to its own messages, so
    free-text answers arrive as replies; the replied-to message id finds the question here,
    and `kind` says which feature answers it. Stored, so a restart keeps every open question.
    """

    __tablename__ = "pending_prompts"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # The thing asked about (a compromiso, a meeting…), interpreted by `kind`.
    subject_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
