"""Pending questions (ForceReply prompts): remember them, find one by the replied-to message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.models import PendingPrompt


async def remember(
    session: AsyncSession,
    *,
    chat_id: int,
    message_id: int,
    person_id: int,
    kind: str,
    subject_id: int | None = None,
    data: dict[str, Any] | None = None,
    now: datetime,
) -> PendingPrompt:
    """Store that message `message_id` in `chat_id` asks `person_id` a question of `kind`."""
    prompt = PendingPrompt(
        chat_id=chat_id,
        message_id=message_id,
        person_id=person_id,
        kind=kind,
        subject_id=subject_id,
        data=data,
        created_at=now,
    )
    session.add(prompt)
    await session.flush()
    return prompt


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
