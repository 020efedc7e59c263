"""Understand answers typed in plain Spanish, and write dates the way a committee reads them."""

# Every `parse_*` function takes any string and returns a value or None; none of them raises.
# Decisions on ambiguous input are documented on each function and pinned by tests.

from __future__ import annotations

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

__all__ = [
    "LOCALE",
    "MAX_ANSWER_LENGTH",
    "Prefer",
    "format_date",
    "format_date_short",
    "format_datetime",
    "impossible_date",
    "month_name",
    "normalize",
    "parse_date",
    "parse_number",
    "parse_percentage",
    "parse_time",
    "parse_yes_no",
    "weekday_name",
]
