"""Every message a person reads is a Jinja2 template rendered for Telegram's HTML parse mode."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from gelbot.domain.spanish import grammar

# Telegram rejects longer messages; we split at line boundaries below this.
MAX_MESSAGE_LENGTH = 4096


@cache
def environment() -> Environment:
    """The shared template environment: autoescaped, strict about missing variables."""
    env = Environment(
        loader=PackageLoader("gelbot", "templates"),
        # Escaping every value keeps user text (names, cargos, answers) from ever being markup.
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        enable_async=False,
        # Templates ship with the package; checking their files on every render costs time.
        auto_reload=False,
    )
    env.filters["fecha"] = _fecha
    env.filters["fecha_dia"] = _fecha_dia
    env.filters["corto"] = truncate_text
    # Agreement: {{ n | cuenta("jornada") }}, {{ n | palabra("vez") }}, {{ name | de_entidad }}.
    env.filters.update(
        cuenta=grammar.cuenta,
        palabra=grammar.palabra,
        con_articulo=grammar.con_articulo,
        de_entidad=grammar.de_entidad,
        de_articulo=grammar.de_articulo,
        segun=grammar.segun,
    )
    return env


def _fecha(value: Any) -> str:
    from gelbot.domain.spanish import format_date

    return format_date(value)


def _fecha_dia(value: Any) -> str:
    """«viernes 6 de marzo de 2009»: the weekday settles which Friday «el próximo» meant."""
    from gelbot.domain.spanish import format_date, weekday_name

    return f"{weekday_name(value)} {format_date(value)}"


def render(name: str, **context: Any) -> str:
    """Render `messages/<name>.html.j2` to Telegram HTML."""
    text = environment().get_template(f"messages/{name}.html.j2").render(**context)
    return text.strip()


def truncate_text(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut plain (unescaped) user text to `limit` characters for display."""
    return text if len(text) <= limit else text[: max(limit - len(ellipsis), 0)] + ellipsis


def split_message(html: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split rendered HTML into Telegram-sized parts at line boundaries.

    Templates keep each tag within one line, so cutting between lines never splits a tag.
    """
    parts: list[str] = []
    current = ""
    for line in html.split("\n"):
        while len(line) > limit:  # a single overlong line: cut it hard (rare; escaped text only)
            if current:
                parts.append(current)
                current = ""
            cut = _safe_cut(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [p for p in parts if p.strip()] or [""]


def _safe_cut(line: str, limit: int) -> int:
    """A cut point at or below `limit` that does not split an HTML entity or tag."""
    cut = limit
    amp = line.rfind("&", 0, cut)
    if amp != -1 and ";" not in line[amp:cut]:
        cut = amp
    lt = line.rfind("<", 0, cut)
    if lt != -1 and ">" not in line[lt:cut]:
        cut = lt
    return max(cut, 1)
