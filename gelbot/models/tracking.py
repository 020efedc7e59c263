"""What a committee tracks: meetings, compromisos, the plan de acción, indicators, criteria."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gelbot.models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from gelbot.models.committees import Membership


class MeetingStatus(enum.StrEnum):
    ABIERTA = "abierta"  # /reunion iniciar, not yet closed
    CERRADA = "cerrada"  # closed, acta published
    REGISTRADA = "registrada"  # recorded after the fact


class Attendance(enum.StrEnum):
    PRESENTE = "presente"
    AUSENTE = "ausente"
    EXCUSA = "excusa"


class CompromisoStatus(enum.StrEnum):
    ABIERTO = "abierto"
    EN_CURSO = "en_curso"
    BLOQUEADO = "bloqueado"
    CUMPLIDO = "cumplido"
    CANCELADO = "cancelado"


OPEN_COMPROMISO_STATUSES = (
    CompromisoStatus.ABIERTO.value,
    CompromisoStatus.EN_CURSO.value,
    CompromisoStatus.BLOQUEADO.value,
)


class CompromisoEventKind(enum.StrEnum):
    """What happened to a compromiso; every change leaves one CompromisoEvent."""

    CREADO = "creado"
    EN_CURSO = "en_curso"  # reviewed in a meeting: still in progress
    REPROGRAMADO = "reprogramado"
    CUMPLIDO = "cumplido"
    CANCELADO = "cancelado"
    REASIGNADO = "reasignado"  # empalme: the cargo changed hands


class EvidenceKind(enum.StrEnum):
    ENLACE = "enlace"
    DOCUMENTO = "documento"
    FOTO = "foto"


class Meeting(Base):
    """One committee meeting (reunión) and its acta."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.ABIERTA.value)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quorum: Mapped[bool | None] = mapped_column()
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Recorded after the fact (/reunion registrar): closing it makes it REGISTRADA.
    after_the_fact: Mapped[bool] = mapped_column(default=False)
    # The group messages of the open meeting, edited as the roll call and review progress:
    # review_messages is a list of {"message_id": int, "compromiso_ids": [int, ...]}.
    roll_message_id: Mapped[int | None] = mapped_column(Integer)
    review_messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    acta_message_id: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # Where the meeting is held and its orden del día (one item a line), for the acta.
    place: Mapped[str | None] = mapped_column(String(200))
    agenda: Mapped[str | None] = mapped_column(Text)
    # Who sign the acta: who presided (None: the member who opened it) and who took it.
    president_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    secretary_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )

    attendances: Mapped[list[MeetingAttendance]] = relationship(back_populates="meeting")
    decisions: Mapped[list[Decision]] = relationship(back_populates="meeting")


class MeetingAttendance(Base):
    """The llamado a lista: one member's attendance at one meeting."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")


class Decision(Base):
    """A decision taken in a meeting, for the acta."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class Compromiso(Base):
    """A task with a responsable (a member, or a cargo that outlives the person) and a due date."""

    __tablename__ = "compromisos"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    # The person who answers for it now; for a cargo-owned compromiso, whoever holds the cargo.
    owner_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    owner_cargo: Mapped[str | None] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=CompromisoStatus.ABIERTO.value)
    result: Mapped[str | None] = mapped_column(Text)
    # Evidence of a cumplido: a link, or a file or photo sent in the chat (its Telegram file_id).
    evidence: Mapped[str | None] = mapped_column(Text)
    evidence_kind: Mapped[str | None] = mapped_column(String(20))
    evidence_file_id: Mapped[str | None] = mapped_column(String(200))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    plan_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    events: Mapped[list[CompromisoEvent]] = relationship(back_populates="compromiso")
    owner: Mapped[Membership | None] = relationship()


class CompromisoEvent(Base):
    """The history of a compromiso: created, rescheduled, reassigned, done, cancelled."""

    __tablename__ = "compromiso_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    compromiso_id: Mapped[int] = mapped_column(
        ForeignKey("compromisos.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date | None] = mapped_column(Date)
    from_membership_id: Mapped[int | None] = mapped_column(Integer)
    to_membership_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    # Set when the change was made in a meeting's review, so the acta can list it.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    compromiso: Mapped[Compromiso] = relationship(back_populates="events")


class CompromisoDraft(Base):
    """A /compromiso the bot understood and echoed back, waiting for confirmar / cancelar.

    Kept apart from Compromiso so nothing counts as a compromiso until confirmed, and in the
    database so a restart between the echo and the button press loses nothing.
    """

    __tablename__ = "compromiso_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    owner_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    owner_cargo: Mapped[str | None] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    owner: Mapped[Membership | None] = relationship()


class CargoHolder(Base):
    """Who holds a cargo now, for compromisos owned by the cargo (the empalme problem)."""

    __tablename__ = "cargo_holders"
    __table_args__ = (UniqueConstraint("committee_id", "cargo_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    # The cargo normalised (lowercase, no accents), so "Secretaría" and "secretaria" are one.
    cargo_key: Mapped[str] = mapped_column(String(120))
    cargo: Mapped[str] = mapped_column(String(120))
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class PlanAction(Base):
    """One row (acción) of a committee's plan de acción."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    accion: Mapped[str] = mapped_column(Text)
    beneficios: Mapped[str | None] = mapped_column(Text)
    actividades: Mapped[list[str]] = mapped_column(JSON, default=list)
    responsables: Mapped[list[str]] = mapped_column(JSON, default=list)
    recursos: Mapped[list[str]] = mapped_column(JSON, default=list)
    tiempos: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "accion" (a row of the Marco Operativo) or "proyecto" (a row of a project matrix, like
    # Mocoa's Tabla 1); a proyecto keeps eje, linea_estrategica, fase and criterios in details.
    kind: Mapped[str] = mapped_column(String(20), default="accion")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    indicators: Mapped[list[Indicator]] = relationship(back_populates="plan_action")


class Frequency(enum.StrEnum):
    SEMANAL = "semanal"
    MENSUAL = "mensual"
    TRIMESTRAL = "trimestral"
    SEMESTRAL = "semestral"
    ANUAL = "anual"
    UNICA = "unica"


class Indicator(Base):
    """An indicador de gestión with its meta per period."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("committee_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    plan_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="SET NULL")
    )
    # A stable key; "sitio_web_semanal" is the one the weekly nag feeds.
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(Text)
    meta: Mapped[float | None] = mapped_column(Float)
    meta_text: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(60))
    frequency: Mapped[str] = mapped_column(String(20), default=Frequency.SEMANAL.value)
    formula: Mapped[str | None] = mapped_column(Text)
    # Order within the plan (re-imports keep ids, so ids alone don't give the plan's order).
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Set when a re-imported plan no longer has it; kept because its readings are history.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    plan_action: Mapped[PlanAction | None] = relationship(back_populates="indicators")
    readings: Mapped[list[IndicatorReading]] = relationship(back_populates="indicator")


class ReadingStatus(enum.StrEnum):
    RESPONDIDO = "respondido"
    SIN_RESPUESTA = "sin_respuesta"


class IndicatorReading(Base):
    """An indicator's value for one period, and where it came from."""

    __tablename__ = "indicator_readings"
    __table_args__ = (UniqueConstraint("indicator_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default=ReadingStatus.RESPONDIDO.value)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    answer_id: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    indicator: Mapped[Indicator] = relationship(back_populates="readings")


class CriterionStatus(Base):
    """A committee's standing on one criterion of its framework (criteria live in data files)."""

    __tablename__ = "criterion_statuses"
    __table_args__ = (UniqueConstraint("committee_id", "criterion_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    criterion_key: Mapped[str] = mapped_column(String(120))
    met: Mapped[bool] = mapped_column(default=False)
    # «No aplica» (e.g. 10.1 for a gobernación): counted as met, as the ITA does not penalise
    # it, and shown as N.A. in the matrix; `evidence` says why.
    not_applicable: Mapped[bool] = mapped_column(default=False, server_default=false())
    target_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CriterionEvent(Base):
    """History of criterion changes, so the informe can show how a phase moved in a period."""

    __tablename__ = "criterion_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    criterion_key: Mapped[str] = mapped_column(String(120))
    # "cumple", "no_cumple" or "fecha" (only the target date changed); `met` is the standing
    # after the event either way, so the latest event before a moment tells the share then.
    kind: Mapped[str] = mapped_column(String(20), default="cumple")
    met: Mapped[bool] = mapped_column()
    target_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
