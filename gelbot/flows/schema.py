"""The format of a flow file (conversations/*.yaml): pydantic models, checked before any use.

conversations/README.md documents the format for the people who write flows; the checks here
are the same rules, and every error names the question and the field it is about.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from gelbot.flows.templating import TemplateProblem, check_template
from gelbot.flows.updates import (
    ANSWERED,
    EFFECT_NAMES,
    KEY,
    SKIPPED,
    CriterionStatusEffect,
    Effect,
    Model,
    NumberRange,
    SemesterItemEffect,
    slug,
    when_value,
    yes_no,
)

END = "fin"  # a goto/next target that ends the flow (or the current item)
MAX_QUESTIONS = 60
MAX_CHOICES = 20
TEXT_LIMIT = 2000  # default maximum length of a texto answer


class QuestionType(enum.StrEnum):
    SI_NO = "si_no"
    NUMERO = "numero"
    PORCENTAJE = "porcentaje"
    FECHA = "fecha"
    OPCION = "opcion"
    TEXTO = "texto"
    ARCHIVO = "archivo"


RoleName = Literal["coordinador", "miembro", "control_interno", "editor_web", "delegado"]
SubjectKind = Literal["ninguno", "compromiso", "semana", "fase", "periodo"]
Frequency = Literal["semanal", "mensual", "trimestral", "semestral", "anual", "unica"]


# --- questions -----------------------------------------------------------------------------------


class Choice(Model):
    value: str = Field(pattern=KEY, max_length=40)
    label: str = Field(min_length=1, max_length=40)
    aliases: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_label(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"value": slug(data), "label": data}
        return data


class Branch(Model):
    when: Any
    goto: str = Field(max_length=40)

    @field_validator("when", mode="before")
    @classmethod
    def _normalise_when(cls, value: Any) -> Any:
        return when_value(value)


class Question(Model):
    id: str = Field(pattern=KEY, max_length=40)
    type: QuestionType
    text: str = Field(min_length=1, max_length=2000)
    required: bool = True
    min: float | None = None
    max: float | None = None
    only_future: bool = False
    choices: tuple[Choice, ...] = Field((), max_length=MAX_CHOICES)
    choices_from: Literal["destinos_avance"] | None = None
    example: str | None = Field(None, max_length=200)
    placeholder: str | None = Field(None, max_length=64)
    branches: tuple[Branch, ...] = ()
    next: str | None = Field(None, max_length=40)
    updates: tuple[Effect, ...] = ()

    @field_validator("updates", mode="before")
    @classmethod
    def _effect_mappings(cls, value: Any) -> Any:
        """`- indicator_reading: {indicator: …}` in the file becomes a tagged effect."""
        if not isinstance(value, list):
            return value
        tagged: list[Any] = []
        for index, item in enumerate(value):
            if isinstance(item, dict) and len(item) == 1:
                [(name, params)] = item.items()
                if name not in EFFECT_NAMES:
                    raise ValueError(
                        f"el elemento [{index}] es un efecto desconocido, «{name}» (use uno de: "
                        + ", ".join(EFFECT_NAMES)
                        + ")"
                    )
                if params is not None and not isinstance(params, dict):
                    raise ValueError(
                        f"el elemento [{index}].{name} debe ser un mapeo (clave: valor)"
                    )
                tagged.append({"effect": name, **(params or {})})
            else:
                tagged.append(item)
        return tagged

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        numeric = self.type in (QuestionType.NUMERO, QuestionType.PORCENTAJE, QuestionType.TEXTO)
        if (self.min is not None or self.max is not None) and not numeric:
            raise ValueError(
                "campo «min»/«max»: solo valen para numero, porcentaje y texto (longitud)"
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"campo «min»: {self.min:g} es mayor que max ({self.max:g})")
        if self.only_future and self.type != QuestionType.FECHA:
            raise ValueError("campo «only_future»: solo vale para preguntas de tipo fecha")
        if self.type == QuestionType.OPCION:
            if bool(self.choices) == bool(self.choices_from):
                raise ValueError(
                    "campo «choices»: una pregunta opcion necesita choices o choices_from (uno)"
                )
            values = [c.value for c in self.choices]
            repeated = {v for v in values if values.count(v) > 1}
            if repeated:
                raise ValueError(
                    f"campo «choices»: la opción «{sorted(repeated)[0]}» está repetida"
                )
        elif self.choices or self.choices_from:
            raise ValueError("campo «choices»: solo vale para preguntas de tipo opcion")
        return self


class Starts(Model):
    """What starts the flow: reminder kinds, a command, a button (any of them)."""

    reminder: tuple[str, ...] = ()
    command: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,31}$")
    button: bool = False

    @field_validator("reminder", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something(self) -> Starts:
        if not (self.reminder or self.command or self.button):
            raise ValueError("diga qué inicia el flujo: reminder, command o button")
        return self


class Asks(Model):
    """Who is asked: the compromiso's responsable, who started it, the group, or roles."""

    who: Literal["responsable", "quien_inicia", "grupo", "roles"]
    roles: tuple[RoleName, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"who": data}
        if isinstance(data, list):
            return {"who": "roles", "roles": data}
        if isinstance(data, dict) and "roles" in data and "who" not in data:
            return {"who": "roles", **data}
        return data

    @model_validator(mode="after")
    def _roles_given(self) -> Asks:
        if (self.who == "roles") != bool(self.roles):
            raise ValueError("asks: roles necesita una lista de roles (y solo con roles)")
        return self


class Flow(Model):
    """One conversation: who it asks, its questions in order, and what the answers update."""

    id: str = Field(pattern=KEY, max_length=40)
    name: str = Field(min_length=1, max_length=120)
    description: str | None = None
    version: int = Field(1, ge=1)
    starts: Starts
    asks: Asks
    subject: SubjectKind = "ninguno"
    for_each: Literal["criterios_pendientes"] | None = None
    expires_after_hours: float = Field(72, gt=0, le=24 * 120)
    max_attempts: int = Field(3, ge=1, le=10)
    questions: tuple[Question, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)
    closing: str | None = Field(None, max_length=1000)

    def index(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)

    def question(self, question_id: str) -> Question:
        return self.questions[self.index(question_id)]

    def has_question(self, question_id: str) -> bool:
        return any(q.id == question_id for q in self.questions)

    @model_validator(mode="after")
    def _consistent(self) -> Flow:
        if self.for_each == "criterios_pendientes" and self.subject != "fase":
            raise ValueError("campo «for_each»: criterios_pendientes necesita subject: fase")
        if self.asks.who == "responsable" and self.subject != "compromiso":
            raise ValueError("campo «asks»: responsable necesita subject: compromiso")
        seen: set[str] = set()
        for number, question in enumerate(self.questions, start=1):
            where = f"pregunta «{question.id}» (n.º {number})"
            if question.id in seen or question.id == END:
                raise ValueError(f"{where}, campo «id»: ya hay una pregunta con ese id")
            seen.add(question.id)
        for number, question in enumerate(self.questions, start=1):
            self._check_question(question, f"pregunta «{question.id}» (n.º {number})")
        context = sample_context(self)
        for number, question in enumerate(self.questions, start=1):
            try:
                check_template(question.text, context)
            except TemplateProblem as problem:
                raise ValueError(
                    f"pregunta «{question.id}» (n.º {number}), campo «text»: {problem}"
                ) from None
        if self.closing is not None:
            try:
                check_template(self.closing, context)
            except TemplateProblem as problem:
                raise ValueError(f"campo «closing»: {problem}") from None
        return self

    def _check_question(self, question: Question, where: str) -> None:
        for index, branch in enumerate(question.branches):
            field = f"branches[{index}]"
            if branch.goto != END and not self.has_question(branch.goto):
                raise ValueError(
                    f"{where}, campo «{field}.goto»: no existe la pregunta «{branch.goto}»"
                )
            _check_when(question, branch.when, f"{where}, campo «{field}.when»")
        if (
            question.next is not None
            and question.next != END
            and not self.has_question(question.next)
        ):
            raise ValueError(f"{where}, campo «next»: no existe la pregunta «{question.next}»")
        for index, effect in enumerate(question.updates):
            field = f"updates[{index}].{effect.effect}"
            for name, target in effect.references().items():
                if not self.has_question(target):
                    raise ValueError(
                        f"{where}, campo «{field}.{name}»: no existe la pregunta «{target}»"
                    )
            _check_when(question, effect.when, f"{where}, campo «{field}.when»")
            needs = _EFFECT_SUBJECT.get(effect.effect)
            if needs is not None and self.subject != needs:
                raise ValueError(f"{where}, campo «{field}»: este efecto necesita subject: {needs}")
            if isinstance(effect, CriterionStatusEffect):
                if effect.criterion is None and self.for_each != "criterios_pendientes":
                    raise ValueError(
                        f"{where}, campo «{field}.criterion»: falta (o use for_each: "
                        "criterios_pendientes)"
                    )
                if effect.met is None and effect.met_from is None and question.type != "si_no":
                    raise ValueError(f"{where}, campo «{field}.met_from»: falta (¿se cumple?)")
            if isinstance(effect, SemesterItemEffect) and not (effect.kind or effect.kind_from):
                raise ValueError(f"{where}, campo «{field}.kind»: falta (o use kind_from)")


_EFFECT_SUBJECT = {"compromiso_status": "compromiso", "compromiso_due_date": "compromiso"}


def _check_when(question: Question, when: Any, where: str) -> None:
    """A `when` must be something this question's answers can be."""
    if when is None or when in (ANSWERED, SKIPPED):
        return
    kind = question.type
    if kind == QuestionType.SI_NO:
        ok = yes_no(when) is not None
    elif kind == QuestionType.OPCION:
        ok = isinstance(when, str) and (
            question.choices_from is not None or when in {c.value for c in question.choices}
        )
    elif kind in (QuestionType.NUMERO, QuestionType.PORCENTAJE):
        ok = isinstance(when, float | NumberRange)
    else:
        ok = False
    if not ok:
        raise ValueError(f"{where}: «{when}» no es una respuesta posible de esta pregunta")


# --- the context templates see -------------------------------------------------------------------


def sample_context(flow: Flow) -> dict[str, Any]:
    """A context with every name a template may use, to check templates before any run."""
    subjects: dict[str, dict[str, Any]] = {
        "ninguno": {},
        "compromiso": {"descripcion": "Publicar el plan", "vence": date(2009, 3, 6),
                       "responsable": "Beto Ruiz", "estado": "abierto"},
        "semana": {"inicio": date(2009, 2, 23), "fin": date(2009, 3, 1)},
        "fase": {"clave": "interaccion", "nombre": "Interacción", "plazo": date(2009, 12, 1),
                 "seccion": "fase", "numeral": None},
        "periodo": {"inicio": date(2009, 2, 1), "fin": date(2009, 7, 31)},
    }  # fmt: skip
    return {
        "comite": {"nombre": "Alcaldía de Ejemplo", "ciudad": "Mocoa"},
        "persona": {"nombre": "Ana Pérez"},
        "asunto": subjects[flow.subject],
        "periodo": {"inicio": date(2009, 2, 1), "fin": date(2009, 7, 31)},
        # Only flows that repeat per criterion have an item; elsewhere naming it is a mistake.
        **({"item": {"numero": 12, "clave": "interaccion.buzon", "nombre": "Buzón de peticiones",
                     "fecha_meta": None}} if flow.for_each else {}),
        "respuestas": {q.id: "…" for q in flow.questions},
        "hoy": date(2009, 3, 2),
    }  # fmt: skip
