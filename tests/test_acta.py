"""The acta renderers: Markdown and Word say the same thing, and user text cannot break them."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from gelbot.acta import acta_docx, acta_markdown, file_name
from gelbot.domain.actas import (
    Acta,
    ActaAttendee,
    ActaCompromiso,
    ActaCorrection,
    ActaDecision,
    ActaGuest,
    ActaSigner,
)
from gelbot.texts import render, split_message


def acta(**changes: object) -> Acta:
    values: dict[str, object] = {
        "entity": "Gobernación de Norte de Santander",
        "held_on": date(2009, 2, 27),
        "started": "14:00",
        "ended": "16:30",
        "after_the_fact": False,
        "recorded_on": None,
        "attendees": [
            ActaAttendee("Ana", "Coordinadora GEL", "presente"),
            ActaAttendee("Beto Ruiz", "Secretario General", "presente"),
            ActaAttendee("Carla", None, "excusa"),
        ],
        "decisions": [ActaDecision("Crear el comité", "Ana")],
        "reviewed": [
            ActaCompromiso(
                1,
                "Beto Ruiz",
                "Publicar la resolución",
                date(2009, 2, 20),
                "cumplido",
                "Publicada en Normatividad",
            ),
        ],
        "new": [ActaCompromiso(2, "Carla", "Diagnóstico del sitio", date(2009, 3, 13))],
        "opened_by": "Ana",
        "closed_by": "Ana",
    }
    values.update(changes)
    return Acta(**values)  # type: ignore[arg-type]


def word_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_quorum_is_more_than_half() -> None:
    assert acta().quorum and acta().present == 2
    half = [ActaAttendee("A", None, "presente"), ActaAttendee("B", None, "ausente")]
    assert not acta(attendees=half).quorum
    assert not acta(attendees=[]).quorum


def test_markdown_and_word_say_the_same() -> None:
    markdown = acta_markdown(acta())
    word = word_text(acta_docx(acta()))
    for expected in [
        "Fecha: 27 de febrero de 2009",
        "Hora: 14:00 a 16:30",
        "Beto Ruiz, Secretario General: Presente",
        "Carla: Excusa",
        "Hubo quórum: 2 de 3 miembros presentes",
        "Crear el comité (registró: Ana)",
        "#1 Beto Ruiz: Publicar la resolución (para el 20 de febrero de 2009) — Cumplido: "
        "Publicada en Normatividad",
        "#2 Carla: Diagnóstico del sitio (para el 13 de marzo de 2009)",
    ]:
        assert expected in word, expected
        assert expected.replace("#", "\\#") in markdown, expected
    assert markdown.startswith("# Acta de reunión del Comité de Gobierno en Línea")
    assert "## 1. Llamado a lista" in markdown and "## 4. Compromisos nuevos" in markdown


def test_empty_sections_say_so() -> None:
    empty = acta(decisions=[], reviewed=[], new=[], attendees=[], after_the_fact=True,
                 recorded_on=date(2009, 3, 2), started=None, ended=None)  # fmt: skip
    word = word_text(acta_docx(empty))
    for expected in [
        "No se registraron decisiones.", "No se revisaron compromisos.",
        "No se asignaron compromisos nuevos.", "No hubo quórum: 0 de 0",
        "Registrada con posterioridad, el 2 de marzo de 2009.",
    ]:  # fmt: skip
        assert expected in word and expected in acta_markdown(empty)
    assert "Hora:" not in word


def test_user_text_cannot_break_either_format() -> None:
    hostile = "**negrita** [x](http://x) # | <b> \x00\x0b campana\x07 {{ 7*7 }}"
    document = acta(decisions=[ActaDecision(hostile, "Ana <script>")])
    markdown = acta_markdown(document)
    assert "\\*\\*negrita\\*\\* \\[x\\](http://x) \\# \\| \\<b\\>" in markdown
    word = word_text(acta_docx(document))  # python-docx refuses control characters
    assert "**negrita** [x](http://x) # | <b>  campana {{ 7*7 }}" in word


def test_the_message_version_escapes_and_splits() -> None:
    decisions = [ActaDecision("<b>Decisión</b> & " * 60, None) for _ in range(10)]
    html = render("reunion_acta", acta=acta(decisions=decisions))
    assert "&lt;b&gt;Decisión&lt;/b&gt; &amp;" in html
    parts = split_message(html)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)


def test_file_names() -> None:
    assert file_name(acta(), "docx") == "acta_2009-02-27.docx"
    assert file_name(acta(), "md") == "acta_2009-02-27.md"


def test_place_orden_guests_corrections_and_signatures_in_every_format() -> None:
    full = acta(
        place="Salón de juntas",
        agenda=["Llamado a lista", "Proposiciones y varios"],
        guests=[ActaGuest("María Pérez", "Delegada de la UT")],
        signers=[
            ActaSigner("Presidente de la reunión", "Ana María Gómez", "Coordinadora GEL"),
            ActaSigner("Secretario(a) de la reunión", None, None),
        ],
        corrections=[
            ActaCorrection(date(2009, 3, 3), "Ana", "asistencia de Carla: ausente → presente")
        ],
    )
    markdown, word = acta_markdown(full), word_text(acta_docx(full))
    html = render("reunion_acta", acta=full)
    for expected in [
        "Lugar: Salón de juntas",
        "1. Llamado a lista",
        "2. Proposiciones y varios",
        "Invitado(a): María Pérez, Delegada de la UT",
        "3 de marzo de 2009, Ana: asistencia de Carla: ausente → presente",
        "En constancia firman:",
        "Ana María Gómez",
        "Secretario(a) de la reunión",
    ]:
        assert expected in word, expected
        assert expected in markdown, expected
    assert "Ana María Gómez\nCoordinadora GEL\nPresidente de la reunión" in word
    assert "Ana María Gómez, Coordinadora GEL — Presidente de la reunión" in html
    assert "María Pérez, Delegada de la UT" in html and "Lugar: Salón de juntas" in html
    # Without an orden del día, the acta shows the order every monthly meeting follows.
    assert "1. Llamado a lista y verificación del quórum" in word_text(acta_docx(acta()))
