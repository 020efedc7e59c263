"""`gelbot informe`: the same informe the chat generates, written to a file from the command line.

The edits a coordinador made in the chat's review for that exact period (rows left out,
RESULTADOS rewritten) are applied, so the file matches what the group received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gelbot.cli.committees import committee_or_listing
from gelbot.cli.common import plain
from gelbot.domain.committees import DomainError
from gelbot.domain.informe_periods import parse_request, resolve
from gelbot.informe import drafts, output
from gelbot.informe.compile import informe_settings
from gelbot.informe.document import period_label
from gelbot.services import Services
from gelbot.settings import Settings


@dataclass(frozen=True)
class Outcome:
    status: int  # the exit status: 0 written, 2 bad request
    message: str  # what to tell the person (on stderr when status != 0)
    content: bytes = b""
    path: Path | None = None  # None: the content goes to standard output


async def write_informe(
    settings: Settings,
    *,
    committee_id: int | None,
    desde: str | None,
    hasta: str | None,
    tipo: str | None,
    formato: str,
    salida: str | None,
    now: datetime,
) -> Outcome:
    """Compile the committee's informe for the period, apply its review, render it."""
    fmt = next((f for f in output.FORMATS if f == formato), None)
    if fmt is None:
        return Outcome(2, f"--formato «{formato}» no existe: use docx, pdf o md.")
    if tipo is not None and tipo not in ("semestral", "trimestral"):
        return Outcome(2, f"--tipo «{tipo}» no existe: use semestral o trimestral.")
    if (desde is None) != (hasta is None):
        return Outcome(2, "Indique --desde y --hasta juntos (o ninguno: el último período).")
    try:
        request = parse_request(" ".join(p for p in (tipo, desde, hasta) if p))
    except DomainError as error:
        return Outcome(2, plain(error.code, **error.details))
    async with Services.opened(settings) as services, services.transaction() as session:
        committee, listing = await committee_or_listing(session, committee_id)
        if committee is None:
            return Outcome(2, listing)
        own = await informe_settings(session, committee)
        try:
            period = resolve(
                request, committee_months=committee.informe_months,
                start_month=committee.informe_start_month,
                today=now.astimezone(settings.zone).date(),
                starts=own.period_starts if own else (),
                lived_from=committee.created_at.astimezone(settings.zone).date(),
            )  # fmt: skip
        except DomainError as error:
            return Outcome(2, plain(error.code, **error.details))
        doc = await drafts.edited_document(session, committee, period, now=now, tz=settings.zone)
    content = output.render(doc, fmt)
    path = None if salida == "-" else Path(salida or output.file_name(doc, fmt))
    label = period_label(doc.period_start, doc.period_end)
    message = (
        f"Informe {doc.kind} de {doc.entity} ({label}): {len(doc.rows)} filas y "
        f"{len(doc.pendientes)} pendientes"
    )
    if path is not None:
        message += f", escrito en {path}."
    if not doc.final:
        # A warning, not a refusal: a progress report of the running period is legitimate.
        message += " Aviso: el período aún no termina; el informe muestra lo registrado hasta hoy."
    return Outcome(0, message, content, path)
