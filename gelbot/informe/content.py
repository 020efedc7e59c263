"""What every informe format prints: the headings and the document as clean plain text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gelbot.informe.chart import percent_label
from gelbot.informe.document import InformeDocument, InformeRow, fecha_dia, fecha_mes, period_label


@dataclass(frozen=True)
class _Headings:
    """The fixed words of the informe, shared by the three formats so they cannot drift."""

    introduccion: str = "INTRODUCCIÓN"
    objetivos: str = "1. OBJETIVOS"
    objetivo_general: str = "Objetivo General"
    objetivos_especificos: str = "Objetivos específicos"
    avances: str = "2. AVANCES Y RESULTADOS OBTENIDOS"
    pendientes: str = "3. PENDIENTES"
    fases: str = "4. AVANCE POR FASE"
    firmas: str = "Presentado por:"
    anexo: str = "ANEXO: DE DÓNDE SALE CADA FILA"
    table: tuple[str, ...] = ("ACCIONES", "RESULTADOS", "FECHA")
    pending_table: tuple[str, ...] = ("COMPROMISO O ASUNTO", "ESTADO", "FECHA LÍMITE")
    phase_table: tuple[str, ...] = ("FASE", "INICIO DEL PERÍODO", "FIN DEL PERÍODO")
    anexo_table: tuple[str, ...] = ("N.º", "ACCIÓN", "DE DÓNDE SALE")
    sin_informacion: str = "Sin información registrada en el período sobre:"
    no_rows: str = "Sin acciones registradas en el período."
    no_pendientes: str = "Sin pendientes registrados."
    no_phases: str = "Sin avance por fase registrado."
    no_trazabilidad: str = "Sin registros."


HEADINGS = _Headings()
_MAX_MISSING = 6

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Characters XML 1.0 forbids (python-docx refuses them) and that no renderer can show.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _UNPRINTABLE.sub("", text).strip()


@dataclass(frozen=True)
class _Content:
    """What every format prints, as clean plain text; formats differ only in layout."""

    entity: str
    letterhead: list[str]
    title: str
    period: str
    place_and_date: str
    running_header: str
    introduccion: list[str]
    objetivo_general: str
    objetivos: list[str]
    rows: list[tuple[str, str, str]]
    sin_informacion: str | None
    pendientes: list[tuple[str, str, str]]
    phases: list[tuple[str, str, str]]
    chart_title: str
    firmas: list[tuple[str, str]]
    trazabilidad: list[tuple[str, str, str]]


def _cells(row: InformeRow) -> tuple[str, str, str]:
    if row.fecha_texto and row.fecha_texto.strip():
        fecha = _clean(row.fecha_texto)
    else:
        fecha = fecha_dia(row.fecha) if row.fecha else ""
    return _clean(row.accion), _clean(row.resultado), fecha


def _trace(number: str, row: InformeRow) -> tuple[str, str, str]:
    return number, _clean(row.accion), _clean(row.source)


def _content(doc: InformeDocument) -> _Content:
    period = period_label(doc.period_start, doc.period_end)
    entity = _clean(doc.entity)
    title = _clean(doc.title)
    city = _clean(doc.city or "")
    issued = fecha_mes(doc.issued_on)
    paragraphs = (_clean(p) for p in re.split(r"\n\s*\n", _LINE_BREAKS.sub("\n", doc.introduccion)))
    missing = [m.rstrip(" .;") for m in map(_clean, doc.sin_informacion) if m.rstrip(" .;")]
    if len(missing) > _MAX_MISSING:
        # A short note: a plan with twenty indicators nobody answered needs no list of twenty.
        missing = [*missing[: _MAX_MISSING - 1], f"y {len(missing) - _MAX_MISSING + 1} más"]
    return _Content(
        entity=entity,
        letterhead=[line for line in map(_clean, doc.letterhead) if line],
        title=title.upper(),
        period=period.upper(),
        place_and_date=f"{city}, {issued}" if city else issued,
        running_header=f"{title} · {period.capitalize()} · {entity}",
        introduccion=[p for p in paragraphs if p],
        objetivo_general=_clean(doc.objetivo_general),
        objetivos=[o for o in map(_clean, doc.objetivos) if o],
        rows=[_cells(row) for row in doc.rows],
        sin_informacion=f"{HEADINGS.sin_informacion} {'; '.join(missing)}." if missing else None,
        pendientes=[_cells(row) for row in doc.pendientes],
        phases=[
            (_clean(p.name), percent_label(p.start_share), percent_label(p.end_share))
            for p in doc.phases
        ],
        chart_title=f"Criterios cumplidos por fase — {period}",
        firmas=[(_clean(f.nombre).upper(), _clean(f.cargo)) for f in doc.firmas],
        trazabilidad=[_trace(str(i), row) for i, row in enumerate(doc.rows, start=1)]
        + [_trace(f"P{i}", row) for i, row in enumerate(doc.pendientes, start=1)],
    )
