"""Compromisos as dialogs: echo and confirm, lists, cumplido / reprogramar / cancelar, empalme."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gelbot.app import build_application
from gelbot.models import (
    Compromiso,
    CompromisoDraft,
    CompromisoEvent,
    Membership,
    PendingPrompt,
    Person,
)
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.fake_api import FakeBotApiRequest, SentMessage
from tests.support.committee_world import World, confirmed
from tests.support.harness import texts


async def count(services: Services, model: type[Any]) -> int:
    async with services.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def compromiso(services: Services, compromiso_id: int = 1) -> Compromiso:
    async with services.transaction() as session:
        found = await session.get(Compromiso, compromiso_id)
        assert found is not None
        return found


async def events(services: Services, compromiso_id: int = 1) -> list[CompromisoEvent]:
    async with services.transaction() as session:
        return list(
            await session.scalars(
                select(CompromisoEvent)
                .where(CompromisoEvent.compromiso_id == compromiso_id)
                .order_by(CompromisoEvent.id)
            )
        )


async def person_id(services: Services, telegram_id: int) -> int:
    async with services.transaction() as session:
        found = await session.scalar(select(Person.id).where(Person.telegram_id == telegram_id))
        assert found is not None
        return found


async def membership_id(services: Services, telegram_id: int) -> int:
    async with services.transaction() as session:
        found = await session.scalar(
            select(Membership.id).join(Person).where(Person.telegram_id == telegram_id)
        )
        assert found is not None
        return found


def button(message: SentMessage, label: str) -> int:
    """The 1-based index of the button labelled `label` (as Harness.press wants it)."""
    labels = [b["text"] for b in message.buttons()]
    assert label in labels, labels
    return labels.index(label) + 1


# --- /compromiso -----------------------------------------------------------------------------


async def test_echo_then_confirm_stores_with_history(world: World, services: Services) -> None:
    [echo] = await world.say(
        world.ana, "/compromiso @beto Actualizar el sitio web para el próximo viernes"
    )
    assert "¿Registro este compromiso?" in echo.plain
    assert "Responsable: Beto Ruiz" in echo.plain
    assert "Compromiso: Actualizar el sitio web" in echo.plain
    assert "Para el: viernes 6 de marzo de 2009" in echo.plain
    # Nothing is a compromiso until confirmed; the draft is in the database.
    assert await count(services, Compromiso) == 0
    assert await count(services, CompromisoDraft) == 1

    [done] = await world.bot.press(world.ana, echo, 1)
    assert done.message_id == echo.message_id  # the echo is edited, not answered anew
    assert "Compromiso registrado" in done.plain and "#1 Actualizar el sitio web" in done.plain
    assert not done.buttons()
    stored = await compromiso(services)
    assert (stored.description, stored.due_on, stored.owner_cargo) == (
        "Actualizar el sitio web",
        date(2009, 3, 6),
        None,
    )
    assert stored.owner_membership_id == await membership_id(services, world.beto.id)
    assert stored.created_by_id == await person_id(services, world.ana.id)
    [created] = await events(services)
    assert created.kind == "creado" and created.actor_id == await person_id(services, world.ana.id)
    assert created.at == services.clock.now() and created.new_due_on == date(2009, 3, 6)
    assert await count(services, CompromisoDraft) == 0


async def test_cancelar_stores_nothing(world: World, services: Services) -> None:
    [echo] = await world.say(world.beto, "/compromiso yo Revisar los trámites en dos semanas")
    [cancelled] = await world.bot.press(world.beto, echo, 2)
    assert "descartado" in cancelled.plain
    assert await count(services, Compromiso) == 0
    assert await count(services, CompromisoDraft) == 0
    # Pressing again (a stale button) is refused, not a second action.
    await world.bot.press_data(world.beto, echo, "cpd:1:s")
    assert world.bot.answers()[-1][1]["text"] == "Ese borrador ya se confirmó o se canceló."
    assert await count(services, Compromiso) == 0


async def test_draft_survives_a_restart(
    world: World, services: Services, settings: Settings
) -> None:
    [echo] = await world.say(world.beto, "/compromiso yo Revisar los trámites para el 20 de marzo")
    await world.bot.app.shutdown()
    # A new process: a fresh Application over the same database and the same Telegram.
    again = build_application(
        settings, services=services, request=FakeBotApiRequest(world.bot.tg), rate_limit=False
    )
    await again.initialize()
    world.bot.app = again
    [done] = await world.bot.press(world.beto, echo, 1)
    assert "Compromiso registrado" in done.plain
    assert (await compromiso(services)).due_on == date(2009, 3, 20)


async def test_only_the_author_or_a_coordinador_confirms(world: World, services: Services) -> None:
    [echo] = await world.say(world.beto, "/compromiso yo Revisar los trámites para el 20 de marzo")
    assert await world.bot.press(world.carla, echo, 1) == []
    assert "Solo quien propuso" in world.bot.answers()[-1][1]["text"]
    assert await count(services, Compromiso) == 0
    [done] = await world.bot.press(world.ana, echo, 1)  # the coordinador may
    assert "Compromiso registrado" in done.plain


@pytest.mark.parametrize(
    ("text", "owner", "cargo", "description"),
    [
        ("/compromiso Beto Publicar el plan para el 15 de diciembre", "beto", None,
         "Publicar el plan"),
        ("/compromiso beto ruiz, publicar el plan para el 15/12/2009", "beto", None,
         "publicar el plan"),
        ("/compromiso yo Publicar el plan para 2009-12-15", "carla", None, "Publicar el plan"),
        (
            "/compromiso Secretario de Planeación Publicar el plan para el 15 de diciembre",
            "beto", "Secretario de Planeación", "Publicar el plan",
        ),
        (
            "/compromiso el secretario de planeacion publicar el plan para el 15 de diciembre",
            "beto", "Secretario de Planeación", "publicar el plan",
        ),
        (
            "/compromiso Secretario de Hacienda: Publicar el presupuesto para el 15 de diciembre",
            None, "Secretario de Hacienda", "Publicar el presupuesto",
        ),
        (
            "/compromiso Carla: Formulario para PQR para el 15 de diciembre",
            "carla", None, "Formulario para PQR",
        ),
    ],
)  # fmt: skip
async def test_responsable_by_name_cargo_or_yo(
    world: World,
    services: Services,
    text: str,
    owner: str | None,
    cargo: str | None,
    description: str,
) -> None:
    await confirmed(world, world.carla, text)
    stored = await compromiso(services)
    users = {"beto": world.beto, "carla": world.carla}
    expected = await membership_id(services, users[owner].id) if owner else None
    assert (stored.owner_membership_id, stored.owner_cargo) == (expected, cargo)
    assert stored.description == description
    assert stored.due_on == date(2009, 12, 15)


async def test_responsable_by_text_mention(world: World, services: Services) -> None:
    dario = world.bot.tg.add_user("Darío")  # no @username: picked from the client's list
    await world.say(dario, "/unirme Jefe de Control Interno")
    mention = {"type": "text_mention", "offset": 12, "length": 5, "user": dario.to_dict()}
    [echo] = await world.say(
        world.ana, "/compromiso Darío Evaluar el plan para el viernes", entities=[mention]
    )
    assert "Responsable: Darío" in echo.plain
    await world.bot.press(world.ana, echo, 1)
    assert (await compromiso(services)).owner_membership_id == await membership_id(
        services, dario.id
    )


@pytest.mark.parametrize(
    ("when", "due"),
    [
        ("para el 15 de diciembre", date(2009, 12, 15)),
        ("para 15/12/2009", date(2009, 12, 15)),
        ("para el próximo viernes", date(2009, 3, 6)),
        ("en dos semanas", date(2009, 3, 16)),
        ("dentro de un mes", date(2009, 4, 2)),
        ("antes del 20 de marzo", date(2009, 3, 20)),
        ("a más tardar el 20 de marzo", date(2009, 3, 20)),
        ("para 2009-12-15", date(2009, 12, 15)),
        ("para mañana", date(2009, 3, 3)),
    ],
)
async def test_dates_in_spanish_or_iso(
    world: World, services: Services, when: str, due: date
) -> None:
    await confirmed(world, world.ana, f"/compromiso @beto Actualizar el sitio {when}")
    assert (await compromiso(services)).due_on == due


async def test_a_past_date_is_flagged_in_the_echo(world: World) -> None:
    [echo] = await world.say(world.ana, "/compromiso @beto Publicar el acta para 27/02/2009")
    assert "esa fecha ya pasó" in echo.plain


async def test_compromiso_in_an_open_meeting_belongs_to_it(
    world: World, services: Services
) -> None:
    await world.say(world.ana, "/reunion iniciar")
    [echo] = await world.say(world.ana, "/compromiso @beto Publicar el acta para el viernes")
    assert "Se asigna en la reunión del 2 de marzo de 2009" in echo.plain
    await world.bot.press(world.ana, echo, 1)
    assert (await compromiso(services)).meeting_id == 1


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/compromiso", "Escriba el responsable"),
        ("/compromiso @beto Actualizar el sitio web", "No encontré para cuándo"),
        ("/compromiso @beto Actualizar el sitio web para PQR", "No encontré para cuándo"),
        ("/compromiso @beto para el viernes", "Falta qué se compromete"),
        ("/compromiso @beto, para el viernes", "Falta qué se compromete"),
        ("/compromiso @nadie Actualizar el sitio para el viernes", "@nadie no es miembro"),
        ("/compromiso Fulano Actualizar el sitio para el viernes", "No reconocí al responsable"),
    ],
)
async def test_bad_input_gets_a_clear_answer(
    world: World, services: Services, text: str, answer: str
) -> None:
    [reply] = await world.say(world.ana, text)
    assert answer in reply.plain
    assert "Ejemplo" in reply.plain or "/compromiso" in reply.plain
    assert await count(services, CompromisoDraft) == 0


async def test_two_members_with_one_name_are_ambiguous(world: World) -> None:
    otra = world.bot.tg.add_user("Carla", "carla2", last_name="Díaz")
    await world.say(otra, "/unirme Profesional Universitario")
    [reply] = await world.say(world.ana, "/compromiso Carla Revisar el sitio para el viernes")
    assert "Hay más de un miembro" in reply.plain and "Carla Díaz" in reply.plain


async def test_strangers_and_private_chats_are_refused(world: World) -> None:
    extra = world.bot.tg.add_user("Extraño")
    [reply] = await world.say(extra, "/compromiso yo Algo para el viernes")
    assert "Solo los miembros del comité" in reply.plain
    private = world.bot.tg.private_chat(world.ana)
    [reply] = await world.bot.say(world.ana, private, "/compromiso yo Algo para el viernes")
    assert "se usa en el grupo del comité" in reply.plain


HOSTILE = st.sampled_from(
    [
        "<b>",
        "</a>",
        "&",
        "&amp;",
        "{{ 7*7 }}",
        "{% if %}",
        "\u202e",
        "👩🏽‍💻",
        "para",
        "el",
        ":",
        "@",
    ]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.lists(st.one_of(HOSTILE, st.text(max_size=12)), max_size=10).map(" ".join))
@example(text="x" * 4000)
@example(text="@beto " + "<b>&amp;</b> " * 400 + "para el viernes")
async def test_any_text_gets_an_answer_telegram_accepts(world: World, text: str) -> None:
    # FakeTelegram refuses bad HTML and overlong messages as Telegram does; a refusal would
    # reach the error handler, whose "Algo salió mal" is what we look for.
    replies = await world.say(world.beto, f"/compromiso {text}")
    assert replies and "Algo salió mal" not in texts(replies)


# --- /compromisos ----------------------------------------------------------------------------


async def test_list_grouped_by_responsable_with_views(world: World, services: Services) -> None:
    await confirmed(world, world.ana, "/compromiso @beto Actualizar el sitio para el 4 de marzo")
    await confirmed(world, world.ana, "/compromiso @carla Publicar trámites para el 10 de marzo")
    await confirmed(world, world.ana, "/compromiso @beto Publicar el plan para el 20 de marzo")
    services.clock.advance(days=5)  # type: ignore[attr-defined]

    [listing] = await world.say(world.beto, "/compromisos")
    plain = listing.plain
    assert "Compromisos abiertos — 3" in plain
    assert plain.index("Beto Ruiz") < plain.index("#1") < plain.index("#3") < plain.index("Carla")
    assert "#1 Actualizar el sitio — para el 4 de marzo de 2009 ⚠️ vencido" in plain
    # Members see cumplido and reprogramar; only the coordinador's list offers cancelar.
    assert [b["text"] for b in listing.buttons()][:2] == ["#1 cumplido", "#1 reprogramar"]
    assert not any("cancelar" in b["text"] for b in listing.buttons())
    [coordinador] = await world.say(world.ana, "/compromisos")
    assert "#1 cancelar" in [b["text"] for b in coordinador.buttons()]

    [mine] = await world.say(world.carla, "/compromisos mios")
    assert "#2" in mine.plain and "#1" not in mine.plain and "#3" not in mine.plain
    [overdue] = await world.say(world.ana, "/compromisos vencidos")
    assert "#1" in overdue.plain and "#2" not in overdue.plain and "#3" not in overdue.plain
    [nothing] = await world.say(world.ana, "/compromisos mios")
    assert "no tiene compromisos abiertos" in nothing.plain
    [unknown] = await world.say(world.ana, "/compromisos todos los de beto")
    assert "No conozco la vista" in unknown.plain and "/compromisos vencidos" in unknown.plain


async def test_long_lists_are_paged(world: World) -> None:
    for n in range(11):
        await confirmed(world, world.ana, f"/compromiso @beto Tarea número {n} para el 20 de marzo")
    [first] = await world.say(world.ana, "/compromisos")
    assert "página 1 de 2" in first.plain and "#9" not in first.plain
    [second] = await world.bot.press(world.ana, first, button(first, "Siguientes ▶"))
    assert "página 2 de 2" in second.plain and "#9" in second.plain and "#1 " not in second.plain
    assert "◀ Anteriores" in [b["text"] for b in second.buttons()]
    # A stale "next" on the first message, once the list fits in one page, changes nothing.
    await world.bot.press_data(world.ana, first, "cpl:t:1:0")
    assert await world.bot.press_data(world.ana, first, "cpl:t:1:0") == []
    assert "Algo salió mal" not in texts(world.bot.tg.messages_to(world.group))


# --- cumplido, reprogramar, cancelar ---------------------------------------------------------


async def _listed(world: World) -> SentMessage:
    await confirmed(world, world.ana, "/compromiso @beto Actualizar el sitio web para el viernes")
    [listing] = await world.say(world.ana, "/compromisos")
    return listing


async def test_cumplido_asks_the_result_and_takes_a_link(world: World, services: Services) -> None:
    listing = await _listed(world)
    [question] = await world.bot.press(world.beto, listing, button(listing, "#1 cumplido"))
    assert question.reply_markup == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "El resultado, en una frase",
    }
    # Named by @username: a selective ForceReply opens the reply box for those @mentioned.
    assert "@beto, ¿qué resultado dejó este compromiso?" in question.plain
    services.clock.advance(hours=2)  # type: ignore[attr-defined]

    [done] = await world.answer(
        world.beto, question, "Se publicó la agenda: https://mocoa.gov.co/a."
    )
    assert "Compromiso #1 cumplido" in done.plain
    stored = await compromiso(services)
    assert (
        stored.status == "cumplido"
        and stored.result == "Se publicó la agenda: https://mocoa.gov.co/a."
    )
    assert (stored.evidence_kind, stored.evidence) == ("enlace", "https://mocoa.gov.co/a")
    assert stored.closed_at == services.clock.now()
    last = (await events(services))[-1]
    assert last.kind == "cumplido" and last.actor_id == await person_id(services, world.beto.id)
    assert last.at == services.clock.now()
    assert await count(services, PendingPrompt) == 0
    # The list's button is now stale.
    await world.bot.press(world.beto, listing, button(listing, "#1 cumplido"))
    assert "ya está cerrado" in world.bot.answers()[-1][1]["text"]


async def test_people_without_username_are_asked_by_text_mention(world: World) -> None:
    dario = world.bot.tg.add_user("Darío")
    await world.say(dario, "/unirme Jefe de Control Interno")
    await confirmed(world, dario, "/compromiso yo Evaluar el plan para el viernes")
    [listing] = await world.say(dario, "/compromisos mios")
    [question] = await world.bot.press(dario, listing, 1)
    assert f'<a href="tg://user?id={dario.id}">Darío</a>, ¿qué resultado' in question.text


async def test_cumplido_with_a_document_then_the_sentence(world: World, services: Services) -> None:
    listing = await _listed(world)
    [question] = await world.bot.press(world.beto, listing, button(listing, "#1 cumplido"))
    update = world.bot.tg.send_document(world.beto, world.group, "pantallazo.pdf", b"%PDF")
    update["message"]["reply_to_message"] = question.to_message(
        world.bot.tg.bot, world.group, world.bot.tg.now()
    )
    [again] = await world.bot.deliver(update)
    assert "Recibí la evidencia (pantallazo.pdf)" in again.plain
    assert (await compromiso(services)).status == "abierto"

    await world.answer(world.beto, again, "Sitio actualizado con el nuevo menú")
    stored = await compromiso(services)
    assert stored.status == "cumplido" and stored.result == "Sitio actualizado con el nuevo menú"
    assert (stored.evidence_kind, stored.evidence) == ("documento", "pantallazo.pdf")
    assert stored.evidence_file_id == "userdoc1"


async def test_cumplido_with_a_captioned_photo(world: World, services: Services) -> None:
    listing = await _listed(world)
    [question] = await world.bot.press(world.ana, listing, button(listing, "#1 cumplido"))
    update = world.bot.tg.send_text(world.ana, world.group, "x", reply_to=question)
    message = update["message"]
    del message["text"]
    message["caption"] = "Cartelera instalada en la alcaldía"
    message["photo"] = [{"file_id": "foto1", "file_unique_id": "ufoto1", "width": 9, "height": 9}]
    [done] = await world.bot.deliver(update)
    assert "cumplido" in done.plain
    stored = await compromiso(services)
    assert (stored.evidence_kind, stored.evidence_file_id) == ("foto", "foto1")
    assert stored.result == "Cartelera instalada en la alcaldía"


async def test_reprogramar_keeps_the_history_of_dates(world: World, services: Services) -> None:
    listing = await _listed(world)
    [question] = await world.bot.press(world.beto, listing, button(listing, "#1 reprogramar"))
    assert "¿para qué nueva fecha" in question.plain

    [again] = await world.answer(world.beto, question, "cuando se pueda")
    assert "no entendí «cuando se pueda» como fecha" in again.plain
    [again] = await world.answer(world.beto, again, "27/02/2009")
    assert "esa fecha ya pasó" in again.plain
    [again] = await world.answer(world.beto, again, "6 de marzo")
    assert "esa ya es la fecha" in again.plain
    [done] = await world.answer(world.beto, again, "el 20 de marzo")
    assert "del 6 de marzo de 2009 al 20 de marzo de 2009" in done.plain

    [question] = await world.bot.press(world.ana, listing, button(listing, "#1 reprogramar"))
    await world.answer(world.ana, question, "en dos semanas")
    stored = await compromiso(services)
    assert stored.due_on == date(2009, 3, 16) and stored.status == "abierto"
    moves = [
        (e.old_due_on, e.new_due_on) for e in await events(services) if e.kind == "reprogramado"
    ]
    assert moves == [(date(2009, 3, 6), date(2009, 3, 20)), (date(2009, 3, 20), date(2009, 3, 16))]
    assert await count(services, PendingPrompt) == 0


async def test_only_the_responsable_or_coordinador_marks(world: World, services: Services) -> None:
    listing = await _listed(world)
    assert await world.bot.press(world.carla, listing, button(listing, "#1 cumplido")) == []
    assert "Solo el responsable" in world.bot.answers()[-1][1]["text"]
    assert await count(services, PendingPrompt) == 0


async def test_cancelar_is_for_the_coordinador_and_needs_a_reason(
    world: World, services: Services
) -> None:
    listing = await _listed(world)
    await world.bot.press_data(world.beto, listing, "cpa:1:x")  # forged: not in his list
    assert world.bot.answers()[-1][1]["text"] == "Solo el coordinador puede cancelar compromisos."
    [question] = await world.bot.press(world.ana, listing, button(listing, "#1 cancelar"))
    assert "¿por qué se cancela" in question.plain
    assert (await compromiso(services)).status == "abierto"  # not until the reason arrives
    [done] = await world.answer(world.ana, question, "Lo asumió la gobernación")
    assert "Compromiso #1 cancelado" in done.plain
    stored = await compromiso(services)
    assert stored.status == "cancelado"
    last = (await events(services))[-1]
    assert (last.kind, last.note) == ("cancelado", "Lo asumió la gobernación")


async def test_replies_from_someone_else_are_ignored(world: World, services: Services) -> None:
    listing = await _listed(world)
    [question] = await world.bot.press(world.beto, listing, button(listing, "#1 cumplido"))
    assert await world.answer(world.carla, question, "Yo lo hice") == []
    assert (await compromiso(services)).status == "abierto"
    assert await count(services, PendingPrompt) == 1


async def test_forged_buttons_change_nothing(world: World, services: Services) -> None:
    listing = await _listed(world)
    other = world.bot.tg.add_group("Otro comité", admins=[world.carla])
    for data in ["cpa:999:c", "cpa:1:z", "cpa:x:c", "cpd:1:s", "cpl:t:1:x", "cpa:1"]:
        await world.bot.press_data(world.ana, listing, data)
        assert (
            "ya no es válido" in world.bot.answers()[-1][1]["text"]
            or "borrador" in (world.bot.answers()[-1][1]["text"])
        )
    # A compromiso of this committee, pressed from another group's message.
    stranger = SentMessage(message_id=1, chat_id=other.id, text="x")
    await world.bot.press_data(world.ana, stranger, "cpa:1:c")
    assert await count(services, PendingPrompt) == 0


# --- the empalme -----------------------------------------------------------------------------


async def test_compromisos_of_a_cargo_follow_its_new_holder(
    world: World, services: Services
) -> None:
    await confirmed(
        world,
        world.ana,
        "/compromiso Secretario de Planeación Publicar el plan para el 20 de marzo",
    )
    await confirmed(world, world.ana, "/compromiso @beto Informe personal para el 20 de marzo")
    dario = world.bot.tg.add_user("Darío", "dario")

    sent = await world.say(dario, "/unirme Secretario de Planeación")
    notice = sent[-1]
    assert "Empalme del cargo Secretario de Planeación" in notice.plain
    assert "#1 Publicar el plan" in notice.plain and "antes: Beto Ruiz" in notice.plain
    assert "#2" not in notice.plain  # owned by Beto himself, not by the cargo
    moved = await compromiso(services, 1)
    assert moved.owner_membership_id == await membership_id(services, dario.id)
    assert (await compromiso(services, 2)).owner_membership_id == await membership_id(
        services, world.beto.id
    )
    reassigned = (await events(services, 1))[-1]
    assert reassigned.kind == "reasignado"
    assert reassigned.from_membership_id == await membership_id(services, world.beto.id)
    assert reassigned.to_membership_id == await membership_id(services, dario.id)
    # Declaring the cargo again moves nothing and says nothing more.
    assert len(await world.say(dario, "/unirme Secretario de Planeación")) == 1
    # New compromisos for the cargo go to its current holder.
    await confirmed(
        world, world.ana, "/compromiso secretario de planeación Otra tarea para el 20 de marzo"
    )
    assert (await compromiso(services, 3)).owner_membership_id == await membership_id(
        services, dario.id
    )


async def test_a_vacant_cargo_is_taken_by_whoever_joins_with_it(
    world: World, services: Services
) -> None:
    done = await confirmed(
        world,
        world.ana,
        "/compromiso Secretario de Hacienda: Publicar el presupuesto para el 20 de marzo",
    )
    assert "cargo sin titular" in done.plain
    elena = world.bot.tg.add_user("Elena", "elena")
    sent = await world.say(elena, "/unirme Secretaria de Hacienda")  # another spelling: other cargo
    assert "Empalme" not in texts(sent)
    sent = await world.say(elena, "/unirme secretario de hacienda")
    assert "Empalme del cargo secretario de hacienda" in sent[-1].plain
    assert "antes: sin titular" in sent[-1].plain
    assert (await compromiso(services)).owner_membership_id == await membership_id(
        services, elena.id
    )
