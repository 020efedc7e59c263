"""Spanish agreement for templates: plurals by count and the article before an entity's name."""

from __future__ import annotations

import unicodedata

# Head nouns of Colombian public entities and their gender; the rest is guessed from endings.
_FEMININE = {"alcaldía", "gobernación", "personería", "contraloría", "secretaría", "empresa",
             "universidad", "superintendencia", "agencia", "unidad", "corporación", "asamblea",
             "registraduría", "procuraduría", "defensoría", "fiscalía", "escuela", "institución",
             "e.s.e.", "ese", "oficina", "dirección", "gerencia", "cámara", "comisión"}  # fmt: skip
_MASCULINE = {"municipio", "departamento", "concejo", "ministerio", "instituto", "hospital",
              "fondo", "banco", "consejo", "servicio", "centro", "área", "distrito",
              "comité", "despacho", "archivo", "programa"}  # fmt: skip
_ARTICLES = {"el", "la", "los", "las"}
_ACCENTED = str.maketrans("áéíóú", "aeiou")


# Plurals that move the written accent (esdrújulas) or keep none.
_IRREGULAR = {"resumen": "resúmenes", "examen": "exámenes", "orden": "órdenes",
              "imagen": "imágenes", "volumen": "volúmenes", "joven": "jóvenes",
              "carácter": "caracteres", "régimen": "regímenes"}  # fmt: skip
_SINGULAR = {plural_form: word for word, plural_form in _IRREGULAR.items()}


def plural(word: str) -> str:
    """The plural of one Spanish noun or adjective: jornada → jornadas, acción → acciones."""
    if not word:
        return word
    if word.lower() in _IRREGULAR:
        return _IRREGULAR[word.lower()]
    last = word[-1].lower()
    if last in "aeiouáéó" or (word.lower().endswith(("í", "ú")) and len(word) > 3):
        return word + "s"
    if last == "z":
        return word[:-1] + "ces"
    if last == "s" and len(word) > 4 and _stress_not_last(word):
        return word  # la crisis / las crisis, el lunes / los lunes
    stem = word
    for accented, plain in (("ión", "ion"), ("én", "en"), ("án", "an"), ("ón", "on"), ("és", "es")):
        if word.endswith(accented):
            stem = word[: -len(accented)] + plain
            break
    return stem + "es"


def _stress_not_last(word: str) -> bool:
    return not any(c in "áéíóú" for c in word[-3:])


def cuenta(count: float | int | None, singular: str, plural_form: str | None = None) -> str:
    """«1 jornada», «2 jornadas», «0 actualizaciones»: the count and the word that agrees."""
    n = 0 if count is None else count
    shown = f"{int(n)}" if float(n).is_integer() else f"{n:g}".replace(".", ",")
    return f"{shown} {palabra(n, singular, plural_form)}"


def palabra(count: float | int | None, singular: str, plural_form: str | None = None) -> str:
    """The word alone, agreeing with `count`: only exactly one is singular."""
    if count is not None and abs(count) == 1:
        return singular
    return plural_form or plural_phrase(singular)


_KEEP = {"de", "del", "en", "por", "para", "con", "sin", "sobre", "a", "al", "y", "o"}


def plural_phrase(phrase: str) -> str:
    """«reunión realizada» → «reuniones realizadas»; after «de», words stay («acta de reunión»)."""
    words = phrase.split(" ")
    for index, word in enumerate(words):
        if word.lower() in _KEEP:
            break
        words[index] = plural(word)
    return " ".join(words)


def singular(word: str) -> str:
    """The singular of one plural noun: veces → vez, actualizaciones → actualización."""
    lower = word.lower()
    if lower in _SINGULAR:
        return _SINGULAR[lower]
    if lower.endswith("ces") and len(word) > 4:
        return word[:-3] + "z"
    for ending, accented in (("iones", "ión"), ("anes", "án"), ("enes", "én"), ("ones", "ón")):
        if lower.endswith(ending):
            return word[: -len(ending)] + accented
    if lower.endswith("es") and len(word) > 3 and lower[-3] in "lrndj":
        return word[:-2]
    if lower.endswith("s") and len(word) > 2 and lower[-2] in "aeioué":
        return word[:-1]
    return word


def segun(unit: str, count: float | int | None) -> str:
    """A unit stored in plural («veces») agreeing with its number: «1 vez», «2 veces»."""
    if count is None or abs(count) != 1 or not unit:
        return unit
    first, _, rest = unit.partition(" ")
    return singular(first) + (" " + rest if rest else "")


def _head(name: str) -> str:
    return name.split()[0].lower() if name.split() else ""


def articulo(name: str) -> str:
    """The article an entity's name takes: «la» Alcaldía, «el» Municipio; '' for a bare name."""
    head = _head(name)
    if not head or head in _ARTICLES:
        return ""
    if head in _FEMININE:
        return "la"
    if head in _MASCULINE:
        return "el"
    folded = unicodedata.normalize("NFC", head)
    if folded.endswith(("ción", "sión", "dad", "ía")):
        return "la"
    return ""  # a place name («Mocoa»), or a name we cannot tell: no article is safer


def con_articulo(name: str) -> str:
    """«la Alcaldía Municipal de Chitagá»; a bare place name stays as it is."""
    found = articulo(name)
    return f"{found} {name}" if found else name


def de_entidad(name: str) -> str:
    """«de la Alcaldía…», «del Municipio de Mocoa», «de Mocoa»."""
    found = articulo(name)
    return {"la": "de la", "el": "del"}.get(found, "de") + " " + name


def de_articulo(name: str) -> str:
    """Only the preposition and article, for when the name itself is set in bold."""
    return {"la": "de la", "el": "del"}.get(articulo(name), "de")
