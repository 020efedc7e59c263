"""The informe as files: one name and one set of bytes per format, for the chat and the CLI.

The renderers pull in python-docx, fpdf2 and matplotlib, which take a while to import; they are
imported here only when a document is actually made, so the bot starts without them.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from gelbot.domain.spanish import normalize
from gelbot.informe.document import InformeDocument

Format = Literal["docx", "pdf", "md"]
FORMATS: tuple[Format, ...] = get_args(Format)
MEDIA_TYPES: dict[Format, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown",
}


def file_name(doc: InformeDocument, fmt: Format) -> str:
    """E.g. "informe-semestral-gobernacion-de-norte-de-santander-2009-02-2009-07.docx"."""
    entity = re.sub(r"[^a-z0-9]+", "-", normalize(doc.entity)).strip("-")[:60].strip("-")
    period = f"{doc.period_start:%Y-%m}-{doc.period_end:%Y-%m}"
    return "-".join(part for part in ("informe", doc.kind, entity, period) if part) + f".{fmt}"


def render(doc: InformeDocument, fmt: Format) -> bytes:
    """The document in one format (CPU-bound: run it off the event loop)."""
    from gelbot.informe import render as renderers

    if fmt == "docx":
        return renderers.render_docx(doc)
    if fmt == "pdf":
        return renderers.render_pdf(doc)
    return renderers.render_markdown(doc).encode("utf-8")
