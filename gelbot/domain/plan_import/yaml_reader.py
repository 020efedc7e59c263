"""Read a plan de acción from YAML safely (no aliases, bounded size), pointing errors at lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from gelbot.domain.plan_import.errors import PlanImportError, _Place, _plan_error
from gelbot.domain.plan_import.models import MAX_ROWS, PlanDeAccion, _show

# libyaml is ~10x faster than the pure-Python parser on a 1 MB upload; its composer recurses
# without a limit, so _precheck_yaml bounds the nesting before anything is composed.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_MAX_YAML_DEPTH = 32
# The shipped plans take ~20–40 parser events per indicator; 500 rows fit with room to spare.
_MAX_YAML_EVENTS = 100_000


class _ImpossibleValue(Exception):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__(node.start_mark.line + 1)
        self.line = node.start_mark.line + 1
        self.value = node.value if isinstance(node.value, str) else ""


class _PlanLoader(_SafeLoader):
    """Safe loader that says on which line a value is impossible."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A 2009-02-30 date or a 5000-digit int make the constructors raise plain errors
        # that don't say where; this keeps the line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise _ImpossibleValue(node) from exc


def _precheck_yaml(text: str) -> None:
    """Refuse aliases, deep nesting and huge documents before building anything from them."""
    loader = _PlanLoader(text)
    try:
        depth = events = 0
        while loader.check_event():
            event = loader.get_event()
            events += 1
            mark = getattr(event, "start_mark", None)
            line = mark.line + 1 if mark is not None else None
            if isinstance(event, yaml.AliasEvent):
                # Aliases let a few lines expand into millions of values.
                raise PlanImportError(
                    f"Línea {line}: el YAML usa anclas o alias (& y *). Escriba cada valor "
                    "completo.",
                    line=line,
                )
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > _MAX_YAML_DEPTH:
                    raise PlanImportError(
                        f"Línea {line}: el YAML tiene demasiados niveles anidados. Un plan "
                        "necesita pocos: acciones → indicadores → campos.",
                        line=line,
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
            if events > _MAX_YAML_EVENTS:
                raise PlanImportError(
                    "El YAML es demasiado grande para un plan. Divídalo en varios archivos."
                )
    finally:
        loader.dispose()


def _parse_yaml(text: str) -> PlanDeAccion:
    loader: _PlanLoader | None = None
    try:
        _precheck_yaml(text)
        loader = _PlanLoader(text)
        root = loader.get_single_node()
        raw = loader.construct_document(root) if root is not None else None
    except _ImpossibleValue as exc:
        raise PlanImportError(
            f"Línea {exc.line}: «{_show(exc.value)}» no es un valor posible (una fecha que no "
            "existe o un número demasiado largo). Corríjalo.",
            line=exc.line,
        ) from None
    except yaml.reader.ReaderError as exc:
        raise PlanImportError(
            f"El archivo tiene un carácter que no es texto (posición {exc.position + 1}). "
            "Guárdelo como texto UTF-8."
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        where = f" en la línea {line}" if line is not None else ""
        raise PlanImportError(
            f"El archivo no es un YAML válido{where}. Revise la sangría, los dos puntos y las "
            "comillas cerca de esa línea.",
            line=line,
        ) from None
    except (yaml.YAMLError, RecursionError):
        raise PlanImportError(
            "No pude leer el YAML: tiene una forma que no reconozco. Revise el archivo."
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if isinstance(raw, list):
        raw = {"acciones": raw}
    if not isinstance(raw, dict) or "acciones" not in raw:
        raise PlanImportError(
            "El archivo no tiene la forma de un plan de acción: se esperaba «acciones:» con una "
            "lista de acciones (o un CSV con encabezado accion, beneficios, indicador, ...)."
        )
    if any(not isinstance(key, str) for key in raw):
        raise PlanImportError("Los nombres de los campos deben ser texto (por ejemplo «entidad:»).")
    _check_yaml_size(raw)
    try:
        return PlanDeAccion.model_validate(raw)
    except ValidationError as exc:
        raise _plan_error(exc, _yaml_locator(root)) from None


def _check_yaml_size(raw: dict[str, Any]) -> None:
    rows = 0
    for section in ("acciones", "proyectos"):
        items = raw.get(section)
        if not isinstance(items, list):
            continue
        for item in items:
            indicadores = item.get("indicadores") if isinstance(item, dict) else None
            rows += max(1, len(indicadores)) if isinstance(indicadores, list) else 1
    if rows > MAX_ROWS:
        raise PlanImportError(
            f"El plan tiene {rows} filas (una por indicador) y el máximo es {MAX_ROWS}. "
            "Divídalo en varios archivos."
        )


def _yaml_locator(root: yaml.Node | None) -> Callable[[tuple[int | str, ...]], _Place]:
    def locate(loc: tuple[int | str, ...]) -> _Place:
        parts: list[str] = []
        row: int | None = None
        rest = loc
        if len(rest) >= 2 and rest[0] in ("acciones", "proyectos") and isinstance(rest[1], int):
            row = rest[1] + 1
            parts.append(f"{'Acción' if rest[0] == 'acciones' else 'Proyecto'} {row}")
            rest = rest[2:]
            if len(rest) >= 2 and rest[0] == "indicadores" and isinstance(rest[1], int):
                parts.append(f"indicador {rest[1] + 1}")
                rest = rest[2:]
        if rest:
            parts.append(f"campo «{rest[0]}»")
            if len(rest) >= 2 and isinstance(rest[1], int):
                parts.append(f"elemento {rest[1] + 1}")
        line = _yaml_line(root, loc)
        where = ", ".join(parts) if parts else "el plan"
        if line is not None:
            where += f" (línea {line})"
        field_name = str(rest[0]) if rest else None
        return _Place(where[0].upper() + where[1:], row=row, line=line, field=field_name)

    return locate


def _yaml_line(root: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """The 1-based line of the deepest node of `loc` that exists in the YAML document."""
    node = root
    if node is None:
        return None
    path = list(loc)
    # A file that is just the list of acciones was wrapped in {"acciones": ...}.
    if isinstance(root, yaml.SequenceNode) and path[:1] == ["acciones"]:
        path = path[1:]
    line = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return line
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line
