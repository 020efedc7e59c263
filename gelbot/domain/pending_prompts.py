"""Pending questions (ForceReply prompts): remember them, find one by the replied-to message."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from gelbot.models import PendingPrompt

_TABLE = cast(Table, PendingPrompt.__table__)
_REMEMBER = insert(_TABLE)  # built once: the dispatcher stores one per weekly nag it sends


async def remember(
    session: AsyncSession | AsyncConnection,
    *,
    chat_id: int,
    message_id: int,
    person_id: int,
    kind: str,
    subject_id: int | None = None,
    data: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    """Store that message `message_id` in `chat_id` asks `person_id` a question of `kind`."""
    await session.execute(
        _REMEMBER,
        {
            "chat_id": chat_id, "message_id": message_id, "person_id": person_id, "kind": kind,
            "subject_id": subject_id, "data": data, "created_at": now,
        },
    )  # fmt: skip


async def find(session: AsyncSession, chat_id: int, message_id: int) -> PendingPrompt | None:
    """The question that bot message `message_id` asked, if it still waits for an answer."""
    return await session.scalar(
        select(PendingPrompt).where(
            PendingPrompt.chat_id == chat_id, PendingPrompt.message_id == message_id
        )
    )


async def resolve(session: AsyncSession, prompt: PendingPrompt) -> None:
    """The question was answered (or became moot): stop waiting."""
    await session.delete(prompt)
    await session.flush()
