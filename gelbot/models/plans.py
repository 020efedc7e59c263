"""The record of each plan de acción import: who brought which file, when, and what changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gelbot.models.base import Base, UTCDateTime


class PlanImport(Base):
    """One import of a plan file; the latest one describes the committee's current plan.

    The plan's rows live in PlanAction and Indicator (replaced on every import); this keeps the
    document's own data (entity, date, title) and the trace the informe needs.
    """

    __tablename__ = "plan_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None when imported from the command line (no Telegram user behind it).
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(20))  # "chat" or "cli"
    filename: Mapped[str] = mapped_column(String(255))
    entidad: Mapped[str | None] = mapped_column(Text)
    documento: Mapped[str | None] = mapped_column(Text)
    fecha: Mapped[date | None] = mapped_column(Date)
    vigencia: Mapped[int | None] = mapped_column(Integer)
    actions_count: Mapped[int] = mapped_column(Integer)
    proyectos_count: Mapped[int] = mapped_column(Integer, default=0)
    indicators_count: Mapped[int] = mapped_column(Integer)
    # Indicator keys: {"nuevos": [...], "conservados": [...], "retirados": [...]}.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
