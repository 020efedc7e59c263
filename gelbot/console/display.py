"""What the bot did, read off the fake Telegram, as lines a person reads in a terminal."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from gelbot.telegram.fake_api import FakeTelegram, SentMessage

INDENT = "    "
_SENDS = {"sendMessage", "sendDocument", "sendPhoto"}
_EDITS = {"editMessageText", "editMessageReplyMarkup"}
_ANSI = {"b": "1", "strong": "1", "i": "3", "em": "3", "u": "4", "code": "36", "pre": "36"}
_HEAD_STYLE = "\033[1;34m"
_RESET = "\033[0m"


@dataclass
class Mark:
    """Where the transcript stood: calls made so far, and each message with its edit count."""

    calls: int
    messages: dict[int, tuple[SentMessage, int]] = field(default_factory=dict)


@dataclass
class Change:
    """One thing the bot did: sent, edited or deleted a message, or answered a button."""

    kind: str  # "sent", "edited", "deleted", "aviso"
    chat_id: int | None
    message: SentMessage | None = None
    text: str = ""


def mark(telegram: FakeTelegram) -> Mark:
    return Mark(len(telegram.calls), {id(m): (m, m.edits) for m in telegram.sent})


def changes(telegram: FakeTelegram, since: Mark) -> list[Change]:
    """Everything the bot did after `since`, in the order it called the Bot API."""
    before = dict(since.messages)
    new = deque(m for m in telegram.sent if id(m) not in before)
    found: list[Change] = []
    for method, params in telegram.calls[since.calls :]:
        chat_id = _int(params.get("chat_id"))
        # A failed send stored nothing; the next stored message belongs to a later call.
        if method in _SENDS and new and new[0].chat_id == chat_id:
            message = new.popleft()
            found.append(Change("sent", message.chat_id, message))
        elif method in _EDITS:
            message_id = _int(params.get("message_id"))
            for message, edits in list(before.values()):
                if message.message_id == message_id and message.edits != edits:
                    found.append(Change("edited", message.chat_id, message))
                    before[id(message)] = (message, message.edits)
        elif method == "deleteMessage":
            found.append(Change("deleted", chat_id))
        elif method == "answerCallbackQuery" and params.get("text"):
            found.append(Change("aviso", None, text=str(params["text"])))
    found += [Change("sent", m.chat_id, m) for m in new]
    return found


def message_lines(
    message: SentMessage,
    label: str,
    *,
    edited: bool = False,
    color: bool = False,
    files_dir: Path | None = None,
) -> list[str]:
    """A bot message as a person reads it: chat, text, attached file, numbered buttons."""
    head = f"[{label}] gelbot{' (editado)' if edited else ''}:"
    if color:
        head = f"{_HEAD_STYLE}{head}{_RESET}"
    styled = color and message.parse_mode == "HTML"
    body = tidy(ansi_text(message.text) if styled else message.plain)
    if message.kind != "text":
        body.insert(0, file_line(message, files_dir))
    lines = [f"{head} {body[0] if body else ''}".rstrip()]
    lines += [f"{INDENT}{line}" if line else "" for line in body[1:]]
    lines += button_lines(message)
    return lines


def button_lines(message: SentMessage) -> list[str]:
    """Buttons numbered across rows, as `:boton N` counts them; ↗ marks a link."""
    rows = (message.reply_markup or {}).get("inline_keyboard") or []
    lines, number = [], 0
    for row in rows:
        labels = []
        for button in row:
            number += 1
            labels.append(f"[{number}] {button['text']}{' ↗' if 'url' in button else ''}")
        lines.append(INDENT + "  ".join(labels))
    return lines


def file_line(message: SentMessage, files_dir: Path | None) -> str:
    """«📎 name (N bytes)», saving the file under `files_dir` (never overwriting) when given."""
    content = message.file_bytes or b""
    name = Path(message.file_name or "archivo").name or "archivo"
    line = f"📎 {name} ({len(content)} bytes)"
    if files_dir is None:
        return line
    files_dir.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    target, number = files_dir / name, 1
    while target.exists():
        number += 1
        target = files_dir / f"{stem}-{number}{suffix}"
    target.write_bytes(content)
    return f"{line} → {target}"


def tidy(text: str) -> list[str]:
    """The text's lines without trailing spaces, runs of blank lines, or blank ends."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


class _AnsiHtml(HTMLParser):
    """Telegram HTML to terminal text: bold, italics and code as ANSI styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.styles.append(_ANSI.get(tag, ""))
        self.out.append(self._style())

    def handle_endtag(self, tag: str) -> None:
        if self.styles and self.styles.pop():
            self.out.append(_RESET + self._style())

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def _style(self) -> str:
        codes = ";".join(code for code in self.styles if code)
        return f"\033[{codes}m" if codes else ""


def ansi_text(html: str) -> str:
    """Telegram HTML with its bold/italic/code shown as terminal styles."""
    parser = _AnsiHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.out) + _RESET


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
