"""Reading answers: a table of real phrasings, and generated text that must never break anything."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gelbot.flows.answers import ChoiceOption, FileRef, Reply, parse_answer
from gelbot.flows.engine import Subject
from gelbot.flows.loader import shipped_flows
from gelbot.flows.schema import Question
from gelbot.models import Role
from gelbot.services import Services
from gelbot.telegram.fake_api import check_html
from gelbot.texts import render
from tests.support.flows_world import FlowWorld, make_world
from tests.support.harness import Harness, texts

TODAY = date(2009, 3, 2)  # a Monday


def question(kind: str, **fields: Any) -> Question:
    return Question.model_validate({"id": "q", "type": kind, "text": "¿?", **fields})


STATUS = question(
    "opcion",
    choices=[
        {"value": "hecho", "label": "✅ Hecho", "aliases": ["listo", "ya lo hice"]},
        {"value": "en_curso", "label": "⏳ En curso", "aliases": ["todavia no", "no todavia"]},
        {"value": "bloqueado", "label": "⛔ Bloqueado"},
    ],
)
STATUS_CHOICES = [ChoiceOption(c.value, c.label, c.aliases) for c in STATUS.choices]

PHRASINGS: list[tuple[Question, str, Any]] = [
    (question("si_no"), "sí", True),
    (question("si_no"), "si claro", True),
    (question("si_no"), "Sí, claro que sí", True),
    (question("si_no"), "ya", True),
    (question("si_no"), "👍", True),
    (question("si_no"), "no todavía", False),
    (question("si_no"), "nop", False),
    (question("si_no"), "todavía no", False),
    (question("si_no"), "no sé", None),
    (question("si_no"), "tal vez", None),
    (question("numero"), "3", 3),
    (question("numero"), "dos veces", 2),
    (question("numero"), "ninguna", 0),
    (question("numero"), "veinte y uno", 21),
    (question("numero"), "más o menos 4", 4),
    (question("numero"), "2 o 3", None),
    (question("numero"), "-3", None),  # a count is never negative
    (question("numero", min=1, max=10), "11", None),
    (question("porcentaje"), "80 %", 80),
    (question("porcentaje"), "80%", 80),
    (question("porcentaje"), "ochenta por ciento", 80),
    (question("porcentaje"), "la mitad", 50),
    (question("porcentaje"), "8 de 10", 80),
    (question("porcentaje"), "120 %", None),
    (question("fecha"), "15/12/2009", "2009-12-15"),
    (question("fecha"), "el martes", "2009-03-03"),
    (question("fecha"), "15 de diciembre", "2009-12-15"),
    (question("fecha"), "mañana", "2009-03-03"),
    (question("fecha", only_future=True), "1/1/2009", None),
    (question("fecha"), "cuando pueda", None),
    (STATUS, "listo", "hecho"),
    (STATUS, "ya lo hice", "hecho"),
    (STATUS, "en curso", "en_curso"),
    (STATUS, "no todavía", "en_curso"),
    (STATUS, "está bloqueado", "bloqueado"),
    (STATUS, "2", "en_curso"),
    (STATUS, "4", None),
    (STATUS, "quién sabe", None),
    (question("texto"), "Se publicó el plan", "Se publicó el plan"),
    (question("texto", max=5), "demasiado", None),
    (question("texto"), "   ", None),
    (
        question("archivo"),
        "ver https://www.mocoa.gov.co/x.pdf.",
        {"kind": "enlace", "url": "https://www.mocoa.gov.co/x.pdf"},
    ),
    (question("archivo"), "no tengo", None),
]


@pytest.mark.parametrize(("q", "text", "expected"), PHRASINGS, ids=[p[1] for p in PHRASINGS])
def test_real_phrasings(q: Question, text: str, expected: Any) -> None:
    choices = STATUS_CHOICES if q is STATUS else []
    parsed = parse_answer(q, Reply(text=text), choices=choices, today=TODAY)
    if expected is None:
        assert not parsed.ok and parsed.problem
    else:
        assert parsed.ok and parsed.value == expected and parsed.display


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("texto", "ninguna"),
        ("archivo", "omitir"),
        ("fecha", "no"),
        ("numero", "omitir"),
        ("opcion", "saltar"),
    ],
)
def test_optional_questions_take_a_skip_word(kind: str, text: str) -> None:
    extra: dict[str, Any] = {"choices": ["Uno", "Dos"]} if kind == "opcion" else {}
    q = question(kind, required=False, **extra)
    parsed = parse_answer(q, Reply(text=text), choices=[], today=TODAY)
    assert parsed.ok and parsed.skipped
    required = question(kind, **extra)
    assert not parse_answer(required, Reply(skip=True), choices=[], today=TODAY).ok


def test_buttons_and_files() -> None:
    yes_no = [ChoiceOption("si", "Sí"), ChoiceOption("no", "No")]
    assert (
        parse_answer(question("si_no"), Reply(choice=1), choices=yes_no, today=TODAY).value is False
    )
    assert not parse_answer(question("si_no"), Reply(choice=7), choices=yes_no, today=TODAY).ok
    sent = Reply(text="la foto", file=FileRef("foto", "abc", "foto"))
    parsed = parse_answer(question("archivo"), sent, choices=[], today=TODAY)
    assert parsed.value == {"kind": "foto", "file_id": "abc", "name": "foto", "caption": "la foto"}


HOSTILE = st.sampled_from(
    [
        "<b>",
        "</i>",
        "&",
        "&amp;",
        "{{ 7*7 }}",
        "{% for %}",
        "\u202e",
        "🙂",
        "\x00",
        "'",
        '"',
        "15/13/2009",
        "31 de febrero",
        "-1",
        "1e309",
        "NaN",
        "۳",
        "½",
        "    ",
        "\n",
    ]
)
ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(HOSTILE, st.text(max_size=12)), max_size=12).map(" ".join),
)
QUESTIONS = [q for q, _, _ in PHRASINGS] + [
    question(k, required=False)
    for k in ("si_no", "numero", "porcentaje", "fecha", "texto", "archivo")
]


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT, index=st.integers(0, len(QUESTIONS) - 1))
@example(text="x" * 4096, index=0)
@example(text="9" * 400, index=10)
def test_any_text_is_read_or_refused_never_raises(text: str, index: int) -> None:
    q = QUESTIONS[index]
    parsed = parse_answer(q, Reply(text=text), choices=STATUS_CHOICES, today=TODAY)
    assert parsed.ok or parsed.problem
    # Whatever came back, the bot's next message about it is one Telegram accepts.
    html = render("flujo_respondida", pregunta="¿?", respuesta=parsed.display or text, persona=None)
    check_html(html)
    assert len(html) <= 4096
    hint = render(
        "flujo_pregunta",
        pregunta="¿?",
        persona=None,
        grupo=True,
        tipo=q.type.value,
        opcional=not q.required,
        botones=False,
        problema=parsed.problem,
        ejemplo=text[:200],
        opciones=[text[:40]],
        item_numero=1,
        item_total=0,
        minimo="0",
        maximo="100",
    )
    check_html(hint)


@pytest.fixture
async def world(bot: Harness, services: Services) -> FlowWorld:
    found = await make_world(bot, services)
    await found.add("Beto")
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=ANY_TEXT.filter(lambda t: t.strip() and not t.lstrip().startswith("/")))
@example(text="x" * 4000)
@example(text="<b>&amp;</b> " * 300)
async def test_any_answer_through_the_bot_gets_a_message_telegram_accepts(
    world: FlowWorld, text: str
) -> None:
    # /avance with hostile text, then the same text as the choice: every message the bot
    # sends passes FakeTelegram's HTML and length checks, or the expected words go missing.
    chat = world.chat("Beto")
    first = texts(await world.says("Beto", f"/avance {text}", chat))
    assert "¿A qué compromiso" in first or "¿Qué avance" in first or "muy larga" in first
    second = texts(await world.says("Beto", text, chat))
    assert second and any(
        expected in second
        for expected in (
            "Guardé su avance",
            "No reconocí",
            "¿A qué compromiso",
            "muy larga",
            "Dejo la pregunta",
            "Necesito una respuesta escrita",  # text of control characters only, e.g. "\x08"
        )
    )


def test_every_shipped_flow_has_a_reminder_or_command() -> None:
    for source in shipped_flows().values():
        assert source.flow.starts.reminder or source.flow.starts.command
    assert Subject.decode(Subject.week(TODAY).encode()) == Subject.week(TODAY)
    assert Subject.decode("c12") == Subject.compromiso(12)
    assert Subject.decode("f<b>") is None and Subject.decode("s2009") is None
    assert Role.EDITOR_WEB.value in shipped_flows()["sitio_web_semanal"].flow.asks.roles
