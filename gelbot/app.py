"""The composition root: build_application(settings) wires every handler, job and resource."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from gelbot.clock import Clock, SystemClock
from gelbot.db import make_engine, make_sessionmaker
from gelbot.models import Role
from gelbot.services import Services
from gelbot.settings import Settings
from gelbot.telegram.commands import commands_for
from gelbot.telegram.handlers import errors, help, lifecycle, members, onboarding

log = logging.getLogger(__name__)

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
    if services is None:
        engine = make_engine(settings.database_url)
        services = Services(settings, engine, make_sessionmaker(engine), clock or SystemClock())
    builder = (
        ApplicationBuilder()
        .token(settings.token_value() or OFFLINE_TOKEN)
        .base_url(settings.bot_api_url)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.bot_api_file_url:
        builder = builder.base_file_url(settings.bot_api_file_url)
    if rate_limit:
        # 20 messages a minute into one group, ~30 a second overall; retries a 429 once.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=1))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["services"] = services

    # Group -1: lifecycle events, before any command handling, so a migration is followed first.
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, lifecycle.group_migrated), group=-1
    )
    application.add_handler(
        ChatMemberHandler(lifecycle.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER), group=-1
    )

    # Group 0: commands and buttons.
    application.add_handler(CommandHandler("start", onboarding.start))
    application.add_handler(CommandHandler("comite", onboarding.register))
    application.add_handler(CommandHandler("unirme", members.join))
    application.add_handler(CommandHandler("miembros", members.list_members))
    application.add_handler(CommandHandler("rol", members.set_role))
    application.add_handler(CommandHandler("ayuda", help.show_help))
    application.add_handler(CommandHandler("help", help.show_help))
    application.add_handler(CallbackQueryHandler(onboarding.choose_setup, pattern=r"^co:"))

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


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    services: Services = application.bot_data["services"]
    await services.engine.dispose()
