"""The monthly meeting rule ("primer martes 9:00"): read from Spanish, stored, and scheduled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from gelbot.domain.calendar import ensure_aware
from gelbot.domain.spanish.dates import _DAY_WORDS, _MONTHS, _WEEKDAYS, _last_day
from gelbot.domain.spanish.formatting import WEEKDAYS
from gelbot.domain.spanish.text import MAX_ANSWER_LENGTH, _alternation, _words, normalize
from gelbot.domain.spanish.times import _find_time

DEFAULT_MEETING_TIME = time(9, 0)
LAST = -1  # the ordinal of "último"
_ORDINAL_NAMES = {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", LAST: "último"}
_CRON_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", LAST: "last"}
_CRON_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class MeetingRule:
    """When the committee meets each month: an nth weekday or a day of the month, at a time.

    Exactly one of (`ordinal`, `weekday`) or `day` is set. `ordinal` is 1–4 or LAST,
    `weekday` 0 (lunes) – 6 (domingo). A `day` past the month's end (29–31) falls on the
    month's last day, so "el 31" means "el último día de cada mes".
    """

    at: time = DEFAULT_MEETING_TIME
    ordinal: int | None = None
    weekday: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        """Refuse rules that name no day or two kinds of day."""
        if self.day is not None:
            if self.ordinal is not None or self.weekday is not None or not 1 <= self.day <= 31:
                raise ValueError(f"día del mes inválido: {self}")
        elif (
            self.ordinal not in _CRON_ORDINALS or self.weekday is None or not 0 <= self.weekday <= 6
        ):
            raise ValueError(f"n-ésimo día de la semana inválido: {self}")
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ValueError("la hora de la regla es local y en minutos exactos")

    def describe(self) -> str:
        """Say the rule in Spanish: "primer martes de cada mes a las 09:00"."""
        hour = f"a las {self.at:%H:%M}"
        if self.day == 31:
            return f"último día de cada mes {hour}"
        if self.day is not None:
            return f"día {self.day} de cada mes {hour}"
        weekday = WEEKDAYS[self.weekday or 0]
        return f"{_ORDINAL_NAMES[self.ordinal or 0]} {weekday} de cada mes {hour}"

    def to_text(self) -> str:
        """Return the storage form: "1st tue 09:00", "last fri 15:00", "day 15 10:00"."""
        if self.day is not None:
            return f"day {self.day} {self.at:%H:%M}"
        return f"{self._cron_weekday()} {self.at:%H:%M}"

    @classmethod
    def from_text(cls, stored: str) -> MeetingRule:
        """Read the storage form written by `to_text`; raise ValueError on anything else."""
        match = re.fullmatch(r"(\S+) (\S+) (\d{2}):(\d{2})", stored.strip())
        if match is None:
            raise ValueError(f"regla de reunión ilegible: {stored!r}")
        first, second, hour, minute = match.groups()
        at = time(int(hour), int(minute))
        if first == "day" and second.isdigit():
            return cls(at=at, day=int(second))
        ordinals = {v: k for k, v in _CRON_ORDINALS.items()}
        if first in ordinals and second in _CRON_WEEKDAYS:
            return cls(at=at, ordinal=ordinals[first], weekday=_CRON_WEEKDAYS.index(second))
        raise ValueError(f"regla de reunión ilegible: {stored!r}")

    def _cron_weekday(self) -> str:
        """Return the cron day expression of an nth-weekday rule: "1st tue", "last fri"."""
        return f"{_CRON_ORDINALS[self.ordinal or 0]} {_CRON_WEEKDAYS[self.weekday or 0]}"

    def _trigger(self, tz: tzinfo) -> CronTrigger:
        """Build the APScheduler trigger; days 29–30 also fire on "last" and are filtered."""
        if self.day is None:
            day = self._cron_weekday()
        elif self.day <= 28:
            day = str(self.day)
        elif self.day == 31:
            day = "last"
        else:
            day = f"{self.day},last"
        return CronTrigger(day=day, hour=self.at.hour, minute=self.at.minute, second=0, timezone=tz)

    def _keeps(self, fire: datetime) -> bool:
        """Tell whether a trigger firing is a real occurrence (one a month for days 29–30)."""
        if self.day is None or self.day <= 28 or self.day == 31:
            return True
        return fire.day == min(self.day, _last_day(fire.year, fire.month).day)

    def _from(self, start: datetime, tz: tzinfo) -> Iterator[datetime]:
        """Yield occurrences at or after `start`, in order, forever."""
        trigger = self._trigger(tz)
        previous: datetime | None = None
        now = ensure_aware(start).astimezone(tz)
        while True:
            fire: datetime | None = trigger.get_next_fire_time(previous, now)
            if fire is None:
                return
            previous = now = fire
            if self._keeps(fire):
                yield fire

    def next_after(self, moment: datetime, tz: str | tzinfo) -> datetime:
        """Return the first occurrence strictly after `moment` (aware), in zone `tz`."""
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        return next(self._from(ensure_aware(moment) + timedelta(microseconds=1), zone))

    def occurrences(self, start: datetime, end: datetime, tz: str | tzinfo) -> list[datetime]:
        """List occurrences with start <= occurrence < end, in zone `tz`."""
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        stop = ensure_aware(end)
        found = []
        for fire in self._from(start, zone):
            if fire >= stop:
                break
            found.append(fire)
        return found


_ORDINAL_WORDS = {
    "primer": 1, "primero": 1, "primera": 1, "1er": 1, "1ro": 1, "1ero": 1, "1o": 1, "1a": 1,
    "segundo": 2, "segunda": 2, "2do": 2, "2o": 2, "2a": 2, "tercer": 3, "tercero": 3,
    "tercera": 3, "3er": 3, "3ro": 3, "3o": 3, "3a": 3, "cuarto": 4, "cuarta": 4, "4to": 4,
    "4o": 4, "4a": 4, "ultimo": LAST, "ultima": LAST, "ult": LAST,
    "primeros": 1, "segundos": 2, "terceros": 3, "cuartos": 4, "ultimos": LAST,
}  # fmt: skip
# "el quince de cada mes": a day in words is read only after "el", "día" or "los", so the
# "una" of "una vez al mes" stays a word.
_RULE_DAY_WORD = re.compile(rf"\b(el|dia|los)\s+({_alternation(_DAY_WORDS)})\b")
_NOT_MONTHLY = re.compile(r"\b(?:semana\w*|quincena\w*|habil\w*|cada \S+ dias|diario|anual)\b")


def parse_meeting_rule(text: str) -> MeetingRule | None:
    """Read the monthly meeting rule: "primer martes 9:00", "el 15 de cada mes 10am".

    Without a time the meeting is at 09:00 (DEFAULT_MEETING_TIME); the bot confirms the rule
    with `describe()`, which shows it. Weekly or fortnightly rules and "último día hábil"
    are not monthly rules this type can hold: None.
    """
    try:
        n = normalize(text).replace("°", "o")
        if not n or len(n) > MAX_ANSWER_LENGTH or _NOT_MONTHLY.search(n):
            return None
        if re.search(rf"\b(?:{'|'.join(_MONTHS)})\b", n):
            return None  # "15 de diciembre" is one date, not a rule
        found = _find_time(n)
        at = DEFAULT_MEETING_TIME if found is None else found.value
        rest = n if found is None else n[: found.start] + " " + n[found.end :]
        rest = _RULE_DAY_WORD.sub(lambda m: f"{m[1]} {_DAY_WORDS[m[2]]}", rest)
        return _rule_from_words(_words(rest), at, has_time=found is not None)
    except (ValueError, KeyError):
        return None


def _rule_from_words(words: list[str], at: time, *, has_time: bool) -> MeetingRule | None:
    """Build a rule from the words left once the time is taken out."""
    ordinals = [_ORDINAL_WORDS[w] for w in words if w in _ORDINAL_WORDS]
    weekdays = [_WEEKDAYS[w] for w in words if w in _WEEKDAYS]
    numbers = [int(w) for w in words if w.isdigit()]
    if len(ordinals) > 1 or len(weekdays) > 1:
        return None
    if ordinals and weekdays:
        if len(numbers) > 1 or (numbers and has_time):
            return None
        if numbers:
            at = _bare_hour(numbers[0])  # "primer martes 9"
        return MeetingRule(at=at, ordinal=ordinals[0], weekday=weekdays[0])
    if weekdays:
        return None  # "todos los martes" is weekly
    if ordinals:
        # "el primero de cada mes", "el último día del mes"
        if numbers or ordinals[0] not in (1, LAST) or not ({"dia", "mes"} & set(words)):
            return None
        return MeetingRule(at=at, day=1 if ordinals[0] == 1 else 31)
    if not ({"dia", "el", "los", "mes", "meses", "mensual", "mensualmente"} & set(words)):
        return None
    if not numbers or len(numbers) > 2 or (len(numbers) == 2 and has_time):
        return None
    if len(numbers) == 2:
        at = _bare_hour(numbers[1])  # "el 15 10"
    return MeetingRule(at=at, day=numbers[0])


def _bare_hour(hour: int) -> time:
    """Read a lone number after the day as an hour, in office hours (1–6 is afternoon)."""
    if not 0 <= hour <= 23:
        raise ValueError(hour)
    return time(hour + 12 if 1 <= hour <= 6 else hour)
