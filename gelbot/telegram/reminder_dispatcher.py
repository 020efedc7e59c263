"""The reminders' way out to Telegram: the one place a Dispatcher, its sender and the send
budget are built.

`gelbot run`, the console and the demo get theirs from build_application, kept in `bot_data`;
`gelbot tick` builds one over its own bot. The budget (Telegram's 30 messages a second) is the
rate limiter's overall window: in memory for one instance on SQLite, in the database for every
instance on PostgreSQL (gelbot.telegram.budget).
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.ext import Application

from gelbot.reminders.dispatcher import Dispatcher, Hook
from gelbot.services import Services
from gelbot.telegram.budget import LocalSlots, SharedSlots, Slots
from gelbot.telegram.sender import TelegramSender

DISPATCHER = "reminder_dispatcher"  # its key in an application's bot_data


def send_budget(services: Services) -> Slots:
    """Telegram's overall budget as this database shares it between instances."""
    if services.engine.dialect.name == "postgresql":
        return SharedSlots(services)
    return LocalSlots()


def build_dispatcher(services: Services, bot: Bot, *, hook: Hook | None = None) -> Dispatcher:
    """A dispatcher sending over `bot`, paced by its rate limiter (`hook`: the crash tests')."""
    return Dispatcher(services, TelegramSender(bot), hook=hook)


def dispatcher_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Dispatcher:
    """The dispatcher build_application gave this application."""
    found = application.bot_data[DISPATCHER]
    assert isinstance(found, Dispatcher)
    return found
