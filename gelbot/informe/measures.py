"""The informe's measured rows: indicators someone answered, and compliance per phase or section.

Only what was asked and answered makes a row. An indicator counts the periods gelbot asked about
(a reading, answered or not) since the committee existed; one nobody answered in the period, or
a phase with no criterion met, goes to the «sin información» note instead, once.
`compliance_rows` takes plain (name, met, total) triples so any framework (phases of Decreto
1151, sections of today's rules) can feed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from gelbot.domain import indicators as indicator_domain
from gelbot.domain.phases import framework_of
from gelbot.domain.spanish import format_date
from gelbot.informe.document import InformeRow, PhaseProgress, fecha_rango
from gelbot.informe.gather import CriterionChange, IndicatorRecord, Window
from gelbot.informe.rows import plural, sentences, who_counts
from gelbot.models import Committee, Frequency, Person

_MAX_NAMES = 8


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _listing(names: list[str], limit: int = _MAX_NAMES) -> str:
    shown = names[:limit]
    more = len(names) - len(shown)
    return "; ".join(shown) + (f"; y {more} más" if more else "")


def indicator_row(
    r: IndicatorRecord, w: Window, people: dict[int, Person], lived_from: date, now: datetime
) -> InformeRow | None:
    """The indicator over the periods gelbot asked about; None when nobody answered any."""
    ind = r.indicator
    # Asked: a reading exists (answered or not), recorded by the informe's moment (the last
    # period's value comes in after it ends), for a period that ended after the committee
    # existed. Periods nobody was asked about do not count.
    asked = [x for x in r.readings if x.period_end >= lived_from and x.recorded_at <= now]
    answered = [x for x in asked if x.value is not None]
    if not answered:
        return None
    meta = ind.meta_text or (
        f"{_number(ind.meta)}{f' {ind.unit}' if ind.unit else ''}" if ind.meta is not None else None
    )
    missing = len(asked) - len(answered)
    if ind.frequency == Frequency.UNICA.value:
        last = answered[-1]
        met = indicator_domain.reading_meets(ind, last)
        result = f"Último valor: {_number(last.value or 0)}, del {format_date(last.period_start)}"
        if met is not None:
            result += ", meta alcanzada" if met else ", aún por debajo de la meta"
    else:
        total = len(asked)
        noun = indicator_domain.period_noun(ind.frequency, total)
        met_count = sum(1 for x in answered if indicator_domain.reading_meets(ind, x))
        if ind.key == indicator_domain.SITIO_WEB_SEMANAL:
            result = f"Sitio web actualizado {met_count} de {total} {noun}"
        elif ind.meta is not None:
            result = f"Meta cumplida en {met_count} de {total} {noun}"
        else:
            result = f"Valores registrados en {len(answered)} de {total} {noun}"
        if missing:
            result += f"; {missing} {indicator_domain.period_noun(ind.frequency, missing)} "
            result += "sin respuesta"
    noun_asked = indicator_domain.period_noun(ind.frequency, len(asked))
    source = f"Preguntas de seguimiento sobre {len(asked)} {noun_asked}: "
    source += f"respondieron {who_counts(people, (x.person_id for x in answered))}"
    if missing:
        source += f"; {plural(missing, 'pregunta quedó', 'preguntas quedaron')} sin respuesta"
    last_day = min(max(x.period_end for x in asked), w.end)
    return InformeRow(
        accion=ind.name,
        resultado=sentences(result, f"Meta: {meta}" if meta else None),
        fecha=None,
        fecha_texto=fecha_rango(min(x.period_start for x in asked), last_day),
        source=f"{source}.",
        row_key=f"indicador:{ind.key}",
    )


def compliance_rows(
    sections: Sequence[tuple[str, int, int]], fecha_texto: str
) -> tuple[list[InformeRow], list[str]]:
    """A row «Cumplimiento del 98 % de la Fase de Información» for each section with something
    met, and the names of those with nothing (for the «sin información» note).

    Each section is (name as it follows «de», met, total): ("la Fase de Información", 46, 47).
    """
    rows: list[InformeRow] = []
    empty: list[str] = []
    for name, met, total in sections:
        if total <= 0 or met <= 0:
            empty.append(name)
            continue
        share = min(met, total) / total
        rows.append(
            InformeRow(
                accion=f"Cumplimiento del {percent(share)} de {name}",
                resultado=f"Se cumplen {met} de {total} criterios ({percent(share)}).",
                fecha=None,
                fecha_texto=fecha_texto,
                source=f"Criterios de {name} marcados como cumplidos: {met} de {total}.",
                row_key=f"seccion:{name}",
            )
        )
    return rows, empty


def phase_rows(
    committee: Committee, changes: list[CriterionChange], w: Window, people: dict[int, Person]
) -> tuple[list[InformeRow], list[str], list[PhaseProgress]]:
    """Decreto 1151's phases through compliance_rows, with what changed in the period."""
    framework = framework_of(committee)
    at_start: dict[str, bool] = {}
    at_end: dict[str, bool] = {}
    for change in changes:
        if change.at < w.start_at:
            at_start[change.key] = change.met
        at_end[change.key] = change.met
    during = [c for c in changes if c.at >= w.start_at]
    progress: list[PhaseProgress] = []
    sections: list[tuple[str, int, int]] = []
    detail: dict[str, tuple[str, str, str]] = {}
    for phase in framework.phases:
        total = len(phase.criteria)
        before = [c for c in phase.criteria if at_start.get(c.key)]
        after = [c for c in phase.criteria if at_end.get(c.key)]
        progress.append(PhaseProgress(phase.name, len(before) / total, len(after) / total))
        label = f"la Fase de {phase.name}"
        sections.append((label, len(after), total))
        gained = [c.name for c in after if c not in before]
        missing = [c.name for c in phase.criteria if c not in after]
        keys = phase.criterion_keys()
        mine = [c for c in during if c.key in keys]
        extra = sentences(
            f"Al inicio del período se cumplían {len(before)} ({percent(len(before) / total)})",
            f"Cumplidos en el período: {_listing(gained)}" if gained else None,
            f"Por cumplir: {_listing(missing, 5)}" if missing else None,
        )
        if mine:
            who = who_counts(people, (c.actor_id for c in mine))
            trace = f"{plural(len(mine), 'criterio marcado', 'criterios marcados')} en el "
            trace += f"período por {who}"
        else:
            trace = f"sin cambios desde antes del {format_date(w.start)}"
        first = min((c.at.astimezone(w.tz).date() for c in mine), default=w.start)
        detail[label] = (extra, trace, fecha_rango(first, w.last_day))
    rows, empty = compliance_rows(sections, fecha_rango(w.start, w.last_day))
    for n, row in enumerate(rows):
        label = next(s[0] for s in sections if row.row_key == f"seccion:{s[0]}")
        extra, trace, fecha_texto = detail[label]
        assert extra is not None
        key = next(p.key for p in framework.phases if f"la Fase de {p.name}" == label)
        rows[n] = replace(
            row, resultado=sentences(row.resultado, extra), fecha_texto=fecha_texto,
            source=f"{row.source[:-1]}; {trace}.", row_key=f"fase:{key}",
        )  # fmt: skip
    return rows, empty, progress
