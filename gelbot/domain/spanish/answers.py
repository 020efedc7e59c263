"""Read numbers, percentages and yes/no answers typed in plain Spanish."""

from __future__ import annotations

import math
import re

from gelbot.domain.spanish.text import MAX_ANSWER_LENGTH, _words, normalize

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
