"""The commands gelbot understands: one table for /ayuda, for Telegram's menu and for typos."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from gelbot.models import Role

EVERYONE: frozenset[Role] = frozenset(Role)
COORDINATION: frozenset[Role] = frozenset({Role.COORDINADOR})
NOBODY: frozenset[Role] = frozenset()

# /ayuda groups commands by what a person is trying to do, in this order.
SECTIONS = (
    "Empezar",
    "El comité",
    "Reuniones",
    "Compromisos",
    "Plan de acción e indicadores",
    "Fases y criterios",
    "Recordatorios",
    "Informe",
    "Delegados",
)


@dataclass(frozen=True)
class Manage:
    """What some roles may do beyond looking: its own description and example in /ayuda."""

    roles: frozenset[Role]
    description: str
    example: str


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str  # for Telegram's menu (max 256 characters) and for /ayuda
    example: str  # shown by /ayuda; it must work as written for whoever may see it
    section: str = "El comité"
    roles: frozenset[Role] = EVERYONE  # who may use it once in a committee
    for_newcomers: bool = False  # shown to people who are in no committee yet
    for_admins: bool = False  # for Telegram group administrators (registering the committee)
    in_group: bool = True  # works in the committee's group
    in_private: bool = True  # works in the private chat
    manage: Manage | None = None  # what the roles named there may do beyond looking

    def manages(self, roles: Iterable[Role]) -> bool:
        return self.manage is not None and not self.manage.roles.isdisjoint(roles)


COMMANDS: list[CommandInfo] = [
    CommandInfo(
        "ayuda", "Qué puedo hacer y cómo pedirlo", "/ayuda", section="Empezar", for_newcomers=True
    ),
    CommandInfo(
        "comite",
        "Registrar el comité de este grupo (administradores del grupo)",
        "/comite Alcaldía Municipal de Chitagá",
        section="Empezar",
        roles=NOBODY,
        for_newcomers=True,
        for_admins=True,
        in_private=False,
    ),
    CommandInfo(
        "unirme",
        "Unirse al comité de este grupo con su cargo",
        "/unirme Secretario de Planeación",
        section="Empezar",
        roles=NOBODY,
        for_newcomers=True,
        in_private=False,
    ),
    CommandInfo(
        "miembros", "Ver los miembros del comité, su rol y su cargo", "/miembros", in_private=False
    ),
    CommandInfo(
        "nombre",
        "Mi nombre completo, como firmo las actas y el informe",
        "/nombre Fernando Chávez Ayala",
    ),
    CommandInfo(
        "rol",
        "Asignar un rol a un miembro",
        "/rol @carla editor_web",
        roles=COORDINATION,
        in_private=False,
    ),
    CommandInfo(
        "reunion",
        "Ver la próxima y la última reunión",
        "/reunion",
        section="Reuniones",
        in_private=False,
        manage=Manage(
            COORDINATION,
            "Programar, iniciar, registrar y cerrar las reuniones; reabrir y corregir su acta",
            "/reunion programar primer martes 9:00",
        ),
    ),
    CommandInfo(
        "decision",
        "Anotar una decisión en la reunión que está en curso",
        "/decision Aprobar el plan de acción",
        section="Reuniones",
        in_private=False,
    ),
    CommandInfo(
        "compromiso",
        "Registrar un compromiso (responsable, qué y para cuándo)",
        "/compromiso @beto Actualizar el sitio web para el próximo viernes",
        section="Compromisos",
        in_private=False,
    ),
    CommandInfo(
        "compromisos",
        "Ver los compromisos abiertos, los suyos, los vencidos o los cumplidos",
        "/compromisos míos",
        section="Compromisos",
    ),
    CommandInfo(
        "plan",
        "Ver el plan de acción del comité",
        "/plan",
        section="Plan de acción e indicadores",
        manage=Manage(
            COORDINATION, "Ver el plan de acción o cargarlo desde un archivo", "/plan importar"
        ),
    ),
    CommandInfo(
        "indicadores",
        "Cómo va cada indicador frente a su meta",
        "/indicadores",
        section="Plan de acción e indicadores",
        manage=Manage(
            frozenset({Role.COORDINADOR, Role.CONTROL_INTERNO, Role.EDITOR_WEB}),
            "Cómo va cada indicador frente a su meta; registrar un valor (indicador 3, valor 12)",
            "/indicadores 3 12",
        ),
    ),
    CommandInfo(
        "fases",
        "Avance de cada fase (gráfica) y días que faltan para cada plazo",
        "/fases",
        section="Fases y criterios",
    ),
    CommandInfo(
        "marcos",
        "Los marcos normativos que sigue el comité; el coordinador los cambia",
        "/marcos res1519_transparencia decreto_767",
        section="Fases y criterios",
    ),
    CommandInfo(
        "calendario",
        "Plazos de reporte (plan de acción, FURAG…); el coordinador fija las fechas abiertas",
        "/calendario furag 16/03/2027 24/04/2027",
        section="Fases y criterios",
    ),
    CommandInfo(
        "matriz",
        "La matriz de cumplimiento de un marco, en Excel (o CSV)",
        "/matriz res1519_transparencia",
        section="Fases y criterios",
    ),
    CommandInfo(
        "criterio",
        "Ver los criterios pendientes",
        "/criterio",
        section="Fases y criterios",
        manage=Manage(
            frozenset({Role.COORDINADOR, Role.CONTROL_INTERNO}),
            "Ver los criterios pendientes y marcar uno como cumplido, con la dirección que lo"
            " muestra (el 2 es «Misión y visión»)",
            "/criterio 2 cumple https://www.chitaga-nortedesantander.gov.co/mision",
        ),
    ),
    CommandInfo(
        "recordatorios",
        "Ver los recordatorios del comité",
        "/recordatorios",
        section="Recordatorios",
        in_private=False,
        manage=Manage(
            COORDINATION,
            "Ver los recordatorios del comité y cambiar su día y hora, o desactivarlos",
            "/recordatorios sitio martes 10:00",
        ),
    ),
    CommandInfo(
        "vacaciones",
        "Pausar sus recordatorios hasta una fecha (se avisa al coordinador)",
        "/vacaciones 20 de marzo",
        section="Recordatorios",
    ),
    CommandInfo(
        "tablero",
        "Delegados: todos los comités que sigue, lado a lado (imagen, hoja de cálculo o web)",
        "/tablero xlsx",
        section="Delegados",
        roles=frozenset({Role.DELEGADO}),
        for_newcomers=True,
        in_group=False,
    ),
    CommandInfo(
        "avance",
        "Contar con sus palabras un avance, para el informe",
        "/avance Se publicó el directorio de funcionarios",
        section="Informe",
    ),
    CommandInfo(
        "corregir",
        "Corregir una respuesta que dio en este período",
        "/corregir",
        section="Informe",
    ),
    CommandInfo(
        "flujos",
        "Ver las preguntas que el bot hace al comité",
        "/flujos",
        section="Informe",
        manage=Manage(
            COORDINATION,
            "Ver las preguntas que el bot hace al comité y cambiarlas con un archivo",
            "/flujos",
        ),
    ),
    CommandInfo(
        "informe",
        "Preparar el informe semestral o trimestral: revisar filas y generar Word y PDF",
        "/informe semestral 2009-02 2009-08",
        section="Informe",
        roles=COORDINATION,
    ),
    CommandInfo(
        "seguir",
        "Recibir cada semana el resumen de un comité (delegados)",
        "/seguir Alcaldía de Mocoa",
        section="Delegados",
        roles=frozenset({Role.DELEGADO}),
        for_newcomers=True,
        in_group=False,
    ),
    CommandInfo(
        "dejar",
        "Dejar de seguir un comité (delegados)",
        "/dejar Alcaldía de Mocoa",
        section="Delegados",
        roles=frozenset({Role.DELEGADO}),
        in_group=False,
    ),
    CommandInfo(
        "start", "Abrir el chat privado conmigo", "/start", section="Empezar", for_newcomers=True
    ),
]

# Commands a person may type that are not in the menu, and what they meant.
ALIASES = {"help": "ayuda", "unirse": "unirme", "comité": "comite", "reunión": "reunion"}


def commands_for(roles: set[Role], *, newcomer: bool, admin: bool) -> list[CommandInfo]:
    """The commands someone with `roles` may use, in menu order."""
    chosen = []
    for command in COMMANDS:
        admitted = (command.for_admins and admin) or (newcomer and command.for_newcomers)
        if admitted or roles & command.roles:
            chosen.append(command)
    return chosen


def usable_here(
    roles: set[Role], *, newcomer: bool, admin: bool, private: bool
) -> list[CommandInfo]:
    """What this person may do in this chat (the group or the private chat)."""
    return [
        c
        for c in commands_for(roles, newcomer=newcomer, admin=admin)
        if (c.in_private if private else c.in_group) and c.name not in {"ayuda", "start"}
    ]


def by_section(commands: list[CommandInfo]) -> list[tuple[str, list[CommandInfo]]]:
    """The commands grouped by task, in SECTIONS order, empty sections left out."""
    return [
        (section, found)
        for section in SECTIONS
        if (found := [c for c in commands if c.section == section])
    ]


def nearest(word: str) -> CommandInfo | None:
    """The real command someone who typed `word` most likely meant, if any is close."""
    typed = word.lower().lstrip("/")
    names = {c.name: c for c in COMMANDS}
    meant = ALIASES.get(typed)
    if meant is None:
        close = difflib.get_close_matches(typed, [*names, *ALIASES], n=1, cutoff=0.6)
        meant = ALIASES.get(close[0], close[0]) if close else None
    return names.get(meant) if meant else None
