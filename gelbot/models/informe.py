"""The informe's review: one draft per committee and period, and the coordinador's row edits.

The rows themselves are never stored: they are compiled from the record every time, so a
meeting recorded after the review still shows up. What is stored is what a person decided
about a row (leave it out, rewrite its RESULTADOS), keyed by the row's stable `row_key`, so the
review survives restarts and the next /informe (or `gelbot informe`) for the period reuses it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gelbot.models.base import Base, UTCDateTime
from gelbot.models.flows import ProgressNote, SemesterItem
from gelbot.models.tracking import Compromiso, Decision, Meeting


class InformeDraft(Base):
    """The informe of one committee for one period, while (and after) it is reviewed."""

    __tablename__ = "informe_drafts"
    __table_args__ = (UniqueConstraint("committee_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "semestral" or "trimestral"
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # Every row_key the review has shown, in order of first appearance and never reordered:
    # a button names a row by its index here, since row keys can outgrow 64-byte callback data.
    row_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    generated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )


class InformeRowEdit(Base):
    """What the coordinador decided about one row: left out, and/or a new RESULTADOS text."""

    __tablename__ = "informe_row_edits"
    __table_args__ = (UniqueConstraint("draft_id", "row_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("informe_drafts.id", ondelete="CASCADE"))
    row_key: Mapped[str] = mapped_column(String(200))
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    # None keeps the text compiled from the record.
    resultado: Mapped[str | None] = mapped_column(Text)
    accion: Mapped[str | None] = mapped_column(Text)
    fecha_texto: Mapped[str | None] = mapped_column(String(200))
    # The row_key of the row this one was merged into: its text joins that row's, and it
    # leaves the table (the annex keeps both traces).
    merged_into: Mapped[str | None] = mapped_column(String(200))
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InformeManualRow(Base):
    """A row added by hand (a contract signed, a service bought); its row_key is manual:<id>."""

    __tablename__ = "informe_manual_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("informe_drafts.id", ondelete="CASCADE"), index=True
    )
    accion: Mapped[str] = mapped_column(Text)
    resultado: Mapped[str] = mapped_column(Text)
    fecha_texto: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InformeSettings(Base):
    """What a committee's informe says about the entity, set once in the chat (/informe datos)."""

    __tablename__ = "informe_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), unique=True
    )
    # The cover's letterhead, one line each («REPÚBLICA DE COLOMBIA», «GOBERNACIÓN»…).
    letterhead: Mapped[list[str]] = mapped_column(JSON, default=list)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)  # a PNG, already checked and shrunk
    # The entity's own Word template (docxtpl tags), already checked; None uses gelbot's.
    plantilla: Mapped[bytes | None] = mapped_column(LargeBinary)
    representante_nombre: Mapped[str | None] = mapped_column(String(200))
    representante_cargo: Mapped[str | None] = mapped_column(String(200))
    # The committee's own texts; None keeps the framework's (gelbot/data/informe/).
    introduccion: Mapped[str | None] = mapped_column(Text)
    objetivo_general: Mapped[str | None] = mapped_column(Text)
    objetivos_especificos: Mapped[list[str] | None] = mapped_column(JSON)
    # The months the committee's periods start in (seed 000: [2, 9] for febrero–agosto and
    # septiembre–enero); empty keeps informe_months / informe_start_month of the committee.
    period_starts: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Indexes the informe's compiler needs on other features' tables, declared here beside the
# queries they serve: each one turns "this committee's rows in the period" into a range scan,
# so compiling costs what the period holds, not what five years of history hold.
Index("ix_meetings_committee_id_held_on", Meeting.committee_id, Meeting.held_on)
Index("ix_compromisos_committee_id_closed_at", Compromiso.committee_id, Compromiso.closed_at)
Index("ix_compromisos_meeting_id", Compromiso.meeting_id)
Index("ix_decisions_meeting_id", Decision.meeting_id)
Index("ix_progress_notes_committee_id_noted_on", ProgressNote.committee_id, ProgressNote.noted_on)
Index(
    "ix_semester_items_committee_id_period_start",
    SemesterItem.committee_id,
    SemesterItem.period_start,
)
