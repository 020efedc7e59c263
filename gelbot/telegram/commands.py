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
        "rol",
        "Asignar un rol a un miembro (coordinador)",
        "/rol @ana editor_web",
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
