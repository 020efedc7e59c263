"""What the acta needs beyond the meeting record: the convocatoria's place and orden del día,
guests who are not members, and the history of corrections made after a meeting closed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gelbot.models.base import Base, UTCDateTime


class MeetingNotice(Base):
    """The next meeting's convocatoria: where (kept as the usual place) and its orden del día."""

    __tablename__ = "meeting_notices"

    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), primary_key=True
    )
    place: Mapped[str | None] = mapped_column(String(200))
    # Moved to the meeting when it starts, so each convocatoria asks for a fresh one.
    agenda: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class MeetingGuest(Base):
    """Someone at the meeting who is not a member: «María Pérez, Delegada de la UT»."""

    __tablename__ = "meeting_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    cargo: Mapped[str | None] = mapped_column(String(200))  # cargo or entity
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CorrectionKind(enum.StrEnum):
    REABIERTA = "reabierta"
    ASISTENCIA = "asistencia"
    DECISION_AGREGADA = "decision_agregada"
    DECISION_EDITADA = "decision_editada"
    DECISION_BORRADA = "decision_borrada"
    INVITADO_AGREGADO = "invitado_agregado"
    INVITADO_QUITADO = "invitado_quitado"
    LUGAR = "lugar"
    ORDEN = "orden_del_dia"
    SECRETARIO = "secretario"
    PRESIDENTE = "presidente"


class MeetingCorrection(Base):
    """One change to a meeting's record after it closed (or to a decision): who, when, what."""

    __tablename__ = "meeting_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    # What was changed, in words: a member's name, a decision's number.
    subject: Mapped[str | None] = mapped_column(String(300))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
