"""Reading plan de acción files: the seeds' plans, the errors a person sees, and fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gelbot.domain.plan_import import (
    CSV_COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    PlanDeAccion,
    PlanImportError,
    parse_plan,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "planes"
HEADER = ",".join(CSV_COLUMNS)
GOOD_ROW = ",".join(
    [
        "Actualizar el sitio web",
        "Información al día",
        "Actualizaciones",
        "1",
        "veces",
        "semanal",
        "Publicar",
        "Editor",
        "Sitio",
        "1 año",
    ]
)


def example(name: str) -> PlanDeAccion:
    return parse_plan((EXAMPLES / name).read_bytes(), name)


def refused(text: str, filename: str) -> PlanImportError:
    with pytest.raises(PlanImportError) as caught:
        parse_plan(text.encode("utf-8"), filename)
    return caught.value


# --- the shipped examples --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "acciones", "proyectos", "indicadores"),
    [
        ("puerto_santander_2008.yaml", 6, 0, 11),
        ("chitaga.yaml", 7, 0, 7),
        ("chitaga.csv", 7, 0, 7),
        ("mocoa_2009.yaml", 7, 9, 25),
    ],
)
def test_example_plans_have_the_seed_rows(
    name: str, acciones: int, proyectos: int, indicadores: int
) -> None:
    plan = example(name)
    assert (len(plan.acciones), len(plan.proyectos), len(plan.indicadores())) == (
        acciones,
        proyectos,
        indicadores,
    )


def test_puerto_santander_weekly_web_site_update() -> None:
    plan = example("puerto_santander_2008.yaml")
    assert (plan.municipio, plan.departamento, plan.vigencia) == (
        "Puerto Santander",
        "Norte de Santander",
        2008,
    )
    site = plan.acciones[0].indicadores[0]
    assert site.nombre == "Número de veces que se actualiza el sitio Web por semana"
    assert (site.meta, site.frecuencia, site.meta_texto) == (
        1,
        "semanal",
        "Mínimo 1 vez a la semana",
    )
    assert site.clave == "sitio_web_semanal"
    assert plan.acciones[0].responsables == [
        "Alcalde Municipal",
        "Jefes de Despacho",
        "Editor de contenidos",
        "Autores de contenidos de la comunidad",
    ]
    democracia = plan.acciones[2].indicadores[-1]
    assert (democracia.meta, democracia.unidad) == (5, "%")


def test_chitaga_monthly_update_twelve_times_a_year() -> None:
    plan = example("chitaga.yaml")
    monthly = [i for i in plan.indicadores() if i.meta_texto == "12 veces al año"]
    assert [(i.nombre, i.meta, i.frecuencia) for i in monthly] == [
        ("Actualización mensual", 1, "mensual"),
        ("Actualización mensual", 1, "mensual"),
    ]
    tramites = plan.acciones[2].indicadores[0]
    assert (tramites.meta, tramites.frecuencia, tramites.meta_texto) == (
        1,
        "semestral",
        "2 veces al año",
    )
    # A meta the document gives only in words keeps its words and no number.
    visitas = plan.acciones[6].indicadores[0]
    assert visitas.meta is None
    assert visitas.meta_texto == "Propagar en todos los espacios el sitio web"


def test_chitaga_csv_and_yaml_are_the_same_plan() -> None:
    assert example("chitaga.csv") == example("chitaga.yaml")
    header = (EXAMPLES / "chitaga.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[: len(CSV_COLUMNS)] == list(CSV_COLUMNS)


def test_mocoa_keeps_formulas_and_the_project_matrix() -> None:
    plan = example("mocoa_2009.yaml")
    assert plan.acciones[0].accion == "Reunión del comité GEL en el Orden Territorial"
    assert plan.acciones[0].indicadores[0].meta_texto == "Mensual"
    noticias = plan.acciones[0].indicadores[2]
    assert (noticias.meta, noticias.frecuencia, noticias.meta_texto) == (
        15,
        "mensual",
        "1 cada 2 días",
    )
    convenios = plan.proyectos[1].indicadores[0]
    assert convenios.formula == "No de convenios realizados /2x100"
    assert (convenios.meta, convenios.frecuencia) == (2, "unica")
    assert plan.proyectos[0].fase == "interacción"
    assert len(plan.proyectos[5].indicadores) == 2
    # Five phase indicators but four metas in the resolution: democracia has none.
    assert plan.acciones[3].indicadores[-1].meta is None


# --- what a person may send ------------------------------------------------------------------


def test_csv_from_a_spanish_spreadsheet() -> None:
    # Excel in a Spanish locale: «;» separator, cp1252, headers as in the seeds, decimal comma.
    text = (
        "Acción;Beneficios para los ciudadanos;Indicadores de gestión;Metas;Frecuencia;"
        "Responsables\n"
        "Publicar contratos;Transparencia;Contratos publicados;12,5%;Mensual;"
        "Jurídica | Planeación\n"
        ";;Quejas atendidas;3;Única;\n"
    )
    plan = parse_plan(text.encode("cp1252"), "plan.csv")
    (accion,) = plan.acciones
    assert accion.responsables == ["Jurídica", "Planeación"]
    assert [(i.meta, i.unidad, i.frecuencia) for i in accion.indicadores] == [
        (12.5, "%", "mensual"),
        (3, None, "unica"),
    ]


def test_format_is_sniffed_when_the_name_does_not_say() -> None:
    csv_text = f"{HEADER}\n{GOOD_ROW}\n"
    yaml_text = (
        "- accion: Actualizar el sitio web\n"
        "  responsables: Editor\n"
        "  indicadores: [{nombre: Actualizaciones, meta: 1, frecuencia: semanal}]\n"
    )
    from_csv = parse_plan(csv_text.encode(), "plan.txt")
    from_yaml = parse_plan(yaml_text.encode(), "plan")
    assert from_csv.acciones[0].accion == from_yaml.acciones[0].accion == "Actualizar el sitio web"
    assert from_yaml.acciones[0].responsables == ["Editor"]


# --- errors name the row and the field -------------------------------------------------------


def test_csv_bad_meta_names_line_and_field() -> None:
    error = refused(f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace(',1,', ',muchas,')}\n", "plan.csv")
    assert error.message == (
        "Fila 3, campo «meta»: «muchas» no es un número. Escriba un número, por ejemplo 12."
    )
    assert (error.row, error.field) == (3, "meta")


def test_csv_bad_frequency() -> None:
    error = refused(f"{HEADER}\n{GOOD_ROW.replace('semanal', 'quincenal')}\n", "plan.csv")
    assert error.message.startswith("Fila 2, campo «frecuencia»: «quincenal» no es una frecuencia")
    assert "semanal, mensual, trimestral, semestral, anual, unica" in error.message


def test_csv_missing_responsable_and_missing_column() -> None:
    error = refused(f"{HEADER}\n{GOOD_ROW.replace(',Editor,', ',,')}\n", "plan.csv")
    assert error.message.startswith("Fila 2, campo «responsables»: falta.")
    assert "cargo o persona" in error.message
    error = refused("accion,indicador,meta,responsables\nA,B,1,C\n", "plan.csv")
    assert error.message.startswith("Fila 1: falta la columna «frecuencia».")
    error = refused(f"{HEADER},observaciones\n", "plan.csv")
    assert "la columna «observaciones» no es conocida" in error.message


def test_csv_wrong_type_and_conflicting_rows() -> None:
    error = refused(f"{HEADER},vigencia\n{GOOD_ROW},dos mil nueve\n", "plan.csv")
    assert error.message.startswith("Fila 2, campo «vigencia»: «dos mil nueve» no es un año")
    error = refused(f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('Editor', 'Alcalde')}\n", "plan.csv")
    assert error.message.startswith("Fila 3, campo «responsables»: no coincide con la fila 2")
    error = refused(f"{HEADER}\n{GOOD_ROW.replace(',1,', ',1.000,')}\n", "plan.csv")
    assert "«1.000» es ambiguo" in error.message
    error = refused(f"{HEADER}\n{GOOD_ROW.replace(',1,', ',,')}\n", "plan.csv")
    assert (
        error.message == "Fila 2, campo «meta»: falta la meta. Escriba un número, por ejemplo 12."
    )


def test_yaml_errors_name_the_accion_the_field_and_the_line() -> None:
    text = (
        "entidad: Alcaldía\n"
        "acciones:\n"
        "  - accion: Publicar\n"
        "    responsables: [Editor]\n"
        "    indicadores:\n"
        "      - nombre: Actualizaciones\n"
        "        meta: 1\n"
        "        frecuencia: semanal\n"
        "  - accion: [no, es, texto]\n"
        "    responsables: [Editor]\n"
        "    indicadores:\n"
        "      - nombre: Quejas\n"
        "        meta: 3\n"
        "        frecuencia: cada rato\n"
    )
    error = refused(text, "plan.yaml")
    lines = error.message.splitlines()
    assert lines[0].startswith("Acción 2, campo «accion» (línea 9): debe ser texto, no una lista.")
    assert lines[1].startswith(
        "Acción 2, indicador 1, campo «frecuencia» (línea 14): «cada rato» no es una frecuencia"
    )
    assert (error.row, error.field, error.line) == (2, "accion", 9)


def test_yaml_missing_and_unknown_fields() -> None:
    text = (
        "acciones:\n"
        "  - accion: Publicar\n"
        "    beneficio: typo\n"
        "    indicadores: [{nombre: Actualizaciones, meta: 1, frecuencia: semanal}]\n"
    )
    message = refused(text, "plan.yml").message
    assert "Acción 1, campo «responsables» (línea 2): falta." in message
    assert "Acción 1, campo «beneficio» (línea 3): no es un campo conocido." in message
    assert "Los campos válidos aquí son: accion, beneficios," in message


def test_more_places_errors_point_at() -> None:
    assert refused(f"{HEADER}\n", "plan.csv").message.startswith(
        "El archivo no tiene filas debajo del encabezado"
    )
    # A file that is only the list of acciones still gets its lines right.
    listed = "- accion: Publicar\n  responsables: [Editor]\n  indicadores: [{nombre: A}]\n"
    error = refused(listed, "plan.yaml")
    assert error.message.startswith("Acción 1, indicador 1, campo «frecuencia» (línea 3): falta.")
    proyecto = (
        "acciones:\n"
        "  - {accion: A, responsables: B, indicadores: [{nombre: C, meta: 1, frecuencia: anual}]}\n"
        "proyectos:\n"
        "  - proyecto: Convenios\n"
        "    indicadores: [{nombre: Convenios, meta: dos, frecuencia: unica}]\n"
    )
    assert refused(proyecto, "plan.yaml").message.startswith(
        "Proyecto 1, indicador 1, campo «meta» (línea 5): «dos» no es un número."
    )
    twice = f"{HEADER},clave\n{GOOD_ROW},web\n{GOOD_ROW},web\n"
    assert "la clave de indicador «web» está repetida" in refused(twice, "plan.csv").message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "no tiene la forma de un plan de acción"),
        ("solo texto", "no tiene la forma de un plan de acción"),
        ("acciones: [\n", "no es un YAML válido en la línea 2"),
        ("a: &x [1]\nacciones: *x\n", "Línea 2: el YAML usa anclas o alias"),
        ("acciones: " + "[" * 100, "demasiados niveles"),
        ("fecha: 2009-02-30\nacciones: []\n", "Línea 1: «2009-02-30» no es un valor posible"),
        (
            "fecha: 2009-13-01x\nacciones: []\n",
            "Campo «fecha» (línea 1): «2009-13-01x» no es una fecha",
        ),
        ("vigencia: true\nacciones: []\n", "Campo «vigencia» (línea 1): «True» no es un año"),
        ("acciones: []\n", "Campo «acciones» (línea 1): está vacío."),
    ],
)
def test_yaml_files_that_are_not_plans(text: str, expected: str) -> None:
    assert expected in refused(text, "plan.yaml").message


def test_limits() -> None:
    big = b"#" * (MAX_BYTES + 1)
    with pytest.raises(PlanImportError, match="el máximo es 1 MB"):
        parse_plan(big, "plan.csv")
    rows = "\n".join([HEADER] + [GOOD_ROW.replace("Actualizar", f"Acción {n}") for n in range(501)])
    assert "más de 500 filas" in refused(rows, "plan.csv").message
    at_limit = "\n".join(
        [HEADER] + [GOOD_ROW.replace("Actualizar", f"A{n}") for n in range(MAX_ROWS)]
    )
    assert len(parse_plan(at_limit.encode(), "plan.csv").acciones) == MAX_ROWS
    row = "  - {accion: a, responsables: b, indicadores: [{nombre: c, meta: 1, frecuencia: anual}]}"
    many = "acciones:\n" + f"{row}\n" * 501
    assert f"el máximo es {MAX_ROWS}" in refused(many, "plan.yaml").message
    with pytest.raises(PlanImportError, match="Guárdela como CSV"):
        parse_plan(b"PK\x03\x04rest-of-a-zip", "plan.xlsx")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_told_its_encoding(encoding: str) -> None:
    # Excel's «Texto Unicode»: the columns are there, but not in UTF-8.
    text = "\n".join([HEADER, GOOD_ROW])
    with pytest.raises(PlanImportError) as caught:
        parse_plan(text.encode(encoding), "plan.csv")
    assert caught.value.message.startswith("El archivo no está en UTF-8: está en UTF-16")
    assert "Guárdelo como CSV UTF-8" in caught.value.message


# --- fuzzing: bad input only ever raises PlanImportError -------------------------------------

NAMES = st.sampled_from(["plan.yaml", "plan.yml", "plan.csv", "plan.tsv", "plan.txt", "plan"])


def _parses_or_refuses(data: bytes, filename: str) -> None:
    try:
        parse_plan(data, filename)
    except PlanImportError as error:
        assert error.message.strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), NAMES)
def test_random_bytes_only_raise_plan_import_error(data: bytes, filename: str) -> None:
    _parses_or_refuses(data, filename)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000), NAMES)
def test_random_text_only_raises_plan_import_error(text: str, filename: str) -> None:
    _parses_or_refuses(text.encode("utf-8"), filename)


_KEYS = st.sampled_from(
    [
        "acciones",
        "proyectos",
        "accion",
        "proyecto",
        "indicadores",
        "nombre",
        "meta",
        "meta_texto",
        "frecuencia",
        "unidad",
        "clave",
        "responsables",
        "actividades",
        "vigencia",
        "fecha",
        "entidad",
        "otro",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    st.text(max_size=20),
    st.sampled_from(["mensual", "Única", "100%", "12,5", "1.000", "", "2009", "a | b"]),
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_KEYS, _TREES, max_size=6))
def test_yaml_shaped_like_a_plan_only_raises_plan_import_error(data: dict[str, object]) -> None:
    _parses_or_refuses(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "plan.yaml")


_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "1", "100%", "mensual", "unica", "a | b", "x,y", '"', "1.000", "2009"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=12), max_size=8), st.sampled_from([",", ";", "\t"]))
def test_csv_shaped_like_a_plan_only_raises_plan_import_error(
    rows: list[list[str]], delimiter: str
) -> None:
    lines = [delimiter.join([*CSV_COLUMNS, "vigencia", "meta_texto"])]
    lines += [delimiter.join(row) for row in rows]
    _parses_or_refuses("\n".join(lines).encode("utf-8"), "plan.csv")
