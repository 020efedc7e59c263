"""The reminders outbox, each committee's reminder settings, and the committees delegados follow.

A change to anything a committee's reminders are planned from (its compromisos, members, rules,
settings, delegados) bumps a counter in `reminder_plans`; the planner re-plans what moved. The
bump happens in a flush hook, so code that changes a compromiso never has to remember reminders.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Executable,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from gelbot.models.base import Base, UTCDateTime
from gelbot.models.calendar import ReportingDate
from gelbot.models.committees import Committee, Membership
from gelbot.models.tracking import Compromiso


class ReminderStatus(enum.StrEnum):
    PENDIENTE = "pendiente"  # planned; sent once due_at passes
    ENVIANDO = "enviando"  # claimed by one dispatcher (claimed_by) and being sent
    ENVIADO = "enviado"  # sent (message_id says which message), or done for silent kinds
    DESCARTADO = "descartado"  # not sent on purpose; last_error says why
    FALLIDO = "fallido"  # Telegram refused it for good


class TargetKind(enum.StrEnum):
    COMITE = "comite"  # the committee's group
    PERSONA = "persona"  # a person: privately, or mentioned in the group


class Reminder(Base):
    """One message (or silent action) owed to one target at one occurrence of a rule."""

    __tablename__ = "reminders"
    __table_args__ = (
        # Planning twice, or on two instances, can never create the same reminder twice.
        UniqueConstraint("kind", "target_kind", "target_id", "occurrence"),
        # The dispatcher's claim reads only due rows through this index. Partial, like the next
        # one: recording a send (enviando → enviado, one commit per message) then removes one
        # entry from a small index instead of moving one in a (status, due_at) index of every
        # row — with that index, and one on (chat_id, message_id), a record cost twice as much.
        Index(
            "ix_reminders_pendiente_due_at", "due_at",
            sqlite_where=text("status = 'pendiente'"),
            postgresql_where=text("status = 'pendiente'"),
        ),
        # Claims a crashed dispatcher left behind: few rows at any moment.
        Index(
            "ix_reminders_enviando_claimed_at", "claimed_at",
            sqlite_where=text("status = 'enviando'"),
            postgresql_where=text("status = 'enviando'"),
        ),
        Index("ix_reminders_committee_id_scheduled_for", "committee_id", "scheduled_for"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE")
    )
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column(Integer)
    occurrence: Mapped[str] = mapped_column(String(80))
    # When the rule says it happens; due_at moves later for quiet hours and retries.
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # After this moment the reminder is obsolete (the meeting was held, the week is over).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default=ReminderStatus.PENDIENTE.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Parts of a long message Telegram accepted: a retry sends only the rest (delivery rule).
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderSetting(Base):
    """A coordinador's change to one aspect of the committee's reminders (defaults otherwise)."""

    __tablename__ = "reminder_settings"
    __table_args__ = (UniqueConstraint("committee_id", "aspect"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    aspect: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 lunes … 6 domingo
    at: Mapped[str | None] = mapped_column(String(5))  # "09:00", local time
    until: Mapped[str | None] = mapped_column(String(5))  # end of a window (quiet hours)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class FollowStatus(enum.StrEnum):
    PENDIENTE = "pendiente"  # asked with /seguir, waiting for the coordinador
    ACEPTADO = "aceptado"
    RECHAZADO = "rechazado"  # kept a while, so the same request cannot be posted again at once


class DelegateFollow(Base):
    """A delegado following a committee: its weekly digest includes that committee."""

    __tablename__ = "delegate_follows"
    __table_args__ = (UniqueConstraint("person_id", "committee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default=FollowStatus.PENDIENTE.value)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class SendSlot(Base):
    """One of the 30 places of Telegram's overall send budget, shared by every instance on
    PostgreSQL: free from `free_at` on (gelbot.telegram.budget.SharedSlots)."""

    __tablename__ = "send_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    free_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlanScope(enum.StrEnum):
    COMITE = "comite"  # everything a committee's rules produce
    DELEGADO = "delegado"  # one delegado's digest


class ReminderPlan(Base):
    """How far ahead one scope is planned, and whether its inputs changed since."""

    __tablename__ = "reminder_plans"
    __table_args__ = (UniqueConstraint("scope", "scope_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    scope_id: Mapped[int] = mapped_column(Integer)
    # Bumped by every change to the scope's inputs; the planner records the count it planned
    # from, so a change made while it plans is never lost (it plans again next tick).
    changes: Mapped[int] = mapped_column(Integer, default=1)
    planned_changes: Mapped[int] = mapped_column(Integer, default=0)
    planned_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# What of a membership the planner reads (CommitteeFacts): who is in it, in which role. A new
# cargo, the most common change (/unirme), plans nothing differently.
_PLANNED_MEMBERSHIP = ("committee_id", "person_id", "role", "active")


def _changes_plan(membership: Membership) -> bool:
    """Whether this flush changes what the planner reads of a membership already stored.

    after_flush still sees the flush's attribute history (SQLAlchemy keeps it until
    after_flush_postexec)."""
    attrs = inspect(membership).attrs
    return any(attrs[name].history.has_changes() for name in _PLANNED_MEMBERSHIP)


def _scopes_touched(session: Session) -> set[tuple[str, int]]:
    """The plan scopes whose inputs this flush changes."""
    scopes: set[tuple[str, int]] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Membership) and obj in session.dirty and not _changes_plan(obj):
            continue
        if isinstance(obj, Compromiso | Membership | ReminderSetting | ReportingDate):
            scopes.add((PlanScope.COMITE.value, obj.committee_id))
        elif isinstance(obj, Committee):
            scopes.add((PlanScope.COMITE.value, obj.id))
        elif isinstance(obj, DelegateFollow):
            scopes.add((PlanScope.DELEGADO.value, obj.person_id))
    return {(scope, scope_id) for scope, scope_id in scopes if scope_id is not None}


@event.listens_for(Session, "after_flush")
def _mark_plans_changed(session: Session, _context: UOWTransaction) -> None:
    """Tell the planner which committees (and delegados) to plan again."""
    scopes = _scopes_touched(session)
    if scopes:
        connection = session.connection()
        connection.execute(plans_changed(connection.dialect.name, scopes))


def plans_changed(dialect: str, scopes: Iterable[tuple[str, int]]) -> Executable:
    """The statement that marks these plan scopes for planning again.

    The flush hook above runs it for rows the ORM writes; a row inserted past the ORM
    (gelbot.db.insert_missing) runs it itself.
    """
    table = cast(Table, ReminderPlan.__table__)
    values = [{"scope": s, "scope_id": i, "changes": 1, "planned_changes": 0} for s, i in scopes]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(values)
    return statement.on_conflict_do_update(
        index_elements=["scope", "scope_id"],
        set_={"changes": table.c.changes + 1},
    )


async def plan_again(session: AsyncSession, scope: PlanScope, scope_id: int) -> None:
    """Mark one plan scope for planning again, for a row the flush hook did not see."""
    await session.execute(plans_changed(session.get_bind().dialect.name, [(scope.value, scope_id)]))
