"""Lay an informe out as a Word (DOCX) document from a Word template with Jinja inside (docxtpl).

The default template ships in the package (gelbot/templates/informe/informe.docx, built by
gelbot.informe.word_template); an entity may replace it with its own .docx using the same tags.
Whatever the template says, the result is tagged es-CO throughout.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing
from jinja2.sandbox import SandboxedEnvironment

from gelbot.informe.chart import phase_chart_png
from gelbot.informe.content import HEADINGS, _content
from gelbot.informe.document import InformeDocument
from gelbot.informe.word_language import set_spanish

DEFAULT_TEMPLATE = ("templates", "informe", "informe.docx")


def _template_bytes(template: bytes | Path | None) -> bytes:
    if isinstance(template, Path):
        return template.read_bytes()
    if template is not None:
        return template
    return resources.files("gelbot").joinpath(*DEFAULT_TEMPLATE).read_bytes()


def _lines(text: str) -> Listing:
    """Text whose newlines become line breaks in Word (escaped by docxtpl)."""
    return Listing(text)


def context(doc: InformeDocument, template: DocxTemplate) -> dict[str, Any]:
    """Every tag a template can use, with the document's values."""
    c = _content(doc)

    def row(cells: tuple[str, str, str]) -> dict[str, Listing]:
        return {"accion": _lines(cells[0]), "resultado": _lines(cells[1]),
                "fecha": _lines(cells[2])}  # fmt: skip

    logo = InlineImage(template, io.BytesIO(doc.logo), height=Mm(25)) if doc.logo else None
    chart = (
        InlineImage(template, io.BytesIO(phase_chart_png(doc.phases, c.chart_title)), width=Mm(160))
        if doc.phases
        else None
    )
    return {
        "h": HEADINGS,
        "logo": logo,
        "membrete": c.letterhead,
        "titulo": c.title,
        "periodo": c.period,
        "entidad": c.entity,
        "entidad_mayusculas": c.entity.upper(),
        "lugar_y_fecha": c.place_and_date,
        "encabezado": c.running_header,
        "introduccion": c.introduccion,
        "objetivo_general": c.objetivo_general,
        "objetivos": c.objetivos,
        "filas": [row(cells) for cells in c.rows],
        "sin_informacion": c.sin_informacion,
        "pendientes": [row(cells) for cells in c.pendientes],
        "grafica": chart,
        "fases": c.phases,
        "firmas": [{"nombre": nombre, "cargo": cargo} for nombre, cargo in c.firmas],
        "trazabilidad": [
            {"numero": number, "accion": _lines(accion), "fuente": _lines(fuente)}
            for number, accion, fuente in c.trazabilidad
        ],
    }


def render_docx(doc: InformeDocument, template_path: bytes | Path | None = None) -> bytes:
    """Render the informe through a Word template: the one given, the entity's, or gelbot's.

    An entity's template is untrusted (uploaded in the chat): its Jinja runs sandboxed.
    """
    template = DocxTemplate(io.BytesIO(_template_bytes(template_path or doc.plantilla)))
    template.render(context(doc, template), jinja_env=SandboxedEnvironment(), autoescape=True)
    word = template.docx
    assert word is not None
    c = _content(doc)
    word.core_properties.title = f"{c.title} — {c.period} — {c.entity}"
    word.core_properties.author = "gelbot"
    set_spanish(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
