"""The informe's period: the committee's own periods, and the window a coordinador asks for.

A committee's periods are `informe_months` long and the year's first one starts on
`informe_start_month` (6 and 2 by default): semestral informes cover February–July and
August–January, the same periods the semester questionnaire and /fases use. Trimestral
informes (seed 004, Artículo Tercero) cover three months from the same anchor (February–April,
May–July, …), so two quarters make one semester. A committee may set its own boundaries as the
months its periods start in (`/informe datos periodos febrero septiembre`: seed 000's
February–August, then September–January); any explicit window is honoured as given.

`/informe` alone is the last complete period the committee lived: a committee registered in
March 2009 has lived no complete period before August 2009, so until then it gets the running
one (the chat warns that it is still running). No Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from gelbot.domain.errors import DomainError
from gelbot.domain.spanish import normalize
from gelbot.models import Committee

InformeKind = Literal["semestral", "trimestral"]
MONTHS_OF: dict[InformeKind, int] = {"semestral": 6, "trimestral": 3}
MAX_MONTHS = 24  # longer windows are not an informe, and would make compiling unbounded
_KIND_WORDS: dict[str, InformeKind] = {
    "semestral": "semestral",
    "semestre": "semestral",
    "trimestral": "trimestral",
    "trimestre": "trimestral",
}
_CURRENT_WORDS = {"actual", "en curso", "este"}
_FILLER = {"desde", "hasta", "de", "del", "al", "a", "y", "-", "–", "—", "informe", "periodo"}
_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
# One date or month as people write them, most specific first; a bare month name takes its
# year from the other end of the window ("febrero a agosto de 2009").
_MONTH_NAMES = "|".join(_MONTHS)
_DATE = re.compile(
    r"(?P<iso>\d{4})-(?P<iso_m>\d{1,2})(?:-(?P<iso_d>\d{1,2}))?(?![\d-])"
    r"|(?<![\d/])(?:(?P<dmy_d>\d{1,2})/)?(?P<dmy_m>\d{1,2})/(?P<dmy_y>\d{4})(?![\d/])"
    rf"|\b(?P<name>{_MONTH_NAMES})(?:\s+de)?\s+(?P<name_y>\d{{4}})\b"
    rf"|\b(?P<bare>{_MONTH_NAMES})\b"
)
Edge = Literal["start", "end"]


@dataclass(frozen=True)
class InformePeriod:
    """The kind of informe and the days it covers, both ends included."""

    kind: InformeKind
    start: date
    end: date


@dataclass(frozen=True)
class PeriodRequest:
    """What a coordinador typed after /informe, before knowing the committee's calendar.

    `start`/`end` are an explicit window; `around` alone asks for the period containing that
    day; `current` for the period running today; nothing at all for the last completed one.
    """

    kind: InformeKind | None = None
    start: date | None = None
    end: date | None = None
    around: date | None = None
    current: bool = False


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_kind(committee_months: int) -> InformeKind:
    """A committee reporting every three months or less writes trimestrales; others semestrales."""
    return "trimestral" if committee_months <= 3 else "semestral"


def period_containing(
    day: date, *, months: int, start_month: int, kind: InformeKind
) -> InformePeriod:
    """The period of `months` months anchored on `start_month` that contains `day`."""
    months = max(1, min(months, 12))
    anchor = (start_month - 1) % 12
    index = day.year * 12 + day.month - 1 - anchor
    first = index - index % months + anchor
    start = date(first // 12, first % 12 + 1, 1)
    return InformePeriod(kind, start, _add_months(start, months) - timedelta(days=1))


def committee_period(committee: Committee, day: date) -> InformePeriod:
    """The committee's own informe period (its length and start month) that contains `day`."""
    months = committee.informe_months
    return period_containing(
        day, months=months, start_month=committee.informe_start_month, kind=default_kind(months)
    )


def period_from_starts(day: date, starts: Sequence[int], kind: InformeKind) -> InformePeriod:
    """The period containing `day` when periods start in the months `starts` (e.g. [2, 9])."""
    months = sorted({m for m in starts if 1 <= m <= 12})
    if not months:
        raise ValueError("sin meses de inicio")
    index = day.year * 12 + day.month - 1
    firsts = [y * 12 + m - 1 for y in (day.year - 1, day.year, day.year + 1) for m in months]
    first = max(f for f in firsts if f <= index)
    following = min(f for f in firsts if f > index)
    start = date(first // 12, first % 12 + 1, 1)
    end = date(following // 12, following % 12 + 1, 1) - timedelta(days=1)
    return InformePeriod(kind, start, end)


def _months_for(kind: InformeKind | None, committee_months: int) -> tuple[InformeKind, int]:
    if kind is None:
        return default_kind(committee_months), committee_months
    return kind, MONTHS_OF[kind]


def _containing(
    day: date, kind: InformeKind | None, *, committee_months: int, start_month: int,
    starts: Sequence[int],
) -> InformePeriod:  # fmt: skip
    """The period containing `day`: the committee's own boundaries unless another kind is asked."""
    chosen, months = _months_for(kind, committee_months)
    if starts and kind is None:
        found = period_from_starts(day, starts, "semestral")
        # Boundaries a quarter apart or less make trimestral informes (seed 004's Artículo 3).
        short = found.end < _add_months(found.start, 3)
        return InformePeriod("trimestral" if short else "semestral", found.start, found.end)
    if starts and kind == "semestral":
        return period_from_starts(day, starts, kind)
    return period_containing(day, months=months, start_month=start_month, kind=chosen)


def last_completed(
    today: date, *, committee_months: int, start_month: int, kind: InformeKind | None = None,
    starts: Sequence[int] = (), lived_from: date | None = None,
) -> InformePeriod:  # fmt: skip
    """The latest period that ended before `today` and that the committee lived (existed in);
    the running one if it lived none."""
    calendar = {"committee_months": committee_months, "start_month": start_month}
    running = _containing(today, kind, starts=starts, **calendar)
    previous = _containing(running.start - timedelta(days=1), kind, starts=starts, **calendar)
    if lived_from is not None and previous.end < lived_from:
        return running
    return previous


def is_running(period: InformePeriod, today: date) -> bool:
    """Whether the period has not ended yet on `today` (the informe is a progress report)."""
    return period.end >= today


def resolve(
    request: PeriodRequest, *, committee_months: int, start_month: int, today: date,
    starts: Sequence[int] = (), lived_from: date | None = None,
) -> InformePeriod:  # fmt: skip
    """The period a request means for a committee; DomainError("informe_uso") when it can't be."""
    kind, _ = _months_for(request.kind, committee_months)
    if request.start is not None and request.end is not None:
        if request.kind is None:  # a window of a quarter or less is a trimestral informe
            short = request.end < _add_months(request.start.replace(day=1), 3)
            kind = "trimestral" if short else "semestral"
        period = InformePeriod(kind, request.start, request.end)
    elif request.around is not None or request.current:
        day = request.around or today
        period = _containing(
            day, request.kind, committee_months=committee_months, start_month=start_month,
            starts=starts,
        )  # fmt: skip
    else:
        return last_completed(
            today, committee_months=committee_months, start_month=start_month, kind=request.kind,
            starts=starts, lived_from=lived_from,
        )  # fmt: skip
    if period.end < period.start:
        raise DomainError("informe_uso", motivo="orden", desde=period.start, hasta=period.end)
    if period.start > today:
        raise DomainError("informe_uso", motivo="futuro", desde=period.start)
    if _add_months(period.start.replace(day=1), MAX_MONTHS) <= period.end:
        raise DomainError("informe_uso", motivo="largo", limite=MAX_MONTHS)
    return period


@dataclass(frozen=True)
class _Written:
    """A date as written: the year may be missing (a bare month), the day often is."""

    text: str
    year: int | None
    month: int
    day: int | None


def _written(match: re.Match[str]) -> _Written:
    groups = match.groupdict()
    if groups["iso"]:
        year, month, day = groups["iso"], groups["iso_m"], groups["iso_d"]
    elif groups["dmy_y"]:
        year, month, day = groups["dmy_y"], groups["dmy_m"], groups["dmy_d"]
    elif groups["name"]:
        year, month, day = groups["name_y"], str(_MONTHS[groups["name"]]), None
    else:
        year, month, day = None, str(_MONTHS[groups["bare"]]), None
    return _Written(
        match.group()[:60], int(year) if year else None, int(month), int(day) if day else None
    )


def _day(written: _Written, year: int | None, edge: Edge) -> date:
    """The day a written date means; a bare month is its first or last day, by `edge`."""
    if year is None:
        raise DomainError("informe_uso", motivo="sin_ano", palabra=written.text)
    try:
        if not 1900 <= year <= 2200:
            raise ValueError(year)
        if written.day is not None:
            return date(year, written.month, written.day)
        first = date(year, written.month, 1)
    except ValueError:
        raise DomainError("informe_uso", motivo="fecha", palabra=written.text) from None
    return first if edge == "start" else _add_months(first, 1) - timedelta(days=1)


def _window(first: _Written, last: _Written) -> tuple[date, date]:
    """Both ends, a missing year taken from the other end so the window runs forward."""
    first_year, last_year = first.year, last.year
    if first_year is None and last_year is not None:
        first_year = last_year - (1 if first.month > last.month else 0)
    if last_year is None and first_year is not None:
        last_year = first_year + (1 if last.month < first.month else 0)
    return _day(first, first_year, "start"), _day(last, last_year, "end")


def parse_request(text: str) -> PeriodRequest:
    """Read `[semestral|trimestral] [desde] [hasta]`; DomainError("informe_uso") says what's wrong.

    Dates: 2009-02, 2009-02-01, 02/2009, 1/02/2009, «febrero de 2009». Two dates are the
    window (a month as its first or last day); one date asks for the period containing it;
    «actual» for the period running today.
    """
    words = normalize(text)
    kind: InformeKind | None = None
    current = False
    found = [_written(match) for match in _DATE.finditer(words)]
    rest = _DATE.sub(" ", words)
    for phrase in sorted(_CURRENT_WORDS, key=len, reverse=True):
        if re.search(rf"\b{phrase}\b", rest):
            current = True
            rest = re.sub(rf"\b{phrase}\b", " ", rest)
    leftover: list[str] = []
    for word in re.split(r"[\s,;.:()]+", rest):
        if not word or word in _FILLER:
            continue
        if word in _KIND_WORDS:
            if kind is not None and kind != _KIND_WORDS[word]:
                raise DomainError("informe_uso", motivo="dos_tipos")
            kind = _KIND_WORDS[word]
        else:
            leftover.append(word)
    if leftover:
        raise DomainError("informe_uso", motivo="palabra", palabra=" ".join(leftover)[:60])
    if len(found) > 2:
        raise DomainError("informe_uso", motivo="muchas")
    if current and found:
        raise DomainError("informe_uso", motivo="actual_con_fechas")
    if len(found) == 1:
        return PeriodRequest(kind, around=_day(found[0], found[0].year, "start"))
    if len(found) == 2:
        start, end = _window(found[0], found[1])
        return PeriodRequest(kind, start=start, end=end)
    return PeriodRequest(kind, current=current)
