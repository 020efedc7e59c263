"""Conversations (flows): their versions, each run, every answer, and what answers produced.

A run's position, attempts and open question live here, so a restart resumes at the next
unanswered question. Answers are never edited: a correction adds a new answer and points the
old one at it (`superseded_by_id`), so the history of who said what stays.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gelbot.models.base import Base, UTCDateTime


class RunStatus(enum.StrEnum):
    ESPERANDO = "esperando"  # a question is out, waiting for its answer
    EN_COLA = "en_cola"  # behind another run in the same private chat; not asked yet
    COMPLETADO = "completado"
    SIN_RESPUESTA = "sin_respuesta"  # expired unanswered
    CANCELADO = "cancelado"


OPEN_RUN_STATUSES = (RunStatus.ESPERANDO.value, RunStatus.EN_COLA.value)


class AnswerStatus(enum.StrEnum):
    RESPONDIDA = "respondida"
    OMITIDA = "omitida"  # an optional question the person chose to skip
    SIN_RESPUESTA = "sin_respuesta"  # the run expired on this question


class FlowDefinition(Base):
    """One version of a flow's YAML: a committee's own (uploaded) or a shipped file's.

    Shipped files get a row too (committee_id NULL) the first time a run uses them, keyed by
    the text's digest, so a run resumes under the exact version it started with even after the
    file changed on disk.
    """

    __tablename__ = "flow_definitions"
    __table_args__ = (UniqueConstraint("committee_id", "flow_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    flow_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FlowRun(Base):
    """One person (or the group) going through one flow about one subject."""

    __tablename__ = "flow_runs"
    __table_args__ = (Index("ix_flow_runs_status_expires_at", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    definition_id: Mapped[int] = mapped_column(ForeignKey("flow_definitions.id"))
    flow_id: Mapped[str] = mapped_column(String(40))
    flow_version: Mapped[int] = mapped_column(Integer)
    # None when the flow asks the whole group: any member may answer.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    trigger: Mapped[str] = mapped_column(String(60))  # "recordatorio:sitio_web", "comando:avance"
    subject_kind: Mapped[str] = mapped_column(String(20), default="ninguno")
    subject_id: Mapped[int | None] = mapped_column(Integer)
    subject_key: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.ESPERANDO.value)
    # The position: which item (for flows that repeat per criterion), which question, and
    # which pass through a loop ("¿otro logro?" → back to the first question).
    item_index: Mapped[int] = mapped_column(Integer, default=0)
    question_id: Mapped[str | None] = mapped_column(String(40))
    iteration: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped each time a question goes out; buttons carry it, so a stale press is refused.
    step: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set on a run that corrects an earlier answer instead of walking a flow.
    # (No foreign key: flow_answers already points at flow_runs, and SQLite can't add the
    # second half of a cycle after the fact.)
    corrects_answer_id: Mapped[int | None] = mapped_column(Integer)
    # Items (criteria) and dynamic choices, frozen when first computed so buttons stay valid.
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FlowMessage(Base):
    """A message the bot sent for a run: replies to it are answers to that run."""

    __tablename__ = "flow_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)
    has_buttons: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FlowAnswer(Base):
    """One answer, stored the moment it is given: who, when, what they typed, what it meant."""

    __tablename__ = "flow_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    definition_id: Mapped[int] = mapped_column(ForeignKey("flow_definitions.id"))
    flow_id: Mapped[str] = mapped_column(String(40))
    flow_version: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(40))
    item_index: Mapped[int] = mapped_column(Integer, default=0)
    item_key: Mapped[str | None] = mapped_column(String(120))
    iteration: Mapped[int] = mapped_column(Integer, default=0)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=AnswerStatus.RESPONDIDA.value)
    raw_text: Mapped[str | None] = mapped_column(Text)
    # JSON: true/false, a number, an ISO date, a choice value, text, or {"kind", "file_id", ...}.
    value: Mapped[Any] = mapped_column(JSON)
    display: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("flow_answers.id", ondelete="SET NULL")
    )


class ProgressNote(Base):
    """Progress a member reported in their own words (/avance), for the informe."""

    __tablename__ = "progress_notes"
    __table_args__ = (UniqueConstraint("run_id", "effect_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    compromiso_id: Mapped[int | None] = mapped_column(
        ForeignKey("compromisos.id", ondelete="SET NULL")
    )
    plan_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="SET NULL")
    )
    run_id: Mapped[int] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"))
    # Which effect of which pass wrote it, so re-applying after a correction updates this row.
    effect_key: Mapped[str] = mapped_column(String(120))
    answer_id: Mapped[int | None] = mapped_column(Integer)
    noted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SemesterItem(Base):
    """A row for the informe's ACCIONES | RESULTADOS | FECHA table that no other record holds.

    Workshops with their attendance, equipment bought, agreements signed, and the period's
    difficulties and next steps, as the coordinador answered the semester questionnaire.
    """

    __tablename__ = "semester_items"
    __table_args__ = (UniqueConstraint("run_id", "effect_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    # taller, equipos, convenio, otro, dificultad, proximo_paso
    kind: Mapped[str] = mapped_column(String(40))
    accion: Mapped[str] = mapped_column(Text)
    resultado: Mapped[str | None] = mapped_column(Text)
    fecha: Mapped[date | None] = mapped_column(Date)
    asistentes: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    run_id: Mapped[int] = mapped_column(ForeignKey("flow_runs.id", ondelete="CASCADE"))
    effect_key: Mapped[str] = mapped_column(String(120))
    answer_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
