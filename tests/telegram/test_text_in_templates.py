"""Every word a person reads is a template: no handler passes a literal sentence to Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import gelbot

TELEGRAM = Path(gelbot.__file__).parent / "telegram"
# The calls whose text reaches a person: messages, button answers, buttons, questions.
SINKS = {
    "reply_text",
    "answer",
    "send_message",
    "edit_message_text",
    "edit_message_caption",
    "send_document",
    "send_photo",
    "answer_callback_query",
    "InlineKeyboardButton",
    "KeyboardButton",
    "ForceReply",
    "_button",
}  # fmt: skip  (common.button and common.label take a template's key, not a sentence)
TEXT_KEYWORDS = {"text", "caption", "placeholder", "input_field_placeholder", "title"}


def _has_words(node: ast.expr) -> bool:
    """A literal with two letters or more (one-letter strings are callback codes: "s", "n")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return sum(c.isalpha() for c in node.value) >= 2
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and _has_words(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _has_words(node.body) or _has_words(node.orelse)
    return False


def literal_texts(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each sentence written in code where a person will read it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        texts = list(node.args) if name in SINKS else []
        texts += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        found += [(node.lineno, ast.unparse(t)) for t in texts if _has_words(t)]
    return sorted(found)


def test_handlers_write_no_sentence_outside_a_template() -> None:
    files = [f for f in TELEGRAM.rglob("*.py") if "fake_api" not in f.parts]
    assert len(files) > 20
    found = [
        f"{f.relative_to(TELEGRAM)}:{line}: {text}"
        for f in files
        for line, text in literal_texts(f.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_sees_the_ways_a_sentence_gets_written() -> None:
    source = """
async def pressed(query, message):
    await query.answer("Ese botón ya no es válido.", show_alert=True)
    await query.answer("Activado." if on else "Desactivado.")
    await message.reply_text(f"Hola {name}")
    InlineKeyboardButton("Cancelar", callback_data=encode(PREFIX, 1, "n"))
    await ask(context, session, chat_id, "pregunta", placeholder="Ej.: 4")
    await query.answer(render("boton_invalido"), show_alert=True)
    button("cancelar", PREFIX, 1, "n")
"""
    assert [line for line, _ in literal_texts(source)] == [3, 4, 5, 6, 7]
