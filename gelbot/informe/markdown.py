"""Lay an informe out as Markdown through its Jinja template, escaping everything users typed."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from gelbot.informe.content import HEADINGS, _content
from gelbot.informe.document import InformeDocument

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_MD_LIST_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def _md(text: str) -> str:
    """Escape text for one Markdown line: no markup, no HTML, no table break, no list start."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text.strip())
    escaped = _MD_LIST_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
    return "<br>".join(line.strip() for line in escaped.split("\n"))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("gelbot", "templates"),
        autoescape=False,  # Markdown, not HTML: the `md` filter does the escaping.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    environment.filters["md"] = _md
    return environment


def render_markdown(doc: InformeDocument) -> str:
    """Render the informe as Markdown, the table as a GitHub-style table."""
    template = _environment().get_template("informe/informe.md.j2")
    return template.render(c=_content(doc), h=HEADINGS)
