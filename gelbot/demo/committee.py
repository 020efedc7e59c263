"""The committee of the demo and its semester, as data: who sits on it, what it decides.

A committee modelled on seed 004 (Alcaldía de Mocoa: the secretaries, the web roles, ASOJUNTAS,
the Cámara de Comercio) meets on the first Tuesday of each month (seed 004, Tabla 7) through the
semester of seed 000's informe (February–July 2009). gelbot.demo.script turns this into what
people type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ENTITY = "Alcaldía de Mocoa"
PLAN_FILE = "planes/mocoa_2009.yaml"  # under examples/
SITE = "https://www.mocoa-putumayo.gov.co"


@dataclass(frozen=True)
class Member:
    name: str  # the console user (its @username is the name in lower case)
    cargo: str
    role: str | None = None  # given with /rol by the coordinadora

    @property
    def handle(self) -> str:
        return f"@{self.name.casefold()}"


# Seed 004 lists the members by cargo; Ana, who registers the committee, becomes coordinadora.
COORDINADORA = Member("Ana", "Secretaria de Planeación Municipal")
MEMBERS: tuple[Member, ...] = (
    COORDINADORA,
    Member("Luis", "Secretario de Educación, Cultura y Deporte"),  # the líder; the site's autor
    Member("Beto", "Jefe de Control Interno", "control_interno"),
    Member("Carla", "Encargada del sitio web", "editor_web"),
    Member("Diana", "Encargada de trámites y servicios"),
    Member("Fabio", "Secretario de Gobierno y Política Social"),
    Member("Gloria", "Presidenta de ASOJUNTAS"),
    Member("Hugo", "Gerente de la Cámara de Comercio seccional Mocoa"),
)
EDITOR = MEMBERS[3]


@dataclass(frozen=True)
class CompromisoPlan:
    """A compromiso assigned in a meeting, and what becomes of it."""

    owner: Member
    text: str
    due: date
    done_on: date | None = None  # fulfilled that day (by the owner, with /compromisos)
    result: str = ""
    late_to: date | None = None  # overdue at the next meeting: rescheduled to this date


@dataclass
class MeetingPlan:
    day: date
    absent: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    compromisos: tuple[CompromisoPlan, ...] = ()
    criteria: tuple[str, ...] = field(default=())  # «/criterio …» arguments marked in the meeting


def member_named(name: str) -> Member:
    return next(m for m in MEMBERS if m.name == name)


_m = member_named  # keeps the table below readable


def _d(text: str) -> date:
    return date.fromisoformat(text)


MEETINGS: tuple[MeetingPlan, ...] = (
    MeetingPlan(
        _d("2009-02-03"),
        absent=("Hugo",),
        excused=("Fabio",),
        decisions=(
            "Aprobar el plan de acción de la Resolución 001143",
            "Actualizar el sitio web al menos una vez por semana",
        ),
        compromisos=(
            CompromisoPlan(
                _m("Carla"),
                "Publicar la misión y visión en el sitio web",
                _d("2009-02-20"),
                _d("2009-02-18"),
                f"Misión y visión publicadas en {SITE}/mision",
            ),
            CompromisoPlan(
                _m("Diana"),
                "Publicar los trámites y servicios en el sitio web",
                _d("2009-02-27"),
                _d("2009-03-19"),
                "Se publicaron 32 trámites con sus requisitos",
                _d("2009-03-20"),
            ),
            CompromisoPlan(
                _m("Beto"),
                "Presentar el seguimiento del plan de acción",
                _d("2009-03-27"),
                _d("2009-03-26"),
                "Informe de seguimiento entregado a la Secretaría de Planeación",
            ),
        ),
        criteria=("1 cumple " + SITE,),
    ),
    MeetingPlan(
        _d("2009-03-03"),
        excused=("Gloria",),
        decisions=("Socializar la estrategia con las juntas de acción comunal",),
        compromisos=(
            CompromisoPlan(
                _m("Fabio"),
                "Habilitar el buzón de peticiones, quejas y reclamos",
                _d("2009-04-15"),
                _d("2009-04-14"),
                f"Buzón en funcionamiento en {SITE}/pqr",
            ),
            CompromisoPlan(
                _m("Gloria"),
                "Convocar a las juntas de acción comunal a la socialización de Gobierno en Línea",
                _d("2009-03-31"),
                _d("2009-03-27"),
                "Taller de socialización: asistieron 42 personas",
            ),
        ),
        criteria=("2,3 cumple " + SITE + "/entidad",),
    ),
    MeetingPlan(
        _d("2009-04-07"),
        absent=("Luis",),
        decisions=("Publicar una encuesta de opinión cada mes",),
        compromisos=(
            CompromisoPlan(
                _m("Hugo"),
                "Vincular a la Cámara de Comercio al directorio de trámites",
                _d("2009-04-30"),
                _d("2009-05-28"),
                "Convenio firmado con la Cámara de Comercio",
                _d("2009-05-29"),
            ),
            CompromisoPlan(
                _m("Carla"),
                "Publicar la encuesta de opinión del mes",
                _d("2009-04-24"),
                _d("2009-04-22"),
                f"Encuesta publicada en {SITE}/encuesta",
            ),
        ),
        criteria=("4-6 cumple " + SITE + "/normas",),
    ),
    MeetingPlan(
        _d("2009-05-05"),
        absent=("Gloria",),
        excused=("Hugo",),
        decisions=("Capacitar a los funcionarios en el uso del sitio",),
        compromisos=(
            CompromisoPlan(
                _m("Luis"),
                "Capacitar a los docentes en el uso del sitio web",
                _d("2009-06-12"),
                _d("2009-06-11"),
                "Taller con 35 docentes de 17 instituciones educativas",
            ),
            CompromisoPlan(
                _m("Diana"),
                "Publicar la consulta del estado de los trámites",
                _d("2009-05-29"),
            ),
        ),
        criteria=("7-10 cumple " + SITE + "/planes",),
    ),
    MeetingPlan(
        _d("2009-06-02"),
        excused=("Fabio",),
        decisions=("Preparar el informe semestral con lo registrado por el bot",),
        compromisos=(
            CompromisoPlan(
                _m("Beto"),
                "Verificar los criterios de la fase de información",
                _d("2009-06-26"),
                _d("2009-06-25"),
                "Verificación hecha: 14 criterios con evidencia",
            ),
            CompromisoPlan(_m("Ana"), "Preparar el informe semestral", _d("2009-08-07")),
        ),
        criteria=("11-14 cumple " + SITE + "/contratacion",),
    ),
    MeetingPlan(
        _d("2009-07-07"),
        absent=("Hugo",),
        decisions=("Publicar el informe semestral en el sitio web",),
        compromisos=(
            CompromisoPlan(
                _m("Carla"),
                "Publicar las actas del semestre en el sitio web",
                _d("2009-07-17"),
                _d("2009-07-16"),
                f"Seis actas publicadas en {SITE}/actas",
            ),
        ),
        criteria=("15,16 cumple " + SITE + "/tramites",),
    ),
)

# Last month's values, recorded by control interno at each meeting (/indicadores N valor
# anterior): the plan's indicators 1 (meetings a month), 3 (news published), 6 (quejas
# received), 7 (opinion polls). The other monthly ones stay unrecorded: «sin respuesta».
READINGS: dict[int, tuple[int, ...]] = {
    3: (1, 14, 9, 0),  # February, recorded in March
    4: (1, 16, 11, 1),
    5: (1, 12, 7, 1),
    6: (1, 15, 12, 1),
    7: (1, 17, 10, 1),
    8: (1, 18, 13, 1),  # July, recorded with the informe
}
INDICATORS = (1, 3, 6, 7)

# Weeks (by the Monday of the nag) the editor leaves unanswered, or answers «No».
UNANSWERED = {_d("2009-03-16"), _d("2009-05-11"), _d("2009-06-22")}
NOT_UPDATED = {_d("2009-04-06")}
TWICE = {_d("2009-02-16"), _d("2009-03-30"), _d("2009-05-25"), _d("2009-07-13")}

START = _d("2009-02-02")
END = _d("2009-07-31")
SHORT_END = _d("2009-02-28")
INFORME_DAY = _d("2009-08-03")
QUESTIONNAIRE_DAY = _d("2009-07-27")  # the bot asks five working days before the period closes
