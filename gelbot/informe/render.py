"""Lay an InformeDocument out as Markdown, Word (DOCX) and PDF, saying the same in each."""

from __future__ import annotations

from gelbot.informe.content import HEADINGS
from gelbot.informe.markdown import render_markdown
from gelbot.informe.pdf import render_pdf
from gelbot.informe.word import render_docx

__all__ = ["HEADINGS", "render_docx", "render_markdown", "render_pdf"]
