"""Tag a Word document as Colombian Spanish everywhere, so Word spell-checks it as Spanish.

python-docx's default template (and many an entity's own) says en-US in the style defaults,
in some styles, and in the theme font language; every one of them is set to es-CO.
"""

from __future__ import annotations

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

LANGUAGE = "es-CO"
_LANG_ATTRIBUTES = ("w:val", "w:eastAsia")


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
    _retag(word.element)
    for section in word.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):  # fmt: skip
            _retag(part._element)
    word.core_properties.language = LANGUAGE
