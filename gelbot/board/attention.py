"""Judge a board row: which of its figures need attention, how badly, and why in words.

The thresholds follow the committee's own rhythms (DOMAIN.md): a monthly meeting, the site
updated every week, answers to the weekly question, an informe each period.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from jinja2 import Template

from gelbot.board.figures import Aspect, BoardRow, Reason, State
from gelbot.texts import environment

# Two missed monthly meetings: the committee has stopped meeting.
STALE_MEETING_DAYS = 62
MANY_OVERDUE = 3
QUIET_DAYS = 21  # three weekly questions without an answer
SILENT_DAYS = 45
NEW_COMMITTEE_DAYS = 14  # too new to be judged on answers


@cache
def _words() -> Template:
    # Plain text: the same words go into a picture, a spreadsheet and (escaped there) HTML.
    return environment().overlay(autoescape=False).get_template("tablero/motivo.txt.j2")


def _reason(code: str, aspect: Aspect, state: State, weight: int, **values: Any) -> Reason:
    return Reason(code, aspect, state, weight, _text(code, tuple(sorted(values.items()))))


@functools.lru_cache(maxsize=4096)
def _text(code: str, values: tuple[tuple[str, Any], ...]) -> str:
    # A department's committees repeat the same few reasons («Sitio web actualizado 3 de 4
    # semanas»): rendering each once keeps a board of 1,102 committees quick.
    return _words().render(code=code, **dict(values)).strip()


def judge(row: BoardRow, today: date) -> None:
    """Fill the row's reasons, state and score from its figures."""
    reasons = [
        *_meetings(row, today),
        *_compromisos(row),
        *_site(row),
        *_criteria(row, today),
        *_informe(row),
        *_answers(row, today),
    ]
    reasons.sort(key=lambda r: (-r.state, -r.weight))
    row.reasons = tuple(reasons)
    row.state = max((r.state for r in reasons), default=State.VERDE)
    row.score = sum(r.weight for r in reasons)


def ordered(rows: Iterable[BoardRow]) -> list[BoardRow]:
    """Worst first: state, then how much is wrong, then by name."""
    return sorted(
        rows, key=lambda r: (-r.state, -r.score, r.entity_name.casefold(), r.committee_id)
    )


def _meetings(row: BoardRow, today: date) -> list[Reason]:
    if row.last_meeting is None:
        if row.meetings_expected == 0:
            return []
        return [
            _reason("nunca_se_reunio", Aspect.REUNIONES, State.ROJO, 6,
                    esperadas=row.meetings_expected)
        ]  # fmt: skip
    found = []
    days = (today - row.last_meeting).days
    if days > STALE_MEETING_DAYS:
        found.append(_reason("sin_reunion_reciente", Aspect.REUNIONES, State.ROJO, 4, dias=days))
    missing = row.meetings_expected - row.meetings_held
    if missing > 0:
        found.append(
            _reason("reuniones_faltantes", Aspect.REUNIONES, State.AMARILLO, 2 * missing,
                    hechas=row.meetings_held, esperadas=row.meetings_expected)
        )  # fmt: skip
    return found


def _compromisos(row: BoardRow) -> list[Reason]:
    overdue = row.compromisos_overdue
    if overdue == 0:
        return []
    state = State.ROJO if overdue >= MANY_OVERDUE else State.AMARILLO
    return [
        _reason("compromisos_vencidos", Aspect.COMPROMISOS, state, min(overdue, 5),
                vencidos=overdue, abiertos=row.compromisos_open)
    ]  # fmt: skip


def _site(row: BoardRow) -> list[Reason]:
    met, total = row.site_weeks_met, row.site_weeks_total
    if met is None or total is None or total == 0 or met >= total:
        return []
    state = State.ROJO if met * 2 < total else State.AMARILLO
    return [
        _reason("sitio_desactualizado", Aspect.SITIO, state, min(total - met, 5),
                cumplidas=met, semanas=total)
    ]  # fmt: skip


def _criteria(row: BoardRow, today: date) -> list[Reason]:
    found = []
    for section in row.sections:
        if section.deadline is None or section.deadline >= today or section.met >= section.total:
            continue
        state = State.ROJO if section.share < 0.5 else State.AMARILLO
        found.append(
            _reason("fase_vencida", Aspect.CRITERIOS, state, 2, fase=section.name,
                    porcentaje=section.percentage, plazo=section.deadline)
        )  # fmt: skip
    return found


def _informe(row: BoardRow) -> list[Reason]:
    """An informe is owed for the period before this one, if the committee existed then."""
    created = row.created_on or row.period_start
    if created >= row.period_start:
        return []
    if row.last_informe_period is not None and row.last_informe_period[1] >= _previous_end(row):
        return []
    return [_reason("sin_informe", Aspect.INFORME, State.AMARILLO, 2, ultimo=row.last_informe_on)]


def _previous_end(row: BoardRow) -> date:
    return date.fromordinal(row.period_start.toordinal() - 1)


def _answers(row: BoardRow, today: date) -> list[Reason]:
    created = row.created_on or today
    if (today - created).days < NEW_COMMITTEE_DAYS:
        return []
    days = row.days_since_answer
    if days is None:
        return [_reason("nadie_responde", Aspect.RESPUESTAS, State.AMARILLO, 2)]
    if days < QUIET_DAYS:
        return []
    state = State.ROJO if days >= SILENT_DAYS else State.AMARILLO
    return [_reason("sin_respuestas", Aspect.RESPUESTAS, state, 2 if state is State.AMARILLO else 3,
                    dias=days)]  # fmt: skip
