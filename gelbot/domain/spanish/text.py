"""Normalise Spanish answers before parsing, and the helpers every parser shares."""

from __future__ import annotations

import re
import unicodedata

LOCALE = "es_CO"
# Answers longer than this are prose, not a value: refusing them early keeps every parser fast
# (dateparser in particular) on 4096-character messages.
MAX_ANSWER_LENGTH = 200

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lowercase, strip accents (ñ becomes n), and collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


def _words(text: str) -> list[str]:
    """Split normalised text into words of letters and digits, dropping punctuation."""
    return re.findall(r"[a-z0-9]+", text)


def _alternation(words: dict[str, int]) -> str:
    """Return a regex alternation of `words`, longest first so "veintiuno" beats "veinti"."""
    return "|".join(sorted(words, key=len, reverse=True))
