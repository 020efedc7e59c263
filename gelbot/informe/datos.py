"""/informe datos: what the informe says about the entity, set once in the chat and kept.

`/informe datos <campo> <valor>` sets one field; with no campo it shows what is set. Fields:
ciudad, membrete (lines split by «/»), representante («NOMBRE; CARGO»), firma (the one who
writes: «NOMBRE COMPLETO; CARGO»), periodos (the months periods start in), introduccion,
objetivo (the general one), objetivos (specific ones, split by «;»); the logo is asked for as a
reply (gelbot.telegram.handlers.informe_datos). «original» clears a text back to the
framework's. Refusals are DomainError("informe_datos", motivo=…) for the template to word.
No Telegram here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.db import insert_missing
from gelbot.domain.errors import DomainError
from gelbot.domain.spanish import normalize
from gelbot.informe.compile import informe_settings
from gelbot.informe.document import Firma, InformeDocument, InformeRow, PhaseProgress
from gelbot.models import Committee, InformeSettings, Membership, Person

CAMPOS = ("ciudad", "membrete", "representante", "firma", "periodos", "introduccion",
          "objetivo", "objetivos", "logo", "plantilla")  # fmt: skip
FILE_CAMPOS = ("logo", "plantilla")  # asked for as a reply with the file
_ALIASES = {"periodo": "periodos", "membretes": "membrete", "firmas": "firma"}
_SECOND_WORDS = {"representante": "legal", "objetivo": "general", "objetivos": "especificos"}
CLEAR_WORDS = {"original", "quitar", "borrar", "ninguno", "ninguna"}
_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
LIMITS = {"ciudad": 120, "linea": 120, "nombre": 200, "cargo": 200, "introduccion": 6000,
          "objetivo": 1000}  # fmt: skip
MAX_LINES = 6
MAX_OBJETIVOS = 10
MAX_LOGO_BYTES = 2_000_000
LOGO_PIXELS = 600  # the longest side the stored logo keeps


@dataclass(frozen=True)
class Dato:
    """What a person asked to set: the field and the raw value (may be empty)."""

    campo: str
    valor: str


def parse(text: str) -> Dato | None:
    """`campo valor` after /informe datos; None when nothing follows (show what is set)."""
    text = text.strip()
    if not text:
        return None
    word, _, rest = re.sub(r"[\s:]+", " ", text, count=1).partition(" ")
    campo = _ALIASES.get(normalize(word), normalize(word))
    if campo not in CAMPOS:
        raise DomainError("informe_datos", motivo="campo", palabra=word[:40])
    # «representante legal …», «objetivo general …», «objetivos específicos …»
    extra = _SECOND_WORDS.get(campo)
    if extra and normalize(rest.split(maxsplit=1)[0] if rest.split() else "") == extra:
        rest = rest.split(maxsplit=1)[1] if len(rest.split(maxsplit=1)) > 1 else ""
    return Dato(campo, rest.strip(" :"))


def _text(value: str, limit: int, campo: str) -> str:
    text = "\n".join(" ".join(line.split()) for line in value.strip().splitlines()).strip()
    if not text:
        raise DomainError("informe_datos", motivo="vacio", campo=campo)
    if len(text) > limit:
        raise DomainError(
            "informe_datos", motivo="largo", campo=campo, limite=limit, largo=len(text)
        )
    return text


def clears(value: str) -> bool:
    return normalize(value).strip(" .!") in CLEAR_WORDS


def _name_and_cargo(value: str, campo: str) -> tuple[str, str]:
    """«NOMBRE COMPLETO; CARGO» (or on two lines, or split by « | » or a dash between spaces)."""
    value = value.strip()
    separator = next((s for s in (";", "\n", " | ", " — ", " – ") if s in value), ";")
    name, _, cargo = value.partition(separator)
    name, cargo = " ".join(name.split()), " ".join(cargo.split())
    if not name or not cargo:
        raise DomainError("informe_datos", motivo="nombre_cargo", campo=campo)
    return _text(name, LIMITS["nombre"], campo), _text(cargo, LIMITS["cargo"], campo)


def parse_months(value: str) -> list[int]:
    """«febrero septiembre» or «2 9» → [2, 9]; DomainError when a word is not a month."""
    found: list[int] = []
    for word in re.split(r"[\s,;/y\-–]+", normalize(value)):
        if not word:
            continue
        month = _MONTHS.get(word) or (int(word) if word.isdigit() else 0)
        if not 1 <= month <= 12:
            raise DomainError("informe_datos", motivo="mes", palabra=word[:30])
        found.append(month)
    if not found:
        raise DomainError("informe_datos", motivo="vacio", campo="periodos")
    return sorted(set(found))


async def settings_for(
    session: AsyncSession, committee: Committee, now: datetime
) -> InformeSettings:
    """The committee's informe settings, created empty the first time."""
    found = await informe_settings(session, committee)
    if found is None:
        # Two coordinadores setting data at once may reach two gelbot instances: one waits.
        values = {"letterhead": [], "period_starts": [], "updated_at": now}
        table = cast(Table, InformeSettings.__table__)
        await insert_missing(session, table, {"committee_id": committee.id}, values)
        found = await informe_settings(session, committee)
        assert found is not None
    return found


async def apply(
    session: AsyncSession, committee: Committee, person: Person, member: Membership, dato: Dato,
    now: datetime,
) -> InformeSettings:  # fmt: skip
    """Store one field; DomainError("informe_datos") says what was wrong with the value."""
    settings = await settings_for(session, committee, now)
    value, campo = dato.valor, dato.campo
    clear = clears(value)
    if campo == "ciudad":
        committee.city = None if clear else _text(value, LIMITS["ciudad"], campo)
    elif campo == "membrete":
        lines = [] if clear else [line for line in re.split(r"\s*[/\n]\s*", value) if line]
        if not clear and not lines:
            raise DomainError("informe_datos", motivo="vacio", campo=campo)
        if len(lines) > MAX_LINES:
            raise DomainError("informe_datos", motivo="lineas", limite=MAX_LINES)
        settings.letterhead = [_text(line, LIMITS["linea"], campo) for line in lines]
    elif campo == "representante":
        if clear:
            settings.representante_nombre = settings.representante_cargo = None
        else:
            settings.representante_nombre, settings.representante_cargo = _name_and_cargo(
                value, campo
            )
    elif campo == "firma":
        person.full_name, member.cargo = _name_and_cargo(value, campo)
    elif campo == "periodos":
        settings.period_starts = [] if clear else parse_months(value)
    elif campo == "introduccion":
        settings.introduccion = None if clear else _text(value, LIMITS["introduccion"], campo)
    elif campo == "objetivo":
        settings.objetivo_general = None if clear else _text(value, LIMITS["objetivo"], campo)
    elif campo == "objetivos":
        items = [] if clear else [i for i in re.split(r"\s*[;\n]\s*", value) if i.strip()]
        if not clear and not items:
            raise DomainError("informe_datos", motivo="vacio", campo=campo)
        if len(items) > MAX_OBJETIVOS:
            raise DomainError("informe_datos", motivo="lineas", limite=MAX_OBJETIVOS)
        settings.objetivos_especificos = [
            _text(i, LIMITS["objetivo"], campo) for i in items
        ] or None
    elif campo == "logo" and clear:
        settings.logo = None
    elif campo == "plantilla" and clear:
        settings.plantilla = None
    settings.updated_at, settings.updated_by_id = now, person.id
    await session.flush()
    return settings


def logo_png(data: bytes) -> bytes:
    """The uploaded image as a small PNG; DomainError("informe_datos", motivo="logo") if not one."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_LOGO_BYTES:
        raise DomainError("informe_datos", motivo="logo_grande", limite=MAX_LOGO_BYTES // 1_000_000)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise DomainError("informe_datos", motivo="logo")
            if image.width * image.height > 40_000_000:
                raise DomainError("informe_datos", motivo="logo_grande", limite=2)
            image.thumbnail((LOGO_PIXELS, LOGO_PIXELS))
            converted = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise DomainError("informe_datos", motivo="logo") from error
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


MAX_TEMPLATE_BYTES = 3_000_000


def check_template(data: bytes) -> bytes:
    """The entity's Word template, if gelbot can fill it: a .docx whose tags render (sandboxed)
    with a sample informe; DomainError("informe_datos", motivo="plantilla", detalle=…) if not."""
    import zipfile

    from gelbot.informe.word import render_docx

    if len(data) > MAX_TEMPLATE_BYTES:
        raise DomainError(
            "informe_datos", motivo="archivo_grande", limite=MAX_TEMPLATE_BYTES // 1_000_000
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DomainError("informe_datos", motivo="plantilla", detalle="no es un archivo .docx")
    try:
        render_docx(sample_document(), data)
    except Exception as error:  # whatever the template does wrong, say it and keep the old one
        detail = " ".join(str(error).split())[:200] or type(error).__name__
        raise DomainError("informe_datos", motivo="plantilla", detalle=detail) from error
    return data


def sample_document() -> InformeDocument:
    """A small informe with every part filled, to try a template on."""
    row = InformeRow("Acción", "Resultado", date(2009, 3, 2), "Marzo de 2009", "Origen", "ejemplo")
    return InformeDocument(
        entity="Entidad", title="Informe Final de Gobierno en Línea", kind="semestral",
        period_start=date(2009, 2, 1), period_end=date(2009, 7, 31), city="Ciudad",
        issued_on=date(2009, 8, 3), introduccion="Introducción.", objetivo_general="Objetivo.",
        objetivos=["Objetivo específico."], rows=[row], pendientes=[row],
        phases=[PhaseProgress("Información", 0.2, 0.5)], sin_informacion=["Indicador"],
        firmas=[Firma("Nombre Completo", "Cargo")], letterhead=["REPÚBLICA DE COLOMBIA"],
    )  # fmt: skip
