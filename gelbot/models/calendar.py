"""Dates of the reporting calendar that the norm leaves open and the coordinador sets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gelbot.models.base import Base, UTCDateTime


class ReportingDate(Base):
    """One date of an obligation whose dates change every year (FURAG, ITA, quarterly reports).

    The framework file says which obligations these are; the coordinador sets them with
    /calendario, and the planner warns before `due_on` as before any deadline.
    """

    __tablename__ = "reporting_dates"
    __table_args__ = (UniqueConstraint("committee_id", "obligation_key", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    obligation_key: Mapped[str] = mapped_column(String(40))
    opens_on: Mapped[date | None] = mapped_column(Date)  # the window's first day, if it has one
    due_on: Mapped[date] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
