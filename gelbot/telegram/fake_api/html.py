"""Telegram's HTML parse mode and length rules: what a message may contain and how it reads."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

from gelbot.telegram.fake_api.errors import BotApiError

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
# The tags Telegram's HTML parse mode accepts.
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}


class _TelegramHtmlChecker(HTMLParser):
    """Checks text the way Telegram's HTML parse mode does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.plain: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise BotApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise BotApiError(
                400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"'
            )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            raise BotApiError(400, "Bad Request: can't parse entities: unescaped < or >")
        if "&" in data:
            raise BotApiError(400, "Bad Request: can't parse entities: unescaped &")
        self.plain.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise BotApiError(
                400, f"Bad Request: can't parse entities: unsupported entity &{name};"
            )
        self.plain.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.plain.append(unescape(f"&#{name};"))


def check_html(text: str) -> str:
    """The plain text Telegram would show for `text`, or BotApiError as Telegram would answer."""
    checker = _TelegramHtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.rawdata:  # HTMLParser keeps an unterminated "<..." here
        raise BotApiError(400, "Bad Request: can't parse entities: unclosed tag")
    if checker.stack:
        raise BotApiError(400, f"Bad Request: can't parse entities: unclosed <{checker.stack[-1]}>")
    return "".join(checker.plain)


def html_to_plain(text: str) -> str:
    try:
        return check_html(text)
    except BotApiError:
        return text


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
