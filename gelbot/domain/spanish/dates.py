"""Read a date relative to today ("15 de diciembre", "el martes", "en 3 días hábiles")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal

from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.spanish.answers import _TEENS_AND_TWENTIES, _UNITS, parse_number
from gelbot.domain.spanish.text import MAX_ANSWER_LENGTH, _alternation, normalize
from gelbot.domain.spanish.times import _find_time

# Which occurrence a date without a year (or month) means; see `parse_date`.
Prefer = Literal["current", "future", "past"]

_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip
_MONTH_ABBREVIATIONS = r"ene|feb|mar|abr|may|jun|jul|ago|sep|sept|set|oct|nov|dic"
_WEEKDAYS = {
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
}  # fmt: skip
_SIMPLE_DAYS = {"hoy": 0, "manana": 1, "pasado manana": 2, "ayer": -1, "anteayer": -2,
                "antier": -2, "antes de ayer": -2}  # fmt: skip
_LEAD = re.compile(
    r"^(?:(?:para|hasta|antes de|a mas tardar|desde|a partir de|mas tardar)\s+)?"
    r"(?:(?:el|la|los|del)\s+)?(?:dia\s+)?"
)
_END_OF = re.compile(r"(?:a\s+)?(?:fin|final|finales)\s+(?:de|del)\s+(?:este\s+)?(mes|ano)")
_DAY_IN_MONTH = re.compile(
    r"(\d{1,2})\s+(?:de|del)\s+"
    r"(este mes|mes pasado|proximo mes|mes que viene|siguiente mes|mes entrante)"
)
_DAY_WORDS = {
    **{w: v for w, v in {**_UNITS, **_TEENS_AND_TWENTIES}.items() if v and w not in ("un", "una")},
    "diez": 10, "veinte": 20, "treinta": 30, "treinta y uno": 31, "primero": 1,
}  # fmt: skip
# "quince de diciembre", "el quince": a day written in words, before "de" or alone.
_DAY_WORD = re.compile(rf"^({_alternation(_DAY_WORDS)})(?=\s+del?\s|$)")
_NAMED_WEEKDAY = re.compile(rf"^({'|'.join(_WEEKDAYS)}),?\s+(?=\d)")
_RELATIVE = re.compile(
    r"^(?P<dir>en|dentro de|hace)\s+(?P<n>\S+(?:\s+y\s+\S+)?)\s+"
    r"(?P<unit>dias?|semanas?|mes|meses|anos?)(?:\s+(?P<habiles>habiles))?(?:\s+mas)?$"
)
# "para la próxima semana": a due date by the end of next week's working days (its Friday).
_NEXT_WEEK = re.compile(
    r"(?:proxima|siguiente)\s+semana|semana\s+(?:que viene|entrante|proxima|siguiente)"
)
_WEEKDAY = re.compile(
    rf"^(?:(?P<next1>proximo|este|siguiente)\s+)?(?P<day>{'|'.join(_WEEKDAYS)})"
    r"(?:\s+(?P<next2>que viene|proximo|entrante|siguiente)|\s+(?P<past>pasado|anterior))?$"
)


def parse_date(
    text: str,
    *,
    today: date,
    prefer: Prefer = "current",
    calendar: WorkingCalendar | None = None,
) -> date | None:
    """Read a date relative to `today`: "2009-12-15", "15/12/2009", "15 de diciembre", "mañana".

    Weekdays ("el martes", "el próximo viernes") are the next such day after today ("el martes
    pasado" goes back). A date without a year ("15 de diciembre") is in this year unless that
    is more than half a year gone, then next year; a bare day ("el 3") likewise is in this
    month unless more than half a month gone. `prefer="future"` takes the first occurrence
    on or after today (a due date), `prefer="past"` the last on or before it (a meeting
    already held). "En 3 días hábiles" counts working days on `calendar` (Colombia's
    festivos by default).
    """
    try:
        if len(text) > MAX_ANSWER_LENGTH:
            return None
        if isinstance(today, datetime):
            today = today.date()  # a datetime is a date to Python, but adds hours to sums
        n = re.sub(r"[¡!¿?]+", " ", normalize(text)).strip(" .,;:")
        if n in _SIMPLE_DAYS:  # before the lead goes: "antes de ayer" is not "ayer"
            return today + timedelta(days=_SIMPLE_DAYS[n])
        n = _LEAD.sub("", n, count=1).strip()
        found_time = _find_time(n)
        if found_time is not None:  # "3 de marzo a las 9": the hour is not part of the date
            n = f"{n[: found_time.start]} {n[found_time.end :]}".strip(" ,")
        n = _DAY_WORD.sub(lambda m: str(_DAY_WORDS[m[1]]), n)
        named = _NAMED_WEEKDAY.match(n)
        if named is None:
            return _own_date_rules(n, today, prefer, calendar) or _dateparser_date(n, today, prefer)
        # "viernes 6": the weekday only confirms the date; if they disagree, ask again.
        n = n[named.end() :]
        found = _own_date_rules(n, today, prefer, calendar) or _dateparser_date(n, today, prefer)
        return found if found is not None and found.weekday() == _WEEKDAYS[named[1]] else None
    except (ValueError, OverflowError, KeyError):
        return None


def _own_date_rules(
    n: str, today: date, prefer: Prefer, calendar: WorkingCalendar | None
) -> date | None:
    """Read the phrasings dateparser misses or gets subtly wrong (weekdays, "en dos semanas")."""
    if n in _SIMPLE_DAYS:
        return today + timedelta(days=_SIMPLE_DAYS[n])
    end_of = _END_OF.fullmatch(n)
    if end_of is not None:
        month = today.month if end_of[1] == "mes" else 12
        return _last_day(today.year, month)
    in_month = _DAY_IN_MONTH.fullmatch(n)
    if in_month is not None:
        months = 0 if in_month[2] == "este mes" else -1 if in_month[2] == "mes pasado" else 1
        first = _add_months(today.replace(day=1), months)
        return first.replace(day=int(in_month[1]))
    if _NEXT_WEEK.fullmatch(n):
        return today + timedelta(days=7 - today.weekday() + 4)
    relative = _RELATIVE.match(n)
    if relative is not None:
        return _relative_date(relative, today, calendar)
    weekday = _WEEKDAY.match(n)
    if weekday is not None:
        target = _WEEKDAYS[weekday["day"]]
        if weekday["past"] or (prefer == "past" and not (weekday["next1"] or weekday["next2"])):
            return today - timedelta(days=(today.weekday() - target - 1) % 7 + 1)
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    if re.fullmatch(r"\d{1,2}", n):
        return _resolve_day_of_month(int(n), today, prefer)
    return None


def _relative_date(match: re.Match[str], today: date, calendar: WorkingCalendar | None) -> date:
    """Move from `today` by "en 3 días", "dentro de un mes", "hace dos semanas"."""
    amount = parse_number(match["n"])
    if amount is None or amount != int(amount) or amount > 10_000:
        raise ValueError(match["n"])
    count = int(amount) * (-1 if match["dir"] == "hace" else 1)
    unit = match["unit"]
    if match["habiles"]:
        if not unit.startswith("dia"):
            raise ValueError(unit)
        return (calendar or WorkingCalendar()).add_working_days(today, count)
    if unit.startswith("dia"):
        return today + timedelta(days=count)
    if unit.startswith("semana"):
        return today + timedelta(weeks=count)
    months = count * (12 if unit.startswith("ano") else 1)
    return _add_months(today, months)


def _add_months(d: date, months: int) -> date:
    """Add calendar months, keeping the day or falling back to the month's last day."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, _last_day(year, month + 1).day))


def _last_day(year: int, month: int) -> date:
    """Return the last day of a month."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _pick(
    candidates: list[date], today: date, prefer: Prefer, *, period_start: date, slack: timedelta
) -> date | None:
    """Pick the candidate `prefer` asks for (see `parse_date`)."""
    if prefer == "past":
        return max((c for c in candidates if c <= today), default=None)
    earliest = today
    if prefer == "current":
        # The current year (month) may stay a little in the past: "el 3" said on the 10th is
        # last week, but said on the 27th it is next month's.
        earliest = max(period_start, today - slack)
    return min((c for c in candidates if c >= earliest), default=None)


def _resolve_day_of_month(day: int, today: date, prefer: Prefer) -> date | None:
    """Place "el 15" in the previous, this or a following month, as `prefer` asks."""
    candidates = []
    for months in range(-2, 3):
        first = _add_months(today.replace(day=1), months)
        if day <= _last_day(first.year, first.month).day:
            candidates.append(first.replace(day=day))
    return _pick(
        candidates, today, prefer, period_start=today.replace(day=1), slack=timedelta(days=15)
    )


def _resolve_year(month: int, day: int, today: date, prefer: Prefer) -> date | None:
    """Place "15 de diciembre" in a year; 29 February looks up to four years away."""
    candidates = []
    for year in range(today.year - 4, today.year + 5):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return _pick(
        candidates, today, prefer, period_start=date(today.year, 1, 1), slack=timedelta(days=183)
    )


@lru_cache(maxsize=16)
def _dateparser_for(today: date) -> Any:
    """Build a Spanish day-month-year dateparser relative to `today`, once per day."""
    # Imported here: dateparser takes a noticeable time to import and load its Spanish data,
    # and most of the bot never parses a date. Building a parser afterwards is cheap.
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime.combine(today, time()),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "REQUIRE_PARTS": ["day", "month"],
        # Not "timestamp" (ten digits are not a date here) nor "no-spaces-time" ("1215").
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
    }
    return DateDataParser(languages=["es"], settings=settings)


_HAS_DATE_WORD = re.compile(rf"\d|\b(?:{'|'.join(_MONTHS)}|{_MONTH_ABBREVIATIONS})\b")


def _dateparser_date(n: str, today: date, prefer: Prefer) -> date | None:
    """Ask dateparser for absolute dates ("15 de diciembre de 2009", "15-12-09", "dic 15")."""
    # dateparser knows "1 de marzo" but not "1o de marzo" (from "1º") nor "1ro de marzo".
    n = re.sub(r"^(?:1o|1ro|1er)\b", "1", n)
    if not _HAS_DATE_WORD.search(n) or re.search(r"[<>{}\[\]]", n):
        return None
    try:
        data = _dateparser_for(today).get_date_data(n)
    except Exception:
        # dateparser walks arbitrary text through many regexes and calendars; whatever it
        # trips on, the answer to the person is "that is not a date", never a traceback.
        return None
    found = data["date_obj"]
    if found is None or data["period"] != "day" or not 1900 <= found.year <= 2100:
        return None
    parts = data["parts"] or ()
    if "year" not in parts:
        return _resolve_year(found.month, found.day, today, prefer)
    return date(found.year, found.month, found.day)


_NAMED_MONTH_DAY = re.compile(
    rf"\b(\d{{1,2}})\s+de\s+({'|'.join(_MONTHS)})(?:\s+(?:de|del)\s+(\d{{4}}))?\b"
)
_NUMERIC_DAY = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.-])")


def impossible_date(text: str) -> tuple[int, int, int | None, int] | None:
    """A day the calendar lacks («31 de febrero», «30/02/2010»): (day, month, year, last day).

    Found so the answer can say «esa fecha no existe» instead of «no encontré la fecha».
    """
    if len(text) > MAX_ANSWER_LENGTH:
        return None
    n = normalize(text)
    found = [(int(m[1]), _MONTHS[m[2]], m[3]) for m in _NAMED_MONTH_DAY.finditer(n)]
    found += [(int(m[1]), int(m[2]), m[3]) for m in _NUMERIC_DAY.finditer(n)]
    for day, month, year_text in found:
        if not 1 <= month <= 12 or day < 1:
            continue
        year = int(year_text) if year_text else None
        if year is not None and year < 100:
            year += 2000
        # Without a year, 29 de febrero may exist (a leap year); 30 de febrero never does.
        last = _last_day(year if year is not None else 2008, month).day
        if day > last:
            return day, month, year, last
    return None
