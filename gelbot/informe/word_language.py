"""Tag a Word document as Colombian Spanish everywhere, so Word spell-checks it as Spanish.

python-docx's default template (and many an entity's own) says en-US in the style defaults,
in some styles, and in the theme font language; every one of them is set to es-CO.
"""

from __future__ import annotations

import re

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

LANGUAGE = "es-CO"
_LANG_ATTRIBUTES = ("w:val", "w:eastAsia")
_LANG_ELEMENT = re.compile(rb"<w:(?:lang|themeFontLang)\b[^>]*>")
_LANG_VALUE = re.compile(rb'\bw:(val|eastAsia)="[^"]*"')


def _retag_bytes(xml: bytes) -> bytes:
    return _LANG_ELEMENT.sub(lambda m: _LANG_VALUE.sub(rb'w:\1="es-CO"', m.group()), xml)


def _retag(root: BaseOxmlElement) -> None:
    for lang in root.iter(qn("w:lang")):
        for attribute in _LANG_ATTRIBUTES:
            lang.set(qn(attribute), LANGUAGE)
    for lang in root.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)


def set_spanish(word: WordDocument) -> None:
    """Set es-CO in the style defaults, every style, the theme font language and the text."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    if properties.find(qn("w:lang")) is None:
        properties.append(OxmlElement("w:lang"))
    _retag(styles)
    _retag(word.settings.element)
    if word.settings.element.find(qn("w:themeFontLang")) is None:
        theme = OxmlElement("w:themeFontLang")
        word.settings.element.append(theme)
        _retag(word.settings.element)
    # Every other part: the body, headers, footers, and the parts python-docx keeps as plain
    # bytes (Word 2010's stylesWithEffects.xml carries its own en-US).
    for part in word.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            _retag(element)
        elif str(part.partname).endswith(".xml") and b"w:lang" in part.blob:
            part._blob = _retag_bytes(part.blob)
    word.core_properties.language = LANGUAGE
