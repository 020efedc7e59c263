"""`gelbot console`: chat with the real bot in a terminal, over a simulated Telegram."""

from gelbot.console.moments import DEFAULT_START, parse_moment
from gelbot.console.session import BOT_USERNAME, GROUP_TITLE, ClockHook, Console
from gelbot.console.terminal import configure_console_logging, run_console

__all__ = [
    "BOT_USERNAME",
    "DEFAULT_START",
    "GROUP_TITLE",
    "ClockHook",
    "Console",
    "configure_console_logging",
    "parse_moment",
    "run_console",
]
