"""Understand answers typed in plain Spanish, and write dates the way a committee reads them.

Every `parse_*` function takes any string and returns a value or None; none of them raises.
Decisions on ambiguous input are documented on each function and pinned by tests.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from babel.dates import format_date as _babel_date
from babel.dates import get_day_names, get_month_names

from gelbot.domain.calendar import WorkingCalendar, ensure_aware

LOCALE = "es_CO"
# Answers longer than this are prose, not a value: refusing them early keeps every parser fast
# (dateparser in particular) on 4096-character messages.
MAX_ANSWER_LENGTH = 200

# Which occurrence a date without a year (or month) means; see `parse_date`.
Prefer = Literal["current", "future", "past"]

# --- normalisation ---------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lowercase, strip accents (ñ becomes n), and collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


def _words(text: str) -> list[str]:
    """Split normalised text into words of letters and digits, dropping punctuation."""
    return re.findall(r"[a-z0-9]+", text)


# --- numbers ---------------------------------------------------------------------------------

_UNITS = {
    "cero": 0, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
}  # fmt: skip
_TEENS_AND_TWENTIES = {
    "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veintiun": 21, "veintiuno": 21,
    "veintiuna": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip
_TENS = {
    "diez": 10, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
    "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
_HUNDREDS = {
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300,
    "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500,
    "quinientas": 500, "seiscientos": 600, "seiscientas": 600, "setecientos": 700,
    "setecientas": 700, "ochocientos": 800, "ochocientas": 800, "novecientos": 900,
    "novecientas": 900,
}  # fmt: skip
_SCALES = {"mil": 1_000, "millon": 1_000_000, "millones": 1_000_000}
_ZERO_WORDS = {"ninguna", "ninguno", "ningun", "nada", "nadie"}
_NUMBER_WORDS = set(_UNITS) | set(_TEENS_AND_TWENTIES) | set(_TENS) | set(_HUNDREDS) | set(_SCALES)


def _words_to_number(words: list[str]) -> float | None:
    """Read a run of Spanish number words ("dos mil nueve", "veinte y uno") or return None."""
    total, group = 0.0, 0
    # Within a group the order is hundreds, then tens ("y" unit), then a unit; anything else
    # ("dos tres") is two numbers, not one.
    stage = 0  # 0 nothing yet, 1 hundreds, 2 tens, 3 "y" after tens, 4 unit or teen
    for word in words:
        if word == "y":
            if stage != 2:
                return None
            stage = 3
        elif word in _HUNDREDS and stage == 0:
            group, stage = group + _HUNDREDS[word], 1
        elif word in _TENS and stage <= 1:
            group, stage = group + _TENS[word], 2
        elif word in _TEENS_AND_TWENTIES and stage <= 1:
            group, stage = group + _TEENS_AND_TWENTIES[word], 4
        elif word in _UNITS and (stage <= 1 or stage == 3):
            if word == "cero" and (group or total or len(words) > 1):
                return None
            group, stage = group + _UNITS[word], 4
        elif word in _SCALES:
            scale = _SCALES[word]
            # "mil mil" and "dos mil millones" are not ways people write a count.
            if (scale == 1_000 and total % 1_000_000) or (scale > 1_000 and total):
                return None
            total += (group or 1) * scale
            group, stage = 0, 0
        else:
            return None
    if stage == 3:
        return None
    return total + group


def _digits_to_number(token: str) -> float | None:
    """Read "3", "3,5", "1.000", "1.234,5" or "1,234.5" with Colombian separators."""
    sign = -1.0 if token.startswith("-") else 1.0
    body = token.lstrip("+-")
    if "," in body and "." in body:
        # Both separators: the last one written is the decimal mark.
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = body.rpartition(decimal)
        if not _thousands_groups(whole.split(thousands)):
            return None
        return sign * float(whole.replace(thousands, "") + "." + fraction)
    for mark in (".", ","):
        if mark in body:
            parts = body.split(mark)
            # "1.000" is a thousand (3-digit groups after a dot); "3,5" and "1,000" read the
            # comma as the decimal mark, as Colombian forms do; "1,000,000" can only be groups.
            if len(parts) > 2 or (mark == "." and _thousands_groups(parts)):
                return sign * float("".join(parts)) if _thousands_groups(parts) else None
            return sign * float(parts[0] + "." + parts[1])
    return sign * float(body)


def _thousands_groups(parts: list[str]) -> bool:
    """Tell whether digit groups look like 1.234.567 (1–3 digits, no leading 0, then threes)."""
    head, *rest = parts
    return 1 <= len(head) <= 3 and not head.startswith("0") and all(len(p) == 3 for p in rest)


_NUMERAL = re.compile(r"(?<![\w.,])[-+]?\d+(?:[.,]\d+)*(?![\w.,]*\d)")
_APPROXIMATELY = re.compile(
    r"\b(?:mas o menos|aproximadamente|aprox|alrededor de|cerca de|unos|unas|como)\b"
)
_NOT_EXACT = re.compile(r"\b(?:mas de|menos de|mas que|menos que|mayor|menor|entre|o)\b")


def _numbers_in(text: str) -> list[float] | None:
    """List every number written in normalised text, or None if one is malformed."""
    found: list[float] = []
    for match in _NUMERAL.finditer(text):
        value = _digits_to_number(match.group())
        if value is None:
            return None
        found.append(value)
    words = _words(_NUMERAL.sub(" ", text))
    run: list[str] = []
    for word in [*words, ""]:
        joins = word == "y" or (word in ("medio", "media") and run[-1:] == ["y"])
        if word in _NUMBER_WORDS or (run and joins):
            run.append(word)
            continue
        # "y" belongs to the run only between numbers: "tres y" + "algo" ends at "tres".
        while run and run[-1] == "y":
            run.pop()
        if run:
            half = run[-1] in ("medio", "media")
            value = _words_to_number(run[:-2] if half else run)
            if value is None:
                return None
            found.append(value + 0.5 if half else value)
            run = []
        if word in _ZERO_WORDS:
            found.append(0.0)
    return found


def parse_number(text: str) -> float | None:
    """Read one number: "3", "3,5", "1.000", "dos veces", "veinte y uno", "ninguna" → 0.

    "Más o menos 3" is 3; "más de 3", "2 o 3" and any answer with two numbers are None.
    """
    try:
        n = normalize(text)
        if not n or len(n) > MAX_ANSWER_LENGTH:
            return None
        n = _APPROXIMATELY.sub(" ", n)
        if _NOT_EXACT.search(n):
            return None
        found = _numbers_in(n)
    except (ValueError, OverflowError):
        return None
    if found is None or len(found) != 1 or not math.isfinite(found[0]):
        return None
    return found[0]


# --- percentages -----------------------------------------------------------------------------

_PERCENT_SIGN = re.compile(r"%|\bpor ?ciento\b|\bpct\b")
_RATIO = re.compile(r"^(?:el )?(\S+) (?:de|sobre) (\S+)$|^(\d+) ?/ ?(\d+)$")
_PERCENT_WORDS = {
    "la mitad": 50.0, "mitad": 50.0, "todo": 100.0, "todos": 100.0, "todas": 100.0,
    "completo": 100.0, "completa": 100.0, "el total": 100.0,
}  # fmt: skip


def parse_percentage(text: str) -> float | None:
    """Read a percentage 0..100: "80 %", "80%", "ochenta por ciento", "8 de 10", "la mitad".

    A bare number is always a percentage value, never a fraction: "0,5" and "0.5" mean 0.5 %,
    not 50 %, because guessing that a small number was meant as a fraction turns a real 0.5 %
    into 50 %. Values outside 0..100 are None.
    """
    try:
        n = normalize(text)
        if not n or len(n) > MAX_ANSWER_LENGTH:
            return None
        n = re.sub(r"[¡!¿?.]+$", "", n).strip()
        n = re.sub(r"^(?:el|un|una|del|de)\s+", "", n)
        if n in _PERCENT_WORDS:
            return _PERCENT_WORDS[n]
        ratio = _RATIO.match(n)
        if ratio is not None and not _PERCENT_SIGN.search(n):
            part_text, whole_text = (g for g in ratio.groups() if g is not None)
            part, whole = parse_number(part_text), parse_number(whole_text)
            if part is None or whole is None or whole <= 0 or not 0 <= part <= whole:
                return None
            return 100.0 * part / whole
        value = parse_number(_PERCENT_SIGN.sub(" ", n))
    except (ValueError, OverflowError):
        return None
    if value is None or not 0 <= value <= 100:
        return None
    return value


# --- yes / no --------------------------------------------------------------------------------

_YES = {
    "si", "sip", "sep", "claro", "ya", "listo", "lista", "listos", "hecho", "hecha", "ok",
    "okey", "okay", "oki", "vale", "dale", "correcto", "correcta", "afirmativo", "exacto",
    "obvio", "seguro", "efectivamente", "cumplido", "cumplida", "realizado", "realizada",
    "yes", "sisas", "hagale", "perfecto",
}  # fmt: skip
_NO = {
    "no", "nop", "nope", "nel", "negativo", "nada", "tampoco", "nunca", "jamas", "pendiente",
    "falta", "faltan", "todavia", "aun",
}  # fmt: skip
_UNSURE = re.compile(
    r"\b(?:no se|no sabe|no sabemos|ni idea|no estoy segur[oa]|tal vez|talvez|quizas?|"
    r"puede ser|mas o menos|a veces|depende|casi|ya mero|mejor no se|creo)\b"
)
_NO_PHRASES = re.compile(
    r"\b(?:claro que no|por supuesto que no|todavia no|aun no|no todavia|no aun|ya no|"
    r"para nada|de ninguna manera|en absoluto|en eso|en proceso)\b"
)
# Checked first: some yes answers are built from no words ("no falta nada").
_YES_PHRASES = re.compile(
    r"\b(?:claro que si|por supuesto(?: que si)?(?! que no)|de una|con gusto|asi es|ya esta|"
    r"no falta nada|nada pendiente|no queda nada(?: pendiente)?|no hay problema|sin problema)\b"
)
_EMOJI_WORDS = {"👍": " si ", "✅": " si ", "✔": " si ", "☑": " si ", "👌": " si ",
                "👎": " no ", "❌": " no ", "✖": " no ", "🚫": " no "}  # fmt: skip


def _squeeze(word: str) -> str:
    """Collapse repeated letters so "siii" and "noooo" read as "si" and "no"."""
    return re.sub(r"(.)\1+", r"\1", word)


_YES_SQUEEZED = {_squeeze(w) for w in _YES}
_NO_SQUEEZED = {_squeeze(w) for w in _NO}


def parse_yes_no(text: str) -> bool | None:
    """Read a yes or no: "sí", "claro que sí", "ya", "listo", "no", "todavía no", "nop".

    Doubt ("no sé", "tal vez", "casi") and answers with both a yes and a no are None.
    A plain "si" counts as yes even though it can also mean "if": people rarely type
    accents, and a conditional sentence in answer to a yes/no question is rare.
    """
    try:
        for emoji, word in _EMOJI_WORDS.items():
            text = text.replace(emoji, word)
        n = normalize(text)
        if not n or len(n) > MAX_ANSWER_LENGTH:
            return None
        plain = " ".join(_squeeze(w) for w in _words(n))
    except ValueError:
        return None
    if not plain or _UNSURE.search(plain):
        return None
    says_yes = bool(_YES_PHRASES.search(plain))
    rest = _YES_PHRASES.sub(" ", plain)
    says_no = bool(_NO_PHRASES.search(rest))
    rest = _NO_PHRASES.sub(" ", rest)
    for word in rest.split():
        says_yes |= word in _YES_SQUEEZED
        says_no |= word in _NO_SQUEEZED
    if says_yes == says_no:
        return None
    return says_yes


# --- times -----------------------------------------------------------------------------------

_HOUR_WORDS = {
    word: value
    for word, value in {**_UNITS, **_TEENS_AND_TWENTIES, "diez": 10, "veinte": 20}.items()
    if 1 <= value <= 23
}
_MINUTE_WORDS = {**{w: v for w, v in _UNITS.items() if v}, **_TEENS_AND_TWENTIES, **_TENS,
                 "media": 30, "cuarto": 15}  # fmt: skip


def _alternation(words: dict[str, int]) -> str:
    """Return a regex alternation of `words`, longest first so "veintiuno" beats "veinti"."""
    return "|".join(sorted(words, key=len, reverse=True))


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


# --- dates -----------------------------------------------------------------------------------

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


# --- formatting ------------------------------------------------------------------------------


def format_date(d: date) -> str:
    """Write a date in full: "27 de febrero de 2009"."""
    return str(_babel_date(d, format="d 'de' MMMM 'de' y", locale=LOCALE))


def format_date_short(d: date) -> str:
    """Write a date briefly: "27 feb 2009"."""
    return str(_babel_date(d, format="d MMM y", locale=LOCALE)).replace(".", "")


def format_datetime(moment: datetime, tz: str | tzinfo | None = None) -> str:
    """Write a moment as "27 de febrero de 2009, 09:00" (in `tz` when given)."""
    if tz is not None:
        # A naive moment would be read in the server's zone: refuse it rather than guess.
        moment = ensure_aware(moment).astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)
    return f"{format_date(moment)}, {moment:%H:%M}"


def weekday_name(d: date) -> str:
    """Return the Spanish name of the weekday of `d`: "viernes"."""
    return str(get_day_names("wide", locale=LOCALE)[d.weekday()])


def month_name(month: int) -> str:
    """Return the Spanish name of month 1..12: "febrero"."""
    if not 1 <= month <= 12:
        raise ValueError(f"mes fuera de rango: {month}")
    return str(get_month_names("wide", locale=LOCALE)[month])


# --- the monthly meeting rule ----------------------------------------------------------------

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
        weekday = str(get_day_names("wide", locale=LOCALE)[self.weekday])
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
