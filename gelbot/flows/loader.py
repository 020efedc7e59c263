"""Finding flows: the files shipped in conversations/, and each committee's own versions.

A committee's coordinador may upload a flow: with the id of a shipped flow it replaces that
flow for the committee; with a new id it adds one. Every version is kept (flow_definitions),
and every run points at the exact version it started under, so an answer keeps its version
and a run resumes unchanged after a restart even if the file changed meanwhile. A file that
does not validate is never used: at start it is logged and skipped, on upload it is refused.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.flows.schema import Flow
from gelbot.models import Committee, Person
from gelbot.models.flows import FlowDefinition
from gelbot.resources import resource_dir

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 64 * 1024


class FlowError(Exception):
    """A flow file that cannot be used; the message names the file, question and field."""


@dataclass(frozen=True)
class FlowSource:
    """A validated flow and the text it came from."""

    flow: Flow
    text: str
    file_name: str
    committee_id: int | None = None  # None: shipped with gelbot

    @property
    def digest(self) -> str:
        return digest(self.text)


@dataclass(frozen=True)
class LoadedFlow:
    """A flow ready to run: its definition row (the version answers are kept under)."""

    flow: Flow
    definition_id: int
    version: int
    custom: bool


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- parsing and checking ------------------------------------------------------------------------


def parse_flow(text: str, file_name: str) -> Flow:
    """Validate a flow's YAML text; FlowError names the file, the question and the field."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise FlowError(
            f"{file_name}: el archivo es muy grande (máximo {MAX_FILE_BYTES // 1024} KB)."
        )
    return _parsed(text, file_name)


@functools.lru_cache(maxsize=256)
def _parsed(text: str, file_name: str) -> Flow:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (línea {mark.line + 1})" if mark is not None else ""
        raise FlowError(f"{file_name}: el YAML no es válido{line}.") from None
    if not isinstance(data, dict):
        raise FlowError(
            f"{file_name}: se esperaba un mapeo con id, name, starts, asks y questions."
        )
    try:
        return Flow.model_validate(data)
    except ValidationError as error:
        raise FlowError(f"{file_name}: {describe(error.errors()[0], data)}") from None
    except RecursionError:
        raise FlowError(f"{file_name}: el archivo está anidado demasiado hondo.") from None


def load_file(path: Path) -> Flow:
    """Read and validate one flow file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FlowError(f"{path.name}: no se pudo leer ({error.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FlowError(f"{path.name}: el archivo no está en UTF-8.") from None
    return parse_flow(text, path.name)


def flow_files(folder: Path | None = None) -> list[Path]:
    """The flow files in conversations/ (or `folder`), in name order."""
    where = folder or resource_dir("conversations")
    return sorted(p for p in where.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def check_files(paths: Iterable[Path]) -> list[tuple[Path, str | None]]:
    """Each file with its error (None when valid), including ids used by two files."""
    results: list[tuple[Path, str | None]] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            flow = load_file(path)
        except FlowError as error:
            results.append((path, str(error)))
            continue
        if flow.id in seen:
            results.append(
                (path, f"{path.name}, campo «id»: «{flow.id}» ya lo usa {seen[flow.id]}.")
            )
            continue
        seen[flow.id] = path.name
        results.append((path, None))
    return results


# --- shipped flows -------------------------------------------------------------------------------


@functools.cache
def shipped_flows() -> dict[str, FlowSource]:
    """The valid flows in conversations/, by id; a broken file is logged and left out."""
    found: dict[str, FlowSource] = {}
    try:
        paths = flow_files()
    except FileNotFoundError:
        log.error("no conversations/ folder: no flows")
        return found
    for path, error in check_files(paths):
        if error is not None:
            log.error("flow file skipped: %s", error)
            continue
        text = path.read_text(encoding="utf-8")
        flow = parse_flow(text, path.name)
        found[flow.id] = FlowSource(flow, text, path.name)
    return found


# --- a committee's flows -------------------------------------------------------------------------


async def _latest_custom(session: AsyncSession, committee: Committee) -> dict[str, FlowDefinition]:
    rows = await session.scalars(
        select(FlowDefinition)
        .where(FlowDefinition.committee_id == committee.id)
        .order_by(FlowDefinition.flow_id, FlowDefinition.version)
    )
    return {row.flow_id: row for row in rows}  # the last version of each id wins


async def sources(session: AsyncSession, committee: Committee) -> dict[str, FlowSource]:
    """Every flow this committee uses, by id: its own versions over the shipped ones."""
    found = dict(shipped_flows())
    for flow_id, row in (await _latest_custom(session, committee)).items():
        try:
            flow = parse_flow(row.yaml_text, row.file_name or f"{flow_id}.yaml")
        except FlowError as error:  # stored valid; unreadable only if the format moved on
            log.error("committee %s flow skipped: %s", committee.id, error)
            continue
        found[flow_id] = FlowSource(flow, row.yaml_text, row.file_name or "", committee.id)
    return found


async def materialize(session: AsyncSession, source: FlowSource, now: datetime) -> LoadedFlow:
    """The definition row for this exact text, created the first time it runs."""
    committee_clause = (
        FlowDefinition.committee_id.is_(None)
        if source.committee_id is None
        else FlowDefinition.committee_id == source.committee_id
    )
    row = await session.scalar(
        select(FlowDefinition)
        .where(committee_clause, FlowDefinition.flow_id == source.flow.id,
               FlowDefinition.digest == source.digest)
        .order_by(FlowDefinition.version.desc())
        .limit(1)
    )  # fmt: skip
    if row is None:
        row = await _store(session, source.committee_id, source.flow.id, source.text,
                           source.file_name, None, now)  # fmt: skip
    return LoadedFlow(source.flow, row.id, row.version, source.committee_id is not None)


async def _store(
    session: AsyncSession,
    committee_id: int | None,
    flow_id: str,
    text: str,
    file_name: str | None,
    person: Person | None,
    now: datetime,
) -> FlowDefinition:
    committee_clause = (
        FlowDefinition.committee_id.is_(None)
        if committee_id is None
        else FlowDefinition.committee_id == committee_id
    )
    latest = await session.scalar(
        select(func.max(FlowDefinition.version)).where(
            committee_clause, FlowDefinition.flow_id == flow_id
        )
    )
    row = FlowDefinition(
        committee_id=committee_id,
        flow_id=flow_id,
        version=(latest or 0) + 1,
        digest=digest(text),
        yaml_text=text,
        file_name=file_name,
        created_by_id=person.id if person is not None else None,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def flow_for(
    session: AsyncSession, committee: Committee, flow_id: str, now: datetime
) -> LoadedFlow | None:
    """The version of `flow_id` this committee runs now."""
    source = (await sources(session, committee)).get(flow_id)
    return await materialize(session, source, now) if source is not None else None


async def started_by(
    session: AsyncSession,
    committee: Committee,
    now: datetime,
    *,
    reminder: str | None = None,
    command: str | None = None,
) -> list[LoadedFlow]:
    """The committee's flows a reminder kind or a command starts, by id."""
    chosen = [
        source
        for _, source in sorted((await sources(session, committee)).items())
        if (reminder is not None and reminder in source.flow.starts.reminder)
        or (command is not None and source.flow.starts.command == command)
    ]
    return [await materialize(session, source, now) for source in chosen]


async def definition(session: AsyncSession, definition_id: int) -> Flow:
    """The flow of a definition row (a run's own version)."""
    row = await session.get(FlowDefinition, definition_id)
    if row is None:
        raise FlowError(f"no existe la versión {definition_id} del flujo")
    return parse_flow(row.yaml_text, row.file_name or f"{row.flow_id}.yaml")


async def save_committee_flow(
    session: AsyncSession,
    committee: Committee,
    text: str,
    file_name: str,
    person: Person,
    now: datetime,
) -> tuple[FlowDefinition, bool]:
    """Validate and keep a committee's flow as its next version; (row, whether it is new)."""
    flow = parse_flow(text, file_name)
    latest = (await _latest_custom(session, committee)).get(flow.id)
    if latest is not None and latest.digest == digest(text):
        return latest, False
    row = await _store(session, committee.id, flow.id, text, file_name, person, now)
    return row, True


async def committee_flows(
    session: AsyncSession, committee: Committee
) -> list[tuple[FlowSource, int | None]]:
    """Every flow the committee uses, with its own version number when it uploaded one."""
    latest = await _latest_custom(session, committee)
    return [
        (source, latest[flow_id].version if flow_id in latest else None)
        for flow_id, source in sorted((await sources(session, committee)).items())
    ]


# --- error messages ------------------------------------------------------------------------------

_MESSAGES = {
    "missing": "falta",
    "extra_forbidden": "no es un campo conocido",
    "string_type": "debe ser texto",
    "string_too_short": "no puede estar vacío",
    "string_too_long": "es demasiado largo (máximo {max_length} caracteres)",
    "string_pattern_mismatch": "use solo minúsculas sin tildes, dígitos y «_» (ej. veces_semana)",
    "too_short": "no puede estar vacío",
    "too_long": "tiene demasiados elementos (máximo {max_length})",
    "tuple_type": "debe ser una lista",
    "list_type": "debe ser una lista",
    "model_type": "debe ser un mapeo (clave: valor)",
    "model_attributes_type": "debe ser un mapeo (clave: valor)",
    "literal_error": "debe ser uno de: {expected}",
    "enum": "debe ser uno de: {expected}",
    "bool_type": "debe ser true o false",
    "bool_parsing": "debe ser true o false",
    "float_parsing": "debe ser un número",
    "float_type": "debe ser un número",
    "int_parsing": "debe ser un número entero",
    "int_type": "debe ser un número entero",
    "int_from_float": "debe ser un número entero",
    "greater_than": "debe ser mayor que {gt}",
    "greater_than_equal": "debe ser al menos {ge}",
    "less_than_equal": "debe ser como máximo {le}",
}


def describe(error: ErrorDetails, data: dict[str, Any]) -> str:
    """Where the error is (question, field) and what is wrong, in Spanish."""
    loc: Sequence[int | str] = error["loc"]
    where: list[str] = []
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        questions = data.get("questions")
        raw = questions[loc[1]] if isinstance(questions, list) and loc[1] < len(questions) else None
        qid = raw.get("id") if isinstance(raw, dict) else None
        where.append(f"pregunta «{qid}» (n.º {loc[1] + 1})" if isinstance(qid, str)
                     else f"pregunta n.º {loc[1] + 1}")  # fmt: skip
        loc = loc[2:]
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    if field:
        where.append(f"campo «{field}»")
    if error["type"] == "value_error":
        what = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        template = _MESSAGES.get(error["type"])
        ctx = error.get("ctx", {})
        try:
            what = template.format(**ctx) if template is not None else error["msg"]
        except (KeyError, IndexError):
            what = error["msg"]
    what = what.replace("' or '", "' o '")
    # Our own checks on a question name their field first ("campo «min»: …").
    joiner = ", " if what.startswith("campo «") else ": "
    return (", ".join(where) + joiner if where else "") + what.rstrip(".") + "."
