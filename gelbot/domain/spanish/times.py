"""Read a time of day ("a las 9", "2 de la tarde") from Spanish text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from gelbot.domain.spanish.answers import _TEENS_AND_TWENTIES, _TENS, _UNITS, _words_to_number
from gelbot.domain.spanish.text import MAX_ANSWER_LENGTH, _alternation, normalize

_HOUR_WORDS = {
    word: value
    for word, value in {**_UNITS, **_TEENS_AND_TWENTIES, "diez": 10, "veinte": 20}.items()
    if 1 <= value <= 23
}
_MINUTE_WORDS = {**{w: v for w, v in _UNITS.items() if v}, **_TEENS_AND_TWENTIES, **_TENS,
                 "media": 30, "cuarto": 15}  # fmt: skip


_UNIT_WORDS = {w: v for w, v in _UNITS.items() if 1 <= v <= 9}
# "y cuarenta y cinco": a tens word alone would stop at "cuarenta" and lose the five.
_COMPOUND_MINUTES = rf"(?:treinta|cuarenta|cincuenta) y (?:{_alternation(_UNIT_WORDS)})"


_TIME = re.compile(
    r"(?P<lead>\ba\s+las?\s+|\bdesde\s+las?\s+|\blas?\s+)?"
    r"(?:(?<![\d:.,/-])(?P<h>\d{1,2})(?:\s*(?::|h|\.)\s*(?P<m>\d{2}))?(?![\d,/-]|\.\d)"
    rf"|\b(?P<hw>{_alternation(_HOUR_WORDS)})\b)"
    rf"(?:\s+(?P<sign>y|menos)\s+"
    rf"(?P<mw>{_COMPOUND_MINUTES}|{_alternation(_MINUTE_WORDS)}|\d{{1,2}})\b)?"
    r"\s*(?P<mer>a\.?\s?m\b\.?|p\.?\s?m\b\.?|h\b|hrs?\b|horas?\b|"
    r"(?:de|en|por)\s+la\s+(?:manana|tarde|noche)\b)?"
)
_NOON = re.compile(r"\b(?:a\s+)?(?:el\s+)?(?:medio\s?dia|medianoche)\b")


@dataclass(frozen=True)
class _FoundTime:
    """A time found inside a longer text, with where it was."""

    value: time
    start: int
    end: int


def _find_time(n: str, *, whole: bool = False) -> _FoundTime | None:
    """Find one explicit time ("a las 9", "9:30", "10am", "2 de la tarde") in normalised text.

    A bare number counts only when it is the whole text (`whole`), since "15" inside a
    longer answer is more often a day than an hour.
    """
    noon = _NOON.search(n)
    if noon is not None:
        midday = time(0) if "noche" in noon.group() else time(12)
        return _FoundTime(midday, noon.start(), noon.end())
    for match in _TIME.finditer(n):
        if not match.group().strip():
            continue
        explicit = match.group("lead") or match.group("m") or match.group("mer")
        if not (explicit or match.group("sign") or (whole and match.group() == n)):
            continue
        at = _time_from(match)
        if at is not None:
            return _FoundTime(at, match.start(), match.end())
    return None


def _time_from(match: re.Match[str]) -> time | None:
    """Turn a `_TIME` match into a time, or None if the hour or minutes are impossible."""
    hour = int(match["h"]) if match["h"] else _HOUR_WORDS[match["hw"]]
    minute = int(match["m"]) if match["m"] else 0
    if match["sign"]:
        words = match["mw"]
        delta = (
            int(words)
            if words.isdigit()
            else _MINUTE_WORDS.get(words) or _words_to_number(words.split())
        )
        if delta is None:
            return None
        minute += int(delta) if match["sign"] == "y" else -int(delta)
    meridiem = (match["mer"] or "").replace(".", "").replace(" ", "")
    if "manana" in meridiem or meridiem.startswith("a"):
        if not 1 <= hour <= 12:
            return None
        hour %= 12
    elif "tarde" in meridiem or "noche" in meridiem or meridiem.startswith("p"):
        if not 1 <= hour <= 12:
            return None
        # "12 de la noche" is midnight; "12 de la tarde" and "12 pm" are noon.
        hour = 0 if hour == 12 and "noche" in meridiem else hour % 12 + 12
    elif meridiem.startswith("h"):
        pass  # "15 h", "9 horas": the 24-hour clock, said explicitly
    elif 1 <= hour <= 6 and not (match["h"] or "").startswith("0"):
        # Committees meet in office hours: "a las 2" is 14:00, not two in the morning.
        # A leading zero ("02:00") is the 24-hour clock written on purpose.
        hour += 12
    if minute < 0:
        hour, minute = hour - 1, minute + 60
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def parse_time(text: str) -> time | None:
    """Read a time of day: "9:00", "a las 9", "10am", "2 de la tarde", "9 y media", "14h".

    Without am/pm, hours 1–6 are read as afternoon (office hours): "a las 3" is 15:00;
    "03:00", with its leading zero, stays 03:00.
    """
    try:
        n = normalize(text)
        if not n or len(n) > MAX_ANSWER_LENGTH:
            return None
        found = _find_time(n, whole=True)
    except (ValueError, KeyError):
        return None
    return None if found is None else found.value
