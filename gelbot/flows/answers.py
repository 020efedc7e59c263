"""Reading one answer — a button, a typed phrase, a file — against what its question expects.

Pure: no database, no Telegram. `parse_answer` never raises; what it cannot read comes back
with a `problem` code that the edge turns into "I expected …, for example …".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from gelbot.domain.spanish import (
    format_date,
    normalize,
    parse_date,
    parse_number,
    parse_percentage,
    parse_yes_no,
)
from gelbot.flows.schema import TEXT_LIMIT, Question, QuestionType

MAX_NUMBER = 1_000_000
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# Typed instead of pressing "Omitir" on an optional question.
SKIP_WORDS = frozenset(
    {
        "omitir", "omito", "saltar", "salto", "paso", "siguiente", "ninguno", "ninguna", "nada",
        "no", "no hay", "no tengo", "no aplica", "n/a", "na", "-", "sin evidencia", "despues",
        "luego", "no se", "ningun",
    }
)  # fmt: skip


@dataclass(frozen=True)
class FileRef:
    """A file or photo someone sent as an answer."""

    kind: str  # "documento" or "foto"
    file_id: str
    name: str


@dataclass(frozen=True)
class Reply:
    """What a person sent: typed text, a button (index into the choices), "Omitir", a file."""

    text: str = ""
    choice: int | None = None
    skip: bool = False
    file: FileRef | None = None


@dataclass(frozen=True)
class ChoiceOption:
    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parsed:
    """The reading of an answer: its value and how to say it back, or what was wrong."""

    value: Any = None
    display: str = ""
    skipped: bool = False
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


YES_NO = (ChoiceOption("si", "Sí"), ChoiceOption("no", "No"))


def format_number(value: float) -> str:
    """3.0 → "3", 2.5 → "2,5" (the decimal comma Colombian forms use)."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Text as it may be stored: control characters dropped (PostgreSQL refuses NUL in text,
    and nobody means to type them)."""
    return _CONTROL.sub("", text)


def _skip(question: Question) -> Parsed:
    if question.required:
        return Parsed(problem="obligatoria")
    return Parsed(skipped=True, display="(omitida)")


def _is_skip_word(text: str) -> bool:
    return normalize(text).strip(" .!¡") in SKIP_WORDS


def parse_answer(
    question: Question, reply: Reply, *, choices: Sequence[ChoiceOption], today: date
) -> Parsed:
    """Read `reply` as an answer to `question`; `choices` are its buttons (sí/no, opciones)."""
    if reply.skip:
        return _skip(question)
    if reply.choice is not None:
        if not 0 <= reply.choice < len(choices):
            return Parsed(problem="opcion")
        chosen = choices[reply.choice]
        if question.type == QuestionType.SI_NO:
            return Parsed(chosen.value == "si", chosen.label)
        return Parsed(chosen.value, chosen.label)
    text = clean(reply.text).strip()
    kind = question.type
    if kind == QuestionType.ARCHIVO:
        return _file(question, reply, text)
    if not text:
        return Parsed(problem="vacio")
    if len(text) > TEXT_LIMIT * 2:
        return Parsed(problem="largo")
    if not question.required and kind not in _PARSE_BEFORE_SKIP and _is_skip_word(text):
        return _skip(question)
    parsed = _typed(question, text, choices, today)
    if not parsed.ok and not question.required and _is_skip_word(text):
        return _skip(question)
    return parsed


_PARSE_BEFORE_SKIP = (QuestionType.SI_NO, QuestionType.NUMERO, QuestionType.PORCENTAJE)


def _typed(question: Question, text: str, choices: Sequence[ChoiceOption], today: date) -> Parsed:
    kind = question.type
    if kind == QuestionType.SI_NO:
        answer = parse_yes_no(text)
        return Parsed(problem="no_entendi") if answer is None else Parsed(answer, _yes_no(answer))
    if kind == QuestionType.NUMERO:
        return _bounded(question, parse_number(text), 0.0, MAX_NUMBER, "")
    if kind == QuestionType.PORCENTAJE:
        return _bounded(question, parse_percentage(text), 0.0, 100.0, " %")
    if kind == QuestionType.FECHA:
        found = parse_date(
            text, today=today, prefer="future" if question.only_future else "current"
        )
        if found is None:
            return Parsed(problem="no_entendi")
        if question.only_future and found < today:
            return Parsed(problem="pasada")
        return Parsed(found.isoformat(), format_date(found))
    if kind == QuestionType.OPCION:
        return _option(text, choices)
    return _text(question, text)


def _yes_no(value: bool) -> str:
    return "sí" if value else "no"


def _bounded(question: Question, value: float | None, low: float, high: float, unit: str) -> Parsed:
    if value is None:
        return Parsed(problem="no_entendi")
    minimum = question.min if question.min is not None else low
    maximum = question.max if question.max is not None else high
    if value < minimum:
        return Parsed(problem="menor")
    if value > maximum:
        return Parsed(problem="mayor")
    return Parsed(value, format_number(value) + unit)


def _text(question: Question, text: str) -> Parsed:
    limit = int(question.max) if question.max is not None else TEXT_LIMIT
    if len(text) > limit:
        return Parsed(problem="largo")
    if question.min is not None and len(text) < question.min:
        return Parsed(problem="corto")
    return Parsed(text, text)


def _file(question: Question, reply: Reply, text: str) -> Parsed:
    if reply.file is not None:
        name = clean(reply.file.name)[:200] or "archivo"
        value = {"kind": reply.file.kind, "file_id": reply.file.file_id, "name": name}
        if text:
            value["caption"] = text[:TEXT_LIMIT]
        return Parsed(value, name)
    link = _URL.search(text)
    if link is not None:
        url = link.group().rstrip(".,;)")
        return Parsed({"kind": "enlace", "url": url}, url)
    if not question.required and (not text or _is_skip_word(text)):
        return _skip(question)
    return Parsed(problem="sin_archivo")


def _option(text: str, choices: Sequence[ChoiceOption]) -> Parsed:
    wanted = normalize(text).strip(" .!¡¿?")
    if wanted.isdigit() and 1 <= int(wanted) <= len(choices):
        chosen = choices[int(wanted) - 1]
        return Parsed(chosen.value, chosen.label)
    exact = [
        c
        for c in choices
        if wanted
        in {normalize(c.label), normalize(c.value).replace("_", " ")}
        | {normalize(a) for a in c.aliases}
    ]
    if len(exact) == 1:
        return Parsed(exact[0].value, exact[0].label)
    # "ya está hecho" names the option "Hecho": a whole-word mention of exactly one option.
    mentioned = [
        c
        for c in choices
        if any(
            _mentions(wanted, normalize(name))
            for name in (c.label, *c.aliases, c.value.replace("_", " "))
        )
    ]
    if len(mentioned) == 1:
        return Parsed(mentioned[0].value, mentioned[0].label)
    return Parsed(problem="opcion")


def _mentions(text: str, name: str) -> bool:
    name = name.strip(" .")
    return bool(name) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None
