"""The semester as events: who types what, where, and when, in the console's own words.

From gelbot.demo.committee (the members, the meetings, the compromisos): the committee is
installed, meets monthly with roll calls, assigns compromisos and fulfils or reschedules them,
answers the weekly site-update question most weeks, records indicators, marks Decreto 1151
criteria, answers the semester questionnaire, and writes the informe.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gelbot.demo.committee import (
    COORDINADORA,
    EDITOR,
    END,
    ENTITY,
    INDICATORS,
    INFORME_DAY,
    MEETINGS,
    MEMBERS,
    NOT_UPDATED,
    PLAN_FILE,
    QUESTIONNAIRE_DAY,
    READINGS,
    SHORT_END,
    START,
    TWICE,
    UNANSWERED,
    CompromisoPlan,
    MeetingPlan,
    member_named,
)


@dataclass(frozen=True)
class Say:
    """A line typed by `user` in the group (or in their private chat): a message or `:orden`."""

    user: str
    text: str
    private: bool = False


@dataclass(frozen=True)
class Press:
    """`user` presses the button labelled `label` on the latest message of that chat showing it."""

    user: str
    label: str
    private: bool = False
    offset: int = 0  # the roll call's «ausente» and «excusa» follow «Nombre: presente»
    quiet: bool = False  # show the press, not the bot's answer (the roll call redrawn again)


@dataclass(frozen=True)
class Wait:
    """Let time pass (the meeting goes on); reminders due meanwhile go out."""

    minutes: int
    user: str = ""
    private: bool = False


Action = Say | Press | Wait


@dataclass
class Event:
    """Actions at one moment (committee-local time), with a progress line for the impatient."""

    at: datetime
    actions: list[Action]
    progress: str | None = None
    title: str | None = None


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def setup(start: date) -> Event:
    """Register the committee, members join with their cargos, roles, the plan, the rhythm."""
    c = COORDINADORA.name
    actions: list[Action] = [
        Say(c, f"/comite {ENTITY}"), Press(c, "Territorial"), Press(c, "Municipal"),
        Say(c, f"/unirme {COORDINADORA.cargo}"), Press(c, "Abrir chat privado"),
    ]  # fmt: skip
    for member in MEMBERS[1:]:
        # Each joins with the cargo and opens the private chat from the bot's button.
        actions += [Say(member.name, f"/unirme {member.cargo}"),
                    Press(member.name, "Abrir chat privado")]  # fmt: skip
    actions += [Say(c, f"/rol {m.handle} {m.role}") for m in MEMBERS if m.role]
    actions += [
        Say(c, "/plan importar"), Say(c, f":adjuntar {{examples}}/{PLAN_FILE} | /plan importar"),
        Say(c, "/reunion programar primer martes 9:00"), Say(c, "/miembros"),
    ]  # fmt: skip
    return Event(_at(start, 8), actions, "instalación del comité", "Instalación del comité")


def meeting(
    plan: MeetingPlan, number: int, total: int, late: list[tuple[int, CompromisoPlan]]
) -> Event:
    """Roll call, review of what fell due (`late` rescheduled), decisions, compromisos, acta."""
    c = COORDINADORA.name
    actions: list[Action] = [Say(c, "/reunion iniciar")]
    for member in MEMBERS:
        offset = 2 if member.name in plan.excused else 1 if member.name in plan.absent else 0
        quiet = member is not MEMBERS[-1]  # the last press shows the complete roll call
        actions.append(Press(c, f"{member.name}: presente", offset=offset, quiet=quiet))
    for id_, item in late:
        # The owner answers for it in the review: a new date, asked as a reply to the bot.
        to = item.late_to or item.due
        actions += [Press(item.owner.name, f"#{id_} reprogramar"),
                    Say(item.owner.name, f"el {to.day} de {_MONTHS[to.month - 1]}")]  # fmt: skip
    actions += readings(plan.day.month)
    for decision in plan.decisions:
        actions.append(Say(c, f"/decision {decision}"))
    for item in plan.compromisos:
        due = f"{item.due.day} de {_MONTHS[item.due.month - 1]}"
        actions += [Say(c, f"/compromiso {item.owner.handle} {item.text} para el {due}"),
                    Press(c, "Confirmar")]  # fmt: skip
    for criterion in plan.criteria:
        actions.append(Say(c, f"/criterio {criterion}"))
    actions += [Wait(90), Say(c, "/reunion cerrar")]
    month = _MONTHS[plan.day.month - 1]
    return Event(
        _at(plan.day, 9), actions, f"[{month} {plan.day.year}] reunión {number} de {total}",
        f"Reunión {number} de {total}",
    )  # fmt: skip


_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre")  # fmt: skip


def readings(month: int) -> list[Action]:
    """Control interno records last month's indicator values (none in the first meeting)."""
    values = READINGS.get(month, ())
    return [Say(member_named("Beto").name, f"/indicadores {number} {value} anterior")
            for number, value in zip(INDICATORS, values, strict=False)]  # fmt: skip


def semester(*, short: bool = False) -> list[Event]:
    """The whole story, in time order; `short` keeps February only (for the tests)."""
    end = SHORT_END if short else END
    meetings = [m for m in MEETINGS if m.day <= end]
    events = [setup(START)]
    numbers: dict[int, CompromisoPlan] = {}
    for index, plan in enumerate(meetings, start=1):
        first_id = len(numbers) + 1
        late = [
            (n, c) for n, c in numbers.items() if c.late_to and _review_day(c, meetings) == plan.day
        ]
        events.append(meeting(plan, index, len(meetings), late))
        for offset, item in enumerate(plan.compromisos):
            numbers[first_id + offset] = item
    events += list(_follow_ups(numbers, end))
    events += list(_weekly_answers(end))
    if end >= QUESTIONNAIRE_DAY:
        events.append(questionnaire())
    informe_day = SHORT_END + timedelta(days=2) if short else INFORME_DAY
    until = f"{end:%Y-%m}"
    events.append(
        Event(
            _at(informe_day, 10),
            [
                *readings(informe_day.month),
                *informe_datos(),
                Say(COORDINADORA.name, f"/informe semestral {START:%Y-%m} {until}"),
                # Seed 000 has rows no reminder collects (a contract, a service bought).
                Press(COORDINADORA.name, "➕ Agregar fila"),
                Say(COORDINADORA.name, HAND_ADDED_ROW),
                Say(COORDINADORA.name, "/fases"),
                Press(COORDINADORA.name, "Generar documento"),
            ],
            "informe semestral",
            "El informe",
        )
    )
    return sorted(events, key=lambda e: e.at)


HAND_ADDED_ROW = (
    "Ampliación del canal de acceso a Internet | Se amplió el canal dedicado de la alcaldía de "
    "2 MB a 4 MB. | Junio de 2009"
)


def informe_datos() -> list[Action]:
    """The entity's data for the informe's cover and signatures, set once (seed 004's Mocoa)."""
    c = COORDINADORA.name
    return [
        Say(c, "/informe datos ciudad Mocoa, Putumayo"),
        Say(c, "/informe datos membrete REPÚBLICA DE COLOMBIA / DEPARTAMENTO DEL PUTUMAYO / "
               "MUNICIPIO DE MOCOA / DESPACHO MUNICIPAL"),
        Say(c, "/informe datos representante Mario Luis Narváez Gómez; Alcalde Municipal de "
               "Mocoa - Putumayo"),
        Say(c, f"/informe datos firma Ana Milena Rosero Bolaños; {COORDINADORA.cargo}"),
    ]  # fmt: skip


def questionnaire() -> Event:
    """The coordinadora answers the semester questionnaire the bot sent her privately."""
    c = COORDINADORA.name
    answers: list[Action] = [
        Press(c, "Sí", private=True),
        Press(c, "Taller o capacitación", private=True),
        Say(c, "35", private=True),
        Say(c, "Taller de sensibilización en Gobierno en Línea para funcionarios", private=True),
        Say(c, "Asistieron 35 funcionarios de 12 dependencias", private=True),
        Say(c, "15/05/2009", private=True),
        Press(c, "No", private=True),
        Say(c, "Conectividad limitada en las veredas y rotación de contratistas", private=True),
        Say(c, "Avanzar en la fase de interacción: formularios y consulta de trámites",
            private=True),
    ]  # fmt: skip
    return Event(_at(QUESTIONNAIRE_DAY, 16), answers, "cuestionario del semestre",
                 "Cuestionario del semestre")  # fmt: skip


def _review_day(item: CompromisoPlan, meetings: list[MeetingPlan]) -> date | None:
    """The first meeting after the due date: where an overdue compromiso is reviewed."""
    return next((m.day for m in meetings if m.day > item.due), None)


def _follow_ups(numbers: dict[int, CompromisoPlan], end: date) -> Iterator[Event]:
    """Owners mark compromisos fulfilled with what resulted, from /compromisos in the group."""
    for number, item in numbers.items():
        who = item.owner.name
        if item.done_on is not None and item.done_on <= end:
            yield Event(
                _at(item.done_on, 15),
                [Say(who, "/compromisos"), Press(who, f"#{number} cumplido"),
                 Say(who, item.result)],
            )  # fmt: skip


def _weekly_answers(end: date) -> Iterator[Event]:
    """The editor answers the Monday question on Tuesday morning, except some weeks."""
    monday = START
    while monday <= end:
        if monday not in UNANSWERED:
            label = (
                "No" if monday in NOT_UPDATED else "Sí, 2 veces" if monday in TWICE else "Sí, 1 vez"
            )
            yield Event(
                _at(monday + timedelta(days=1), 11), [Press(EDITOR.name, label, private=True)]
            )
        monday += timedelta(days=7)
