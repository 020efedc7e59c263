"""The reminders' way out to Telegram: the one place a Dispatcher and its sender are built.

`gelbot run`, the console and the demo get theirs from build_application, kept in `bot_data`;
`gelbot tick` builds one over its own bot. Every one sends through a TelegramSender that shares
the per-second budget with the other instances on the same database (gelbot.telegram.budget).
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.ext import Application

from gelbot.reminders.dispatcher import Dispatcher, Hook
from gelbot.services import Services
from gelbot.telegram.budget import SharedBudget
from gelbot.telegram.sender import TelegramSender

DISPATCHER = "reminder_dispatcher"  # its key in an application's bot_data


def build_dispatcher(services: Services, bot: Bot, *, hook: Hook | None = None) -> Dispatcher:
    """A dispatcher sending over `bot` within the shared budget (`hook`: the crash tests')."""
    return Dispatcher(services, TelegramSender(bot, budget=SharedBudget(services)), hook=hook)


def dispatcher_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Dispatcher:
    """The dispatcher build_application gave this application."""
    found = application.bot_data[DISPATCHER]
    assert isinstance(found, Dispatcher)
    return found
