"""The acta of a committee meeting laid out as Markdown and as Word (DOCX).

The Acta itself is domain data (gelbot.domain.actas). The Telegram message version is a template
(messages/reunion_acta.html.j2) over the same Acta, so the three say the same thing. Nothing here
knows about Telegram or queries the database.
"""

from __future__ import annotations

import io
import re

from gelbot.domain.actas import Acta, ActaCompromiso, ActaGuest, ActaSigner
from gelbot.domain.spanish import format_date

ATTENDANCE_LABELS = {"presente": "Presente", "ausente": "Ausente", "excusa": "Excusa"}
OUTCOME_LABELS = {
    "cumplido": "Cumplido",
    "en_curso": "En curso",
    "reprogramado": "Reprogramado",
    "cancelado": "Cancelado",
    "reasignado": "Reasignado",
}


def file_name(acta: Acta, extension: str) -> str:
    """A safe file name: "acta_2009-02-27.docx"."""
    return f"acta_{acta.held_on.isoformat()}.{extension}"


def compromiso_line(item: ActaCompromiso) -> str:
    """One compromiso in one line of plain text, as every format writes it."""
    due = format_date(item.due_on)
    line = f"#{item.number} {item.responsable}: {item.description} (para el {due})"
    if item.outcome:
        line += f" — {OUTCOME_LABELS.get(item.outcome, item.outcome)}"
        if item.detail:
            line += f": {item.detail}"
    return line


def _sections(acta: Acta) -> list[tuple[str, list[str]]]:
    """The acta's body as (heading, lines): the one structure both renderers follow."""
    attendance = [
        f"{a.name}{f', {a.cargo}' if a.cargo else ''}: {ATTENDANCE_LABELS.get(a.status, a.status)}"
        for a in acta.attendees
    ] or ["No se registraron miembros."]
    attendance += [f"Invitado(a): {guest_line(g)}" for g in acta.guests]
    quorum = "Hubo quórum" if acta.quorum else "No hubo quórum"
    attendance.append(
        f"{quorum}: {acta.present} de {len(acta.attendees)} miembros presentes "
        "(se requiere más de la mitad)."
    )
    decisions = [f"{d.text}{f' (registró: {d.by})' if d.by else ''}" for d in acta.decisions] or [
        "No se registraron decisiones."
    ]
    reviewed = [compromiso_line(c) for c in acta.reviewed] or ["No se revisaron compromisos."]
    new = [compromiso_line(c) for c in acta.new] or ["No se asignaron compromisos nuevos."]
    sections = [
        ("Orden del día", [f"{n}. {item}" for n, item in enumerate(acta.orden_del_dia, 1)]),
        ("1. Llamado a lista", attendance),
        ("2. Revisión de compromisos", reviewed),
        ("3. Decisiones", decisions),
        ("4. Compromisos nuevos", new),
    ]
    if acta.corrections:
        sections.append(("Correcciones posteriores al cierre", correction_lines(acta)))
    return sections


def guest_line(guest: ActaGuest) -> str:
    return f"{guest.name}, {guest.cargo}" if guest.cargo else guest.name


def correction_lines(acta: Acta) -> list[str]:
    return [f"{format_date(c.on)}{f', {c.by}' if c.by else ''}: {c.text}" for c in acta.corrections]


SIGNATURE_LINE = "_" * 36
LANGUAGE = "es-CO"


def signature_lines(signer: ActaSigner) -> list[str]:
    """The lines under one signature, as seeds 001 and 004 sign: name, cargo, part taken."""
    lines = [signer.name] if signer.name else []
    if signer.cargo:
        lines.append(signer.cargo)
    lines.append(signer.role)
    return lines


def _header_lines(acta: Acta) -> list[str]:
    lines = [f"Fecha: {format_date(acta.held_on)}"]
    if acta.started:
        lines.append(f"Hora: {acta.started} a {acta.ended or '—'}")
    if acta.place:
        lines.append(f"Lugar: {acta.place}")
    if acta.after_the_fact and acta.recorded_on:
        lines.append(f"Registrada con posterioridad, el {format_date(acta.recorded_on)}.")
    if acta.opened_by:
        lines.append(f"Abrió: {acta.opened_by}")
    if acta.closed_by:
        lines.append(f"Cerró: {acta.closed_by}")
    return lines


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    """Escape user text so Markdown shows it as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def acta_markdown(acta: Acta) -> str:
    """The acta as Markdown, for the entity's site and archives."""
    out = [f"# {_md(acta.title)}", ""]
    out += [f"{_md(line)}  " for line in _header_lines(acta)]
    for heading, lines in _sections(acta):
        out += ["", f"## {heading}", ""]
        out += [f"- {_md(line)}" for line in lines]
    out += ["", "## Firmas", "", "En constancia firman:"]
    for signer in acta.signers:
        out += ["", "", f"{_md(SIGNATURE_LINE)}  "]
        out += [f"{_md(line)}  " for line in signature_lines(signer)]
    return "\n".join(out) + "\n"


# Characters XML 1.0 forbids; python-docx refuses them, and nobody can see them anyway.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def acta_docx(acta: Acta) -> bytes:
    """The acta as a Word document, the format entities file and sign."""
    # python-docx is slow to import; load it only when an acta document is made.
    from docx import Document as new_word_document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = new_word_document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    # python-docx's template says en-US: Word would spell-check the Spanish as English.
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    document.add_heading(_xml_safe(acta.title), level=1)
    for line in _header_lines(acta):
        document.add_paragraph(_xml_safe(line))
    for heading, lines in _sections(acta):
        document.add_heading(heading, level=2)
        for line in lines:
            document.add_paragraph(_xml_safe(line), style="List Bullet")
    document.add_paragraph()
    document.add_paragraph("En constancia firman:")
    for signer in acta.signers:
        document.add_paragraph()
        block = document.add_paragraph(SIGNATURE_LINE)
        for index, line in enumerate(signature_lines(signer)):
            run = block.add_run()
            run.add_break()
            run.add_text(_xml_safe(line))
            run.bold = index == 0 and signer.name is not None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
