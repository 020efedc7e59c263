"""The composition root: build_application(settings) wires every handler, job and resource."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    MessageEntity,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from gelbot import jobs
from gelbot.board import server as board_server
from gelbot.clock import Clock
from gelbot.domain.frameworks import available_frameworks
from gelbot.flows.engine import START_BUTTON
from gelbot.models import Role
from gelbot.reminders.builders import NAG_ANSWER
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram import callbacks
from gelbot.telegram.commands import commands_for
from gelbot.telegram.common import Context, Handler
from gelbot.telegram.handlers import (
    acta_corrections,
    board,
    compromiso_actions,
    compromisos,
    delegates,
    errors,
    flow_answers,
    flow_commands,
    guidance,
    help,
    informe,
    informe_review,
    lifecycle,
    meeting_record,
    meeting_review,
    meeting_roll,
    meetings,
    members,
    names,
    onboarding,
    phases,
    plan,
    reporting,
)
from gelbot.telegram.handlers import frameworks as framework_handlers
from gelbot.telegram.handlers import indicators as indicator_handlers
from gelbot.telegram.handlers import reminders as reminder_handlers
from gelbot.telegram.pacing import Pacing
from gelbot.telegram.prompts import reply_router
from gelbot.telegram.reminder_dispatcher import DISPATCHER, build_dispatcher, send_budget

log = logging.getLogger(__name__)

# Every command: its name (what people type after /) → the handler.
COMMANDS: dict[str, Handler] = {
    "start": onboarding.start,
    "comite": onboarding.register,
    "unirme": members.join,
    "miembros": members.list_members,
    "rol": members.set_role,
    "ayuda": help.show_help,
    "help": help.show_help,
    # Meetings and compromisos.
    "reunion": meetings.reunion,
    "decision": meetings.decision,
    "nombre": names.full_name,
    "compromiso": compromisos.propose,
    "compromisos": compromisos.list_open,
    # Plan de acción, indicators, phases and criteria.
    "plan": plan.show_plan,
    "indicadores": indicator_handlers.show_indicators,
    "fases": phases.show_phases,
    "criterio": phases.criterion,
    "marcos": framework_handlers.frameworks,
    "matriz": framework_handlers.matrix,
    "calendario": reporting.calendar,
    # Reminders and delegados.
    "recordatorios": reminder_handlers.show_schedule,
    "vacaciones": reminder_handlers.vacation,
    "seguir": delegates.follow,
    "dejar": delegates.leave,
    "tablero": board.show_board,
    # Flows.
    "avance": flow_commands.avance,
    "corregir": flow_commands.corregir,
    "flujos": flow_commands.list_flows,
    # The informe.
    "informe": informe.informe,
}

# Every button: the callback prefix its data starts with (the constant the handler encodes and
# decodes with) → the handler. callbacks.pattern(prefix) builds the regex from the same constant.
BUTTONS: dict[str, Handler] = {
    onboarding.SETUP: onboarding.choose_setup,
    # Meetings and compromisos.
    meeting_roll.ROLL: meetings.mark,
    meeting_record.CLOSE: meeting_record.confirm_close,
    acta_corrections.REOPEN: acta_corrections.confirm_reopen,
    acta_corrections.DECISION: acta_corrections.act_on_decision,
    meeting_review.REVIEW: compromiso_actions.review,
    compromisos.DRAFT: compromisos.decide_draft,
    compromisos.ACTION: compromiso_actions.act,
    compromisos.PAGE: compromisos.turn_page,
    # Plan de acción, phases and criteria.
    plan.CHOOSE: plan.choose_committee,
    plan.CONFIRM: plan.confirm_replace,
    phases.MARK: phases.press_mark,
    phases.PAGE: phases.press_list,
    # Reminders and delegados.
    reminder_handlers.SETTING: reminder_handlers.toggle,
    NAG_ANSWER: reminder_handlers.answer_nag_button,
    delegates.CHOOSE: delegates.choose,
    delegates.DECIDE: delegates.decide,
    delegates.LEAVE: delegates.leave_chosen,
    # Flows: answers by button, corrections, start buttons.
    flow_answers.ANSWER: flow_answers.on_press,
    flow_commands.CORRECT: flow_commands.choose_correction,
    START_BUTTON: flow_commands.start_from_button,
    # The informe: review, and which committee a private /informe is about.
    informe_review.REVIEW: informe.press,
    informe.CHOOSE: informe.choose_committee,
}

# Used when no token is needed (the console, tests): the fake transport never checks it.
OFFLINE_TOKEN = "0:offline"


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    services: Services | None = None,
    rate_limit: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The one place where gelbot is put together."""
    # Committees store framework and item keys: a broken framework file must stop the start,
    # not surface as a failed /fases weeks later (raises FrameworkError naming file and field).
    available_frameworks()
    if services is None:
        services = Services.build(settings, clock)
    builder = (
        ApplicationBuilder()
        # Handlers and jobs receive gelbot's Context: services, now() and today() at hand.
        .context_types(ContextTypes(context=Context))
        .token(settings.token_value() or OFFLINE_TOKEN)
        .base_url(settings.bot_api_url)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.bot_api_file_url:
        builder = builder.base_file_url(settings.bot_api_file_url)
    # Telegram's windows (30 messages in any second, shared by every instance; 20 a minute into
    # a group; 3 in 3 s into a private chat), answers before reminders; a 429 retried once;
    # every send follows a group's migration (gelbot.telegram.pacing). Without rate_limit
    # (tests) only the migrations are followed.
    pacing = Pacing(send_budget(services), paced=rate_limit, max_retries=1 if rate_limit else 0)
    builder = builder.rate_limiter(pacing)  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["services"] = services
    application.bot_data[DISPATCHER] = build_dispatcher(services, application.bot)

    # Group -1: lifecycle events, before any command handling, so a migration is followed first.
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, lifecycle.group_migrated), group=-1
    )
    application.add_handler(
        ChatMemberHandler(lifecycle.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER), group=-1
    )
    # Still group -1: answers to flows (conversations/*.yaml). These take only what is a flow's
    # — a /flujo file, a reply to a flow question, private text while a flow waits for that
    # person — and then stop (ApplicationHandlerStop), so no later handler (a plan file sent in
    # private, a pending_prompts reply) reads an answer as its own input. The rest passes on.
    # (New messages only: an edited old answer is not an answer to the current question.)
    not_a_command = ~filters.COMMAND & ~filters.CaptionRegex(r"^/")
    answer_like = filters.UpdateType.MESSAGE & (filters.TEXT | filters.CAPTION | filters.ATTACHMENT)
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & filters.Document.ALL
            & filters.CaptionRegex(r"^/flujos?(@\w+)?(\s|$)"),
            flow_commands.receive_flow_file,
        ),
        group=-1,
    )
    application.add_handler(
        MessageHandler(filters.REPLY & not_a_command & answer_like, flow_answers.on_reply), group=-1
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.REPLY & not_a_command & answer_like,
            flow_answers.on_private,
        ),
        group=-1,
    )

    # Group 0: commands and buttons, from the two tables above (the order within each does not
    # matter: command names and callback prefixes never overlap).
    for name, command in COMMANDS.items():
        application.add_handler(CommandHandler(name, command))
    for prefix, pressed in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(pressed, pattern=callbacks.pattern(prefix)))

    # Group 2: answers to ForceReply questions (pending_prompts), in a group of their own so no
    # other message handler can shadow them. Features add their prompt kinds here.
    application.add_handler(
        MessageHandler(
            filters.REPLY
            & ~filters.COMMAND
            & (filters.TEXT | filters.CAPTION | filters.ATTACHMENT),
            reply_router(
                {
                    **compromiso_actions.ANSWERS,
                    **meetings.ANSWERS,
                    **plan.ANSWERS,
                    **reminder_handlers.ANSWERS,
                    **informe.ANSWERS,
                }
            ),
        ),
        group=2,
    )
    # Group 3: plan files. Every document passes here, after any feature that takes files as
    # answers (group 2); receive_document keeps only those sent for the plan.
    application.add_handler(MessageHandler(filters.Document.ALL, plan.receive_document), group=3)

    # The periodic jobs (reminders, flows): one list in gelbot/jobs.py, which the console and the
    # demo run too, so they live exactly what a running bot lives.
    jobs.schedule(application, settings)

    # Last in group 0: a button whose data no pattern above claims still gets an answer; so
    # do a command no handler above took (a typo), words in private that no flow took, and a
    # group message that names the bot. Plain group chatter gets nothing (good manners).
    application.add_handler(CallbackQueryHandler(errors.unknown_button))
    new_text = filters.UpdateType.MESSAGE & filters.TEXT
    application.add_handler(MessageHandler(new_text & filters.COMMAND, guidance.unknown_command))
    application.add_handler(
        MessageHandler(
            new_text & filters.ChatType.PRIVATE & ~filters.COMMAND, guidance.private_text
        )
    )
    application.add_handler(
        MessageHandler(
            new_text
            & filters.ChatType.GROUPS
            & ~filters.COMMAND
            & (filters.Entity(MessageEntity.MENTION) | filters.Entity(MessageEntity.TEXT_MENTION)),
            guidance.mention,
        )
    )

    application.add_error_handler(errors.on_error)
    return application


def _menu(roles: set[Role], *, newcomer: bool, admin: bool) -> list[BotCommand]:
    return [
        BotCommand(c.name, c.description)
        for c in commands_for(roles, newcomer=newcomer, admin=admin)
        if c.name != "start"
    ]


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu with Telegram so clients offer it."""
    member_menu = _menu({Role.MIEMBRO}, newcomer=True, admin=False)
    admin_menu = _menu(set(Role), newcomer=True, admin=True)
    bot = application.bot
    await bot.set_my_commands(member_menu, scope=BotCommandScopeDefault())
    await bot.set_my_commands(member_menu, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(member_menu, scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(admin_menu, scope=BotCommandScopeAllChatAdministrators())
    board_server.start_if_configured(application)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    board_server.stop(application)
    services: Services = application.bot_data["services"]
    await services.engine.dispose()
