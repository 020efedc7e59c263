"""SQLAlchemy models; importing this package registers every table on Base.metadata."""

from gelbot.models.base import Base, UTCDateTime
from gelbot.models.committees import Committee, Membership, Nivel, Orden, Person, Role
from gelbot.models.tracking import (
    OPEN_COMPROMISO_STATUSES,
    Attendance,
    Compromiso,
    CompromisoEvent,
    CompromisoStatus,
    CriterionEvent,
    CriterionStatus,
    Decision,
    Frequency,
    Indicator,
    IndicatorReading,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    PlanAction,
    ReadingStatus,
)

__all__ = [
    "OPEN_COMPROMISO_STATUSES",
    "Attendance",
    "Base",
    "Committee",
    "Compromiso",
    "CompromisoEvent",
    "CompromisoStatus",
    "CriterionEvent",
    "CriterionStatus",
    "Decision",
    "Frequency",
    "Indicator",
    "IndicatorReading",
    "Meeting",
    "MeetingAttendance",
    "MeetingStatus",
    "Membership",
    "Nivel",
    "Orden",
    "Person",
    "PlanAction",
    "ReadingStatus",
    "Role",
    "UTCDateTime",
]
