"""The commands gelbot understands: one table for /ayuda and for Telegram's command menu."""

from __future__ import annotations

from dataclasses import dataclass

from gelbot.models import Role

EVERYONE: frozenset[Role] = frozenset(Role)
COORDINATION: frozenset[Role] = frozenset({Role.COORDINADOR})


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str  # for Telegram's menu (max 256 characters)
    example: str  # shown by /ayuda
    roles: frozenset[Role] = EVERYONE  # who may use it once in a committee
    for_newcomers: bool = False  # shown to people who are in no committee yet
    for_admins: bool = False  # for Telegram group administrators (registering the committee)


COMMANDS: list[CommandInfo] = [
    CommandInfo("ayuda", "Qué puedo hacer y cómo pedirlo", "/ayuda", for_newcomers=True),
    CommandInfo(
        "comite",
        "Registrar el comité de este grupo (administradores)",
        "/comite Alcaldía de Mocoa",
        roles=COORDINATION,
        for_newcomers=True,
        for_admins=True,
    ),
    CommandInfo(
        "unirme",
        "Unirme al comité con mi cargo",
        "/unirme Secretario de Planeación",
        for_newcomers=True,
    ),
    CommandInfo("miembros", "Ver los miembros del comité, su rol y su cargo", "/miembros"),
    CommandInfo(
        "nombre",
        "Mi nombre completo, como firmo las actas y el informe",
        "/nombre Fernando Chávez Ayala",
    ),
    CommandInfo(
        "rol",
        "Asignar un rol a un miembro (coordinador)",
        "/rol @ana editor_web",
        roles=COORDINATION,
    ),
    CommandInfo(
        "reunion",
        "La próxima y la última reunión; el coordinador la programa, inicia, registra, cierra "
        "y corrige su acta",
        "/reunion programar primer martes 9:00",
    ),
    CommandInfo(
        "decision", "Anotar una decisión en la reunión abierta", "/decision Aprobar el plan"
    ),
    CommandInfo(
        "compromiso",
        "Registrar un compromiso: responsable, qué y para cuándo",
        "/compromiso @beto Actualizar el sitio web para el próximo viernes",
    ),
    CommandInfo(
        "compromisos",
        "Ver los compromisos abiertos (mios, vencidos) y marcarlos",
        "/compromisos vencidos",
    ),
    CommandInfo(
        "plan",
        "Ver el plan de acción; el coordinador lo carga con un archivo YAML o CSV",
        "/plan importar",
    ),
    CommandInfo(
        "indicadores",
        "Cómo va cada indicador frente a su meta; registrar un valor",
        "/indicadores 3 12",
    ),
    CommandInfo("fases", "Avance de cada fase (gráfica) y días para cada plazo", "/fases"),
    CommandInfo(
        "marcos",
        "Los marcos normativos que sigue el comité; el coordinador los cambia",
        "/marcos res1519_transparencia decreto_767",
    ),
    CommandInfo(
        "calendario",
        "Plazos de reporte (plan de acción, FURAG…); el coordinador fija las fechas abiertas",
        "/calendario furag 16/03/2027 24/04/2027",
    ),
    CommandInfo(
        "matriz",
        "La matriz de cumplimiento de un marco, en Excel (o CSV)",
        "/matriz res1519_transparencia",
    ),
    CommandInfo(
        "criterio",
        "Criterios pendientes; coordinador o control interno los marcan con evidencia",
        "/criterio 12 cumple https://mocoa-putumayo.gov.co/mision",
    ),
    CommandInfo(
        "recordatorios",
        "Ver los recordatorios del comité; el coordinador los cambia o desactiva",
        "/recordatorios sitio martes 10:00",
    ),
    CommandInfo(
        "vacaciones",
        "Pausar mis recordatorios hasta una fecha (aviso al coordinador)",
        "/vacaciones 20 de marzo",
    ),
    CommandInfo(
        "seguir",
        "Delegados: recibir cada semana el resumen de un comité",
        "/seguir Alcaldía de Mocoa",
        for_newcomers=True,
    ),
    CommandInfo(
        "dejar",
        "Delegados: dejar de seguir un comité",
        "/dejar Alcaldía de Mocoa",
        for_newcomers=True,
    ),
    CommandInfo(
        "tablero",
        "Delegados: todos los comités que sigue, lado a lado (imagen, hoja de cálculo o web)",
        "/tablero xlsx",
        for_newcomers=True,
    ),
    CommandInfo(
        "avance",
        "Reportar un avance con sus palabras, para el informe",
        "/avance Se publicó el directorio de funcionarios",
    ),
    CommandInfo("corregir", "Corregir una respuesta que dio en este período", "/corregir"),
    CommandInfo(
        "flujos",
        "Ver las conversaciones del comité; el coordinador las cambia con un archivo",
        "/flujos",
    ),
    CommandInfo(
        "informe",
        "Preparar el informe semestral o trimestral: revisar filas y generar Word, PDF y Markdown",
        "/informe semestral 2009-02 2009-08",
        roles=COORDINATION,
    ),
    CommandInfo("start", "Abrir el chat privado conmigo", "/start", for_newcomers=True),
]


def commands_for(roles: set[Role], *, newcomer: bool, admin: bool) -> list[CommandInfo]:
    """The commands someone with `roles` may use, in menu order."""
    chosen = []
    for command in COMMANDS:
        admitted = (command.for_admins and admin) or (newcomer and command.for_newcomers)
        if admitted or roles & command.roles:
            chosen.append(command)
    return chosen
