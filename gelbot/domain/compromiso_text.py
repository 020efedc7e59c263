"""Read `/compromiso <responsable> <descripción> para <fecha>` as the committee writes it.

The responsable comes first: a @usuario, a member's name ("Beto", "Beto Ruiz"), "yo", a cargo
the committee already knows ("Secretario de Planeación"), or any cargo followed by a colon
("Secretario de Hacienda: publicar el presupuesto…"). The due date comes last, after "para",
"hasta", "antes de", "a más tardar", or as "en dos semanas" / "dentro de un mes".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from gelbot.domain.calendar import WorkingCalendar
from gelbot.domain.cargos import holder_of, known_cargos
from gelbot.domain.committees import MAX_CARGO, find_member, members
from gelbot.domain.compromisos import Responsable
from gelbot.domain.errors import DomainError
from gelbot.domain.spanish import impossible_date, normalize, parse_date
from gelbot.models import Committee, Membership

# Markers that introduce the date: the date is what follows them ("para el 15 de diciembre").
_LEAD_MARKER = r"para|hasta|antes\s+del?|a\s+m[aá]s\s+tardar"
# Markers that are part of a relative date ("en dos semanas", "dentro de un mes").
_RELATIVE_MARKER = r"en|dentro\s+de"
_MARKER = re.compile(rf"(?<!\S)(?:(?P<lead>{_LEAD_MARKER})|(?P<rel>{_RELATIVE_MARKER}))\s", re.I)
_EDGE_PUNCTUATION = " ,;:-–—"
# A responsable is a few words; longer prefixes are never tried.
_MAX_RESPONSABLE_WORDS = 12


@dataclass(frozen=True)
class CompromisoRequest:
    """What a /compromiso said, understood: to be echoed back before anything is stored."""

    responsable: Responsable
    description: str
    due_on: date


def split_due_date(text: str, *, today: date) -> tuple[str, date] | None:
    """Split "<lo que sea> para <fecha>" into the text before the date and the date.

    The last marker whose remainder is a whole date wins, so "para" may also appear in the
    description ("formulario para PQR para el viernes").
    """
    for match in reversed(list(_MARKER.finditer(text))):
        head = text[: match.start()].strip(_EDGE_PUNCTUATION)
        if not head:
            continue
        if match["lead"]:
            when_text = text[match.end() :]
            if match["lead"].lower().endswith("del"):
                when_text = "el " + when_text  # dateparser knows "el 15 de marzo", not "del"
        else:
            when_text = text[match.start() :]
        when = parse_date(when_text, today=today, prefer="future")
        if when is not None:
            return head, when
    return None


@dataclass(frozen=True)
class NonWorkingDay:
    """A due date nobody works on, and the working days on either side of it."""

    day: date
    festivo: str | None  # its name, or None for a Saturday or Sunday
    before: date
    after: date


def non_working_day(day: date, calendar: WorkingCalendar) -> NonWorkingDay | None:
    """Warn about a due date on a weekend or a festivo (Colombia's), naming the nearest days."""
    if calendar.is_working_day(day):
        return None
    return NonWorkingDay(
        day, calendar.festivo(day), calendar.previous_working_day(day),
        calendar.next_working_day(day),
    )  # fmt: skip


async def read_request(
    session: AsyncSession,
    committee: Committee,
    author: Membership,
    text: str,
    *,
    today: date,
    mention: tuple[str, int] | None = None,
) -> CompromisoRequest:
    """Understand a /compromiso, or raise DomainError naming what was missing.

    `mention` is a text mention at the start ((its text, the user's Telegram id)), which
    names a member who has no @username.
    """
    text = " ".join(text.split())
    if not text:
        raise DomainError("compromiso_formato")
    split = split_due_date(text, today=today)
    if split is None:
        impossible = impossible_date(text)
        if impossible is not None:
            day, month, year, last = impossible
            raise DomainError("fecha_inexistente", dia=day, mes=month, anio=year, ultimo=last)
        raise DomainError("compromiso_sin_fecha", given=text)
    head, due_on = split
    responsable, description = await _responsable(session, committee, author, head, mention)
    description = description.strip(_EDGE_PUNCTUATION)
    if not description:
        raise DomainError("compromiso_sin_descripcion")
    return CompromisoRequest(responsable, description, due_on)


async def _responsable(
    session: AsyncSession,
    committee: Committee,
    author: Membership,
    head: str,
    mention: tuple[str, int] | None,
) -> tuple[Responsable, str]:
    """Who the compromiso is for, and the rest of the text (the description)."""
    first, _, rest = head.partition(" ")
    if mention is not None and head.startswith(mention[0]):
        mentioned = await find_member(session, committee, telegram_id=mention[1])
        if mentioned is None:
            raise DomainError("compromiso_no_miembro", who=mention[0])
        return Responsable(mentioned), head[len(mention[0]) :]
    if first.startswith("@") and len(first.strip(_EDGE_PUNCTUATION)) > 1:
        username = first.strip(_EDGE_PUNCTUATION)
        named_member = await find_member(session, committee, username=username[1:])
        if named_member is None:
            raise DomainError("compromiso_no_miembro", who=username)
        return Responsable(named_member), rest
    if normalize(first).strip(_EDGE_PUNCTUATION) == "yo":
        return Responsable(author), rest
    people, cargos = await _names(session, committee)
    if ":" in head:
        named, _, description = head.partition(":")
        named = named.strip()
        if named and len(named) <= MAX_CARGO and len(named.split()) <= _MAX_RESPONSABLE_WORDS:
            found = await _match(session, committee, normalize(named), people, cargos)
            if found is not None:
                return found, description
            # Any cargo may be named before a colon, even one nobody holds yet.
            return Responsable(await holder_of(session, committee.id, named), named), description
    words = head.split(" ")
    for size in range(min(len(words) - 1, _MAX_RESPONSABLE_WORDS), 0, -1):
        key = normalize(" ".join(words[:size])).strip(_EDGE_PUNCTUATION)
        found = await _match(session, committee, key, people, cargos)
        if found is not None:
            return found, " ".join(words[size:])
    raise DomainError("compromiso_responsable_desconocido", given=" ".join(words[:4]))


async def _names(
    session: AsyncSession, committee: Committee
) -> tuple[dict[str, list[Membership]], dict[str, str]]:
    """Members by their names (full and first), and cargos by key."""
    people: dict[str, list[Membership]] = defaultdict(list)
    for member in await members(session, committee):
        person = member.person
        for name in {person.display_name, person.first_name}:
            key = normalize(name)
            if key and member not in people[key]:
                people[key].append(member)
    return people, await known_cargos(session, committee)


async def _match(
    session: AsyncSession,
    committee: Committee,
    key: str,
    people: dict[str, list[Membership]],
    cargos: dict[str, str],
) -> Responsable | None:
    """A cargo or a member named exactly by `key` ("el"/"la" before a cargo allowed)."""
    for candidate in (key, re.sub(r"^(?:el|la) ", "", key)):
        if candidate in cargos:
            cargo = cargos[candidate]
            return Responsable(await holder_of(session, committee.id, cargo), cargo)
    found = people.get(key, [])
    if len(found) > 1:
        names = [m.person.display_name for m in found]
        raise DomainError("compromiso_ambiguo", who=key, names=names)
    if found:
        return Responsable(found[0])
    return None
