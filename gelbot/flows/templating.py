"""Question texts inside flow files: small Jinja templates, sandboxed, checked before use.

A coordinador can upload a flow, so its templates are untrusted. They render in Jinja's
sandbox with autoescape (values can never become markup) and may only use expressions,
`if` blocks and a short list of filters: no loops, calls, macros or includes, which keeps a
template from running for long or reaching anything but the context it is given. The literal
text must be Telegram HTML (a few tags, `&lt;` for `<`), checked by rendering a sample.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Mapping
from datetime import date
from html.parser import HTMLParser
from typing import Any

from jinja2 import ChainableUndefined, StrictUndefined, TemplateError, nodes
from jinja2.environment import Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from gelbot.domain.spanish import format_date

log = logging.getLogger(__name__)

MAX_RENDERED = 3000  # leaves room in a 4096-character message for the mention and the hint
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote"}
)
_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Getattr,
    nodes.Getitem, nodes.Filter, nodes.Test, nodes.If, nodes.CondExpr, nodes.Compare,
    nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Concat, nodes.Keyword,
)  # fmt: skip


class TemplateProblem(ValueError):
    """A template a flow cannot use; the message says why, in Spanish."""


def _fecha(value: object) -> str:
    if isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return format_date(value) if isinstance(value, date) else str(value)


def _corto(value: Any, limit: int = 80) -> str:
    text = str(value)
    limit = max(1, min(int(limit), 1000))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FILTERS = {
    "fecha": _fecha,
    "corto": _corto,
    "upper": str.upper,
    "lower": str.lower,
    "capitalize": str.capitalize,
    "trim": str.strip,
}


@functools.cache
def _environment(strict: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined if strict else ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Only our filters: Jinja's own include some (center, indent, wordwrap) that can be made
    # to build huge strings.
    env.filters = {**_FILTERS, "default": env.filters["default"], "d": env.filters["default"]}
    env.tests = {name: env.tests[name] for name in ("defined", "undefined", "none", "number")}
    env.globals = {}
    return env


@functools.lru_cache(maxsize=512)
def _compiled(text: str, strict: bool) -> Template:
    env = _environment(strict)
    try:
        tree = env.parse(text)
    except TemplateError as error:
        raise TemplateProblem(f"la plantilla no es válida ({error})") from None
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED_NODES):
            raise TemplateProblem(
                f"la plantilla usa «{type(node).__name__}»; solo se permiten variables "
                "({{ asunto.descripcion }}), filtros y bloques {% if %}"
            )
    try:
        return env.from_string(text)
    except TemplateError as error:
        raise TemplateProblem(f"la plantilla no es válida ({error})") from None


def render(text: str, context: Mapping[str, Any]) -> str:
    """Render a flow template for a person; never raises (a checked template will not fail)."""
    try:
        rendered = _compiled(text, False).render(**context).strip()
    except Exception:
        # A file checked at load cannot get here; if one somehow does, the person still sees
        # the question's literal text rather than the bot going quiet.
        log.exception("flow template failed to render")
        rendered = html.escape(text)
    rendered = rendered[:MAX_RENDERED]
    # Only a value that is itself too long can cut a tag here; show it as text then.
    return rendered if check_html(rendered) is None else html.escape(rendered)


def check_template(text: str, context: Mapping[str, Any]) -> None:
    """Raise TemplateProblem unless `text` renders with `context` into valid Telegram HTML."""
    template = _compiled(text, True)
    try:
        rendered = template.render(**context).strip()
    except TemplateError as error:
        raise TemplateProblem(f"la plantilla no se puede mostrar ({error})") from None
    except Exception as error:  # the sandbox refuses unsafe access with SecurityError
        raise TemplateProblem(f"la plantilla no se puede mostrar ({error})") from None
    if len(rendered) > MAX_RENDERED:
        raise TemplateProblem(f"el texto queda muy largo (más de {MAX_RENDERED} caracteres)")
    problem = check_html(rendered)
    if problem is not None:
        raise TemplateProblem(problem)


class _HtmlChecker(HTMLParser):
    """The subset of HTML Telegram accepts, as its parse mode reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise TemplateProblem(
                f"la etiqueta <{tag}> no la acepta Telegram (use b, i, u, s, code, a…; "
                "escriba &lt; para el signo «<»)"
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TemplateProblem(f"la etiqueta </{tag}> no cierra ninguna abierta")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data or "&" in data:
            raise TemplateProblem("escriba &lt;, &gt; y &amp; para los signos <, > y &")

    def handle_entityref(self, name: str) -> None:
        if name not in _ENTITIES:
            raise TemplateProblem(f"Telegram no conoce la entidad &{name};")


def check_html(text: str) -> str | None:
    """Why Telegram would refuse `text` as HTML, or None if it would accept it."""
    checker = _HtmlChecker()
    try:
        checker.feed(text)
        checker.close()
    except TemplateProblem as problem:
        return str(problem)
    if checker.rawdata:
        return "hay una etiqueta sin cerrar («<» sin «>»)"
    if checker.stack:
        return f"falta cerrar la etiqueta <{checker.stack[-1]}>"
    return None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(rendered: str) -> str:
    """What a person reads of rendered HTML: tags dropped, entities resolved, one line."""
    reader = _Text()
    reader.feed(rendered)
    reader.close()
    return " ".join("".join(reader.parts).split())
