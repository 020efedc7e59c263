"""The informe's introduction and objectives: the framework's data file, or the committee's own.

Each framework may ship `gelbot/data/informe/<framework id>.yaml` (its norms, principles and
phases, in the seed's words); a framework without one uses `generico.yaml`. The texts carry a
few markers ({entidad}, {periodo}, {fases}, {numero_fases}) filled here and nothing else: a
brace that is not a known marker is refused when the file is read.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gelbot.domain.frameworks import Framework

MARKERS = frozenset({"entidad", "periodo", "fases", "numero_fases"})
_FALLBACK = "generico"
_NUMBERS = {1: "una", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis", 7: "siete",
            8: "ocho", 9: "nueve", 10: "diez"}  # fmt: skip
_KEY = re.compile(r"[a-z0-9_]{1,60}")


def _check_markers(text: str) -> str:
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None and (name not in MARKERS or spec or conversion):
            raise ValueError(f"marcador desconocido «{{{name}}}»; se permiten: {sorted(MARKERS)}")
    return text


class TextosFile(BaseModel):
    """One data file under gelbot/data/informe/."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: str
    introduccion: tuple[str, ...] = Field(min_length=1)
    objetivo_general: str = Field(min_length=1)
    objetivos_especificos: tuple[str, ...] = Field(min_length=1)

    @field_validator("introduccion", "objetivos_especificos")
    @classmethod
    def _markers_in_list(cls, texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_markers(t) for t in texts)

    @field_validator("objetivo_general")
    @classmethod
    def _markers_in_text(cls, text: str) -> str:
        return _check_markers(text)


@dataclass(frozen=True)
class Textos:
    """The texts as the informe prints them."""

    introduccion: str  # paragraphs separated by blank lines
    objetivo_general: str
    objetivos_especificos: list[str]


@functools.lru_cache(maxsize=8)
def load_textos(framework_id: str) -> TextosFile:
    """The shipped texts of a framework, or the generic ones."""
    folder = resources.files("gelbot").joinpath("data", "informe")
    name = framework_id if _KEY.fullmatch(framework_id) else _FALLBACK
    entry = folder.joinpath(f"{name}.yaml")
    if not entry.is_file():
        entry = folder.joinpath(f"{_FALLBACK}.yaml")
    return TextosFile.model_validate(yaml.safe_load(entry.read_text(encoding="utf-8")))


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} y {names[-1]}"


def _fill(text: str, values: dict[str, str]) -> str:
    return " ".join(text.format_map(values).split())


def textos(
    framework: Framework, *, entidad: str, periodo: str, own_introduccion: str | None = None,
    own_general: str | None = None, own_especificos: list[str] | None = None,
) -> Textos:  # fmt: skip
    """The introduction and objectives of an informe: the committee's own text wins."""
    data = load_textos(framework.id)
    phases = [phase.name.lower() for phase in framework.phases]
    values = {
        "entidad": entidad,
        "periodo": periodo,
        "fases": _join(phases),
        "numero_fases": _NUMBERS.get(len(phases), str(len(phases))),
    }
    introduccion = own_introduccion or "\n\n".join(_fill(p, values) for p in data.introduccion)
    general = own_general or _fill(data.objetivo_general, values)
    especificos = own_especificos or [_fill(o, values) for o in data.objetivos_especificos]
    return Textos(introduccion, general, especificos)
