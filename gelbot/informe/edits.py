"""Apply the review's decisions to the compiled rows: edited texts, merges, hand-added rows.

Pure functions over InformeRow and the stored edits; gelbot.informe.drafts reads and writes
them. A merged row's text and dates join the row it was merged into, and its trace stays in
the annex under that row, so the table and the annex keep saying the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Literal

from gelbot.domain.errors import DomainError
from gelbot.domain.spanish import format_date, normalize
from gelbot.informe.document import InformeRow, fecha_mes, fecha_rango
from gelbot.models import InformeManualRow, InformeRowEdit

Campo = Literal["accion", "resultado", "fecha_texto"]
LIMITS: dict[str, int] = {"accion": 500, "resultado": 3000, "fecha_texto": 200}
_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
_WRITTEN_DAY = re.compile(rf"(?:(\d{{1,2}})\s+de\s+)?({'|'.join(_MONTHS)})(?:\s+de)?\s+(\d{{4}})")


def clean_text(text: str, campo: Campo) -> str:
    """Spaces tidied, line breaks kept; DomainError("informe_resultado_invalido") when empty
    or too long."""
    text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
    if not text:
        raise DomainError("informe_resultado_invalido", motivo="vacio", campo=campo)
    if len(text) > LIMITS[campo]:
        raise DomainError(
            "informe_resultado_invalido", motivo="largo", limite=LIMITS[campo], largo=len(text),
            campo=campo,
        )  # fmt: skip
    return text


def sort_day(text: str | None) -> date | None:
    """The first date a FECHA names («14 de abril de 2009», «Mayo de 2009»), to sort by."""
    if not text:
        return None
    found = _WRITTEN_DAY.search(normalize(text))
    if found is None:
        return None
    day, month, year = found.groups()
    try:
        return date(int(year), _MONTHS[month], int(day) if day else 1)
    except ValueError:
        return None


def manual_key(row: InformeManualRow) -> str:
    return f"manual:{row.id}"


def manual_rows(manual: Sequence[InformeManualRow]) -> list[InformeRow]:
    """Hand-added rows as InformeRows, their trace saying who added them and when."""
    found = []
    for m in manual:
        when = format_date(m.created_at.date())
        found.append(
            InformeRow(
                accion=m.accion,
                resultado=m.resultado,
                fecha=sort_day(m.fecha_texto),
                fecha_texto=m.fecha_texto,
                source=f"Fila agregada a mano por la coordinación en la revisión del informe, el "
                f"{when}.",
                row_key=manual_key(m),
            )
        )
    return found


def place_manual(rows: list[InformeRow], added: list[InformeRow], end: date) -> list[InformeRow]:
    """Hand-added rows among the compiled ones, by date; undated ones before the measures."""
    placed = list(rows)
    for row in added:
        day = row.fecha or end
        position = next((n for n, r in enumerate(placed) if (r.fecha or end) > day), len(placed))
        placed.insert(position, row)
    return placed


def _merged_fecha(target: InformeRow, rows: list[InformeRow]) -> str | None:
    days = [r.fecha or sort_day(r.fecha_texto) for r in [target, *rows]]
    known = [d for d in days if d is not None]
    if not known:
        return target.fecha_texto
    first, last = min(known), max(known)
    return fecha_mes(first) if first == last else fecha_rango(first, last)


def apply_edits(rows: list[InformeRow], edits: Mapping[str, InformeRowEdit]) -> list[InformeRow]:
    """The rows as printed: left-out and merged-away rows gone, texts edited, merges joined."""
    by_key = {row.row_key: row for row in rows}
    joined: dict[str, list[InformeRow]] = {}
    # In table order, so a merged row reads in the order its parts happened.
    for row in rows:
        edit = edits.get(row.row_key)
        target = edit.merged_into if edit is not None else None
        target_edit = edits.get(target) if target else None
        if target_edit is not None and target_edit.excluded:
            continue
        if target and target in by_key:
            joined.setdefault(target, []).append(row)
    gone = {row.row_key for extra in joined.values() for row in extra}
    printed = []
    for row in rows:
        own = edits.get(row.row_key)
        if row.row_key in gone or (own is not None and own.excluded):
            continue
        extra = joined.get(row.row_key, [])
        if extra:
            row = replace(
                row,
                resultado="\n".join([row.resultado, *(r.resultado for r in extra)]),
                fecha_texto=_merged_fecha(row, extra),
                source="\n".join([row.source, *(r.source for r in extra)]),
            )
        if own is not None:
            row = replace(
                row,
                accion=own.accion if own.accion is not None else row.accion,
                resultado=own.resultado if own.resultado is not None else row.resultado,
                fecha_texto=own.fecha_texto if own.fecha_texto is not None else row.fecha_texto,
            )
        printed.append(row)
    return printed


def parse_manual_row(text: str) -> tuple[str, str, str | None]:
    """A hand-added row as typed: ACCIÓN, RESULTADOS and FECHA on their own lines (or split by
    «|»); FECHA may be left out. DomainError("informe_fila_invalida") says what is missing."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) == 1 and "|" in lines[0]:
        lines = [part.strip() for part in lines[0].split("|")]
        if len(lines) > 3:
            raise DomainError("informe_fila_invalida", motivo="partes", partes=len(lines))
    if len(lines) < 2 or not all(lines[:2]):
        raise DomainError("informe_fila_invalida", motivo="partes", partes=len(lines))
    if len(lines) == 2:
        return clean_text(lines[0], "accion"), clean_text(lines[1], "resultado"), None
    fecha = lines[-1] or None
    resultado = "\n".join(lines[1:-1])
    return (
        clean_text(lines[0], "accion"),
        clean_text(resultado, "resultado"),
        clean_text(fecha, "fecha_texto") if fecha else None,
    )


_FIELD_PREFIX = re.compile(r"^\s*(accion|resultados?|fecha)\s*:\s*", re.IGNORECASE)
_FIELDS: dict[str, Campo] = {"accion": "accion", "resultado": "resultado",
                             "resultados": "resultado", "fecha": "fecha_texto"}  # fmt: skip


def field_and_text(text: str) -> tuple[Campo, str]:
    """«fecha: Abril – Mayo de 2009» → ("fecha_texto", "Abril – Mayo de 2009"); no prefix edits
    RESULTADOS."""
    found = _FIELD_PREFIX.match(normalize(text[:20]) + text[20:]) if text else None
    if found is None:
        return "resultado", text
    campo = _FIELDS[found.group(1).lower()]
    # The prefix matched on the normalized start; cut the same span from the original text.
    rest = text.split(":", 1)[1] if ":" in text else ""
    return campo, rest
