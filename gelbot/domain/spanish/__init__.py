"""Understand answers typed in plain Spanish, and write dates the way a committee reads them."""

# Every `parse_*` function takes any string and returns a value or None; none of them raises.
# Decisions on ambiguous input are documented on each function and pinned by tests.

from __future__ import annotations

from typing import TYPE_CHECKING

from gelbot.domain.spanish.answers import parse_number, parse_percentage, parse_yes_no
from gelbot.domain.spanish.dates import Prefer, impossible_date, parse_date
from gelbot.domain.spanish.formatting import (
    format_date,
    format_date_short,
    format_datetime,
    month_name,
    weekday_name,
)
from gelbot.domain.spanish.text import LOCALE, MAX_ANSWER_LENGTH, normalize
from gelbot.domain.spanish.times import parse_time

if TYPE_CHECKING:
    from gelbot.domain.recurrence import (
        DEFAULT_MEETING_TIME,
        LAST,
        MeetingRule,
        parse_meeting_rule,
    )

__all__ = [
    "DEFAULT_MEETING_TIME",
    "LAST",
    "LOCALE",
    "MAX_ANSWER_LENGTH",
    "MeetingRule",
    "Prefer",
    "format_date",
    "format_date_short",
    "format_datetime",
    "impossible_date",
    "month_name",
    "normalize",
    "parse_date",
    "parse_meeting_rule",
    "parse_number",
    "parse_percentage",
    "parse_time",
    "parse_yes_no",
    "weekday_name",
]

# The meeting rule lives in gelbot.domain.recurrence, which itself imports this package's
# parsers; importing it lazily keeps the old `from gelbot.domain.spanish import MeetingRule`
# working without an import cycle, whichever of the two modules is imported first.
_RECURRENCE_NAMES = frozenset({"DEFAULT_MEETING_TIME", "LAST", "MeetingRule", "parse_meeting_rule"})


def __getattr__(name: str) -> object:
    """Hand out the meeting-rule names from gelbot.domain.recurrence on first use."""
    if name in _RECURRENCE_NAMES:
        from gelbot.domain import recurrence

        return getattr(recurrence, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
