"""The outbox's vocabulary: rows going in, messages going out, and what Telegram answered."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.models import Reminder, ReminderStatus, TargetKind
from gelbot.reminders.facts import Planned


async def insert_new(session: AsyncSession, planned: Sequence[Planned], *, now: datetime) -> int:
    """Insert reminders, silently skipping keys that exist (another planner got there first)."""
    pending = ReminderStatus.PENDIENTE.value  # an enum's .value costs a call on each row
    rows: list[dict[str, Any]] = [
        {
            "kind": p.kind,
            "committee_id": p.committee_id,
            "target_kind": p.target_kind,
            "target_id": p.target_id,
            "occurrence": p.occurrence,
            "scheduled_for": p.scheduled_for,
            "due_at": p.scheduled_for,
            "expires_at": p.expires_at,
            "status": pending,
            "attempts": 0,
            "payload": p.payload,
            "created_at": now,
        }
        for p in planned
    ]
    if not rows:
        return 0
    table = cast(Table, Reminder.__table__)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # One cached statement, executed for many rows; RETURNING names only the rows inserted.
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["kind", "target_kind", "target_id", "occurrence"])
        .returning(table.c.id)
    )
    result = await session.execute(statement, rows)
    return len(result.all())


async def enqueue(
    session: AsyncSession,
    kind: str,
    *,
    targets: Sequence[tuple[str, int]],
    occurrence: str,
    committee_id: int | None,
    due: datetime,
    payload: dict[str, Any],
    now: datetime,
    expires_at: datetime | None = None,
) -> int:
    """Put an event's message (not a rule's) in the outbox; the same occurrence only once."""
    planned = [
        Planned(kind, target_kind, target_id, occurrence, due, expires_at, committee_id, payload)
        for target_kind, target_id in targets
    ]
    return await insert_new(session, planned, now=now)


def person_targets(person_ids: Sequence[int]) -> list[tuple[str, int]]:
    return [(TargetKind.PERSONA.value, p) for p in person_ids]


@dataclass(frozen=True)
class Claimed:
    """A reminder row this dispatcher holds, as read when claiming it."""

    id: int
    kind: str
    committee_id: int | None
    target_kind: str
    target_id: int
    occurrence: str
    scheduled_for: datetime
    due_at: datetime
    expires_at: datetime | None
    attempts: int
    payload: dict[str, Any]
    parts_sent: int

    @property
    def group(self) -> tuple[str, str, int]:
        """Rows of one group go out as one message (the catch-up rule)."""
        return (self.kind, self.target_kind, self.target_id)


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str


@dataclass(frozen=True)
class Outgoing:
    """What a kind's builder wants sent: a template and its values, maybe buttons."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message for one chat: Telegram-sized HTML parts, buttons on the last."""

    chat_id: int
    parts: tuple[str, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    first_part: int = 0  # the parts before it were sent on an earlier attempt


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"  # try again later (network down): nothing lost
    FLOOD = "flood"  # 429: try again after retry_in; costs no attempt
    FORBIDDEN = "forbidden"  # 403: the bot was removed from the group or blocked by the person
    FAILED = "failed"  # Telegram refuses this message for good


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    chat_id: int
    message_id: int | None = None
    retry_in: float = 0.0  # seconds, for RETRY
    error: str | None = None
    migrated_from: int | None = None  # the group became a supergroup: chat_id is the new id
    parts_sent: int = 0  # parts Telegram accepted (or, uncertain, may have), this attempt included
    # SENT with an error: a part got no answer and may or may not have arrived; not repeated.


# Told the number of parts sent so far, after each part Telegram accepted but the last.
Progress = Callable[[int], Awaitable[None]]


class Sender(Protocol):
    """The one way reminders reach Telegram (gelbot.telegram.sender.TelegramSender)."""

    async def send(
        self, message: OutgoingMessage, progress: Progress | None = None
    ) -> Delivery: ...
