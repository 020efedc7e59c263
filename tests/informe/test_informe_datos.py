"""/informe datos: the entity's letterhead, logo, city, signatures and periods, set in the chat
once and kept, and what the documents then say."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import docx
import pytest
from hypothesis import example, given
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from gelbot.clock import ManualClock
from gelbot.models import InformeSettings, Person
from gelbot.services import Services
from gelbot.telegram.fake_api import FakeChat, FakeUser, SentMessage
from tests.support.harness import Harness, texts
from tests.support.hostile import HYPOTHESIS, arguments, assert_clean
from tests.support.informe_world import (
    database_url,
    people,
    semester,
    semester_file,
)

__all__ = ["database_url", "people", "semester", "semester_file"]  # fixtures this module uses

MEMBRETE = "REPÚBLICA DE COLOMBIA / DEPARTAMENTO NORTE DE SANTANDER / GOBERNACIÓN"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 400), (20, 80, 160)).save(out, format="PNG")
    return out.getvalue()


async def _datos(bot: Harness, user: FakeUser, group: FakeChat, text: str) -> str:
    return texts(await bot.say(user, group, f"/informe datos {text}".rstrip()))


async def test_the_coordinador_sets_the_entity_data_and_the_documents_use_it(
    bot: Harness, people: tuple[FakeChat, dict[str, FakeUser]], clock: ManualClock,
    services: Services,
) -> None:  # fmt: skip
    group, users = people
    ana, beto = users["Ana"], users["Beto"]

    shown = await _datos(bot, ana, group, "")
    assert "Datos del informe · Gobernación de Norte de Santander" in shown
    assert "Membrete: sin definir" in shown and "Representante legal: sin definir" in shown
    assert "/informe datos membrete REPÚBLICA DE COLOMBIA" in shown  # examples
    assert "Solo el coordinador" in await _datos(bot, beto, group, "ciudad Ocaña")

    # Mistakes get a clear answer and an example.
    assert "No conozco el dato «color»" in await _datos(bot, ana, group, "color azul")
    answer = await _datos(bot, ana, group, "membrete")
    assert "Falta el membrete. Por ejemplo:\n/informe datos membrete REPÚBLICA" in answer
    answer = await _datos(bot, ana, group, "representante William Villamizar Laguado")
    assert "el nombre completo y el cargo separados por punto y coma" in answer
    assert "«febrerox» no es un mes" in await _datos(bot, ana, group, "periodos febrerox")

    assert "Listo: guardé la ciudad" in await _datos(bot, ana, group, "ciudad Cúcuta, N. de S.")
    answer = await _datos(bot, ana, group, f"membrete {MEMBRETE}")
    assert f"Membrete: {MEMBRETE}" in answer
    answer = await _datos(
        bot, ana, group, "representante William Villamizar Laguado; Gobernador del Departamento"
    )
    assert "Representante legal: William Villamizar Laguado, Gobernador del Departamento" in answer
    answer = await _datos(
        bot, ana, group,
        "firma Ana María Pérez Gómez; Coordinadora de la Implementación de la Estrategia",
    )  # fmt: skip
    assert (
        "firmará como Ana María Pérez Gómez, Coordinadora de la Implementación de la Estrategia"
        in answer
    )
    answer = await _datos(bot, ana, group, "periodos febrero septiembre")
    assert "Períodos: empiezan en febrero, septiembre" in answer
    answer = await _datos(bot, ana, group, "objetivo Establecer los avances del semestre.")
    assert "Introducción y objetivos: los del comité" in answer

    # The logo: asked for as a reply; a text file is refused, a PNG kept (shrunk).
    [question] = await bot.say(ana, group, "/informe datos logo")
    assert "responda a este mensaje con la imagen del logo" in question.plain
    answered = await bot.deliver(
        bot.tg.send_document(ana, group, "logo.txt", b"no soy una imagen", reply_to=question)
    )
    assert "Eso no es una imagen PNG o JPG" in texts(answered)
    answered = await bot.deliver(
        bot.tg.send_document(ana, group, "logo.png", _png(), reply_to=question)
    )
    assert "el logo queda en la portada" in texts(answered)
    async with services.transaction() as session:
        stored = await session.scalar(select(InformeSettings))
        person = await session.scalar(select(Person).where(Person.telegram_id == ana.id))
    assert stored is not None and stored.logo is not None
    assert Image.open(io.BytesIO(stored.logo)).size == (600, 200)
    assert person is not None and person.full_name == "Ana María Pérez Gómez"

    # The committee's periods run February–August: /informe in September reports that one.
    clock.set(datetime(2009, 9, 10, 15, tzinfo=UTC))
    [review] = await bot.say(ana, group, "/informe")
    assert review.plain.startswith("Informe semestral · febrero – agosto de 2009")
    assert "Este período aún no termina" not in review.plain
    documents = await bot.press_data(ana, review, _generate(review))
    word = docx.Document(io.BytesIO(documents[0].file_bytes or b""))
    paragraphs = [p.text for p in word.paragraphs]
    for line in ("REPÚBLICA DE COLOMBIA", "DEPARTAMENTO NORTE DE SANTANDER", "GOBERNACIÓN",
                 "INFORME FINAL DE GOBIERNO EN LÍNEA", "FEBRERO – AGOSTO DE 2009",
                 "Cúcuta, N. de S., Septiembre de 2009", "Establecer los avances del semestre.",
                 "ANA MARÍA PÉREZ GÓMEZ", "Coordinadora de la Implementación de la Estrategia",
                 "WILLIAM VILLAMIZAR LAGUADO", "Gobernador del Departamento"):  # fmt: skip
        assert line in paragraphs, line
    assert paragraphs.index("Presentado por:") < paragraphs.index("ANA MARÍA PÉREZ GÓMEZ")
    assert len(word.inline_shapes) == 2  # the logo and the phase chart
    cover = PdfReader(io.BytesIO(documents[1].file_bytes or b"")).pages[0]
    assert "DEPARTAMENTO NORTE DE SANTANDER" in cover.extract_text()
    assert len(cover.images) == 1  # the logo

    # «original» puts the framework's objective back.
    answer = await _datos(bot, ana, group, "objetivo original")
    assert "Introducción y objetivos: los del marco normativo del comité" in answer


def _generate(review: SentMessage) -> str:
    return next(b["callback_data"] for b in review.buttons() if "Generar" in b["text"])


@HYPOTHESIS
@given(args=arguments("informe datos"))
@example(args="membrete " + "REPÚBLICA / " * 10)
@example(args="ciudad " + "<b>&amp;</b>" * 400)
@example(args="firma <b>Ana</b>; <i>cargo</i>")
async def test_any_data_text_gets_a_clean_answer(
    bot: Harness, people: tuple[FakeChat, dict[str, FakeUser]], args: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    group, users = people
    caplog.set_level(logging.ERROR)
    answer = await bot.say(users["Ana"], group, f"/informe datos {args}")
    assert_clean(answer, caplog)


def _docx(*paragraphs: str) -> bytes:
    own = docx.Document()
    for text in paragraphs:
        own.add_paragraph(text)
    out = io.BytesIO()
    own.save(out)
    return out.getvalue()


async def test_the_entity_replaces_the_word_template_in_the_chat(
    bot: Harness, people: tuple[FakeChat, dict[str, FakeUser]]
) -> None:
    group, users = people
    ana = users["Ana"]
    [question] = await bot.say(ana, group, "/informe datos plantilla")
    assert "responda a este mensaje con la plantilla de Word de la entidad" in question.plain
    assert "{{ titulo }}" in question.plain

    async def send(name: str, content: bytes) -> str:
        return texts(
            await bot.deliver(bot.tg.send_document(ana, group, name, content, reply_to=question))
        )

    assert "no es un archivo .docx" in await send("plantilla.txt", b"hola")
    assert "No puedo usar esa plantilla de Word" in await send("rota.docx", _docx("{{ titulo "))
    # Its Jinja runs sandboxed: no reaching into Python from a template.
    hostile = _docx("{{ titulo.__class__.__mro__[1].__subclasses__() }}")
    assert "No puedo usar esa plantilla de Word" in await send("mala.docx", hostile)
    answer = await send("propia.docx", _docx("MEMBRETE PROPIO", "{{ titulo }} — {{ entidad }}"))
    assert "el próximo informe en Word sale de su plantilla" in answer
    assert "Plantilla de Word: la de la entidad" in answer

    [review] = await bot.say(ana, group, "/informe")
    documents = await bot.press_data(ana, review, _generate(review))
    word = docx.Document(io.BytesIO(documents[0].file_bytes or b""))
    assert [p.text for p in word.paragraphs] == [
        "MEMBRETE PROPIO", "INFORME FINAL DE GOBIERNO EN LÍNEA — Gobernación de Norte de Santander"
    ]  # fmt: skip
    assert word.core_properties.language == "es-CO"
    answer = await _datos(bot, ana, group, "plantilla original")
    assert "el informe en Word vuelve a la plantilla de gelbot" in answer
