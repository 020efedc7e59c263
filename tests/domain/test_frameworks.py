"""The Decreto 1151 framework as shipped, its helpers, and the errors for broken framework files."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml

from gelbot.domain.frameworks import (
    Framework,
    FrameworkError,
    available_frameworks,
    compliance,
    default_framework,
    get_framework,
    load_framework,
)

SHIPPED = resources.files("gelbot").joinpath("data", "frameworks", "decreto_1151.yaml")


def test_shipped_framework_has_the_five_phases_in_order() -> None:
    framework = default_framework()
    assert framework.id == "decreto_1151"
    assert [p.key for p in framework.phases] == [
        "informacion",
        "interaccion",
        "transaccion",
        "transformacion",
        "democracia",
    ]
    assert [p.name for p in framework.phases] == [
        "Información",
        "Interacción",
        "Transacción",
        "Transformación",
        "Democracia",
    ]


def test_criteria_per_phase_as_transcribed_from_seed_004() -> None:
    counts = {p.key: len(p.criteria) for p in default_framework().phases}
    assert counts == {
        "informacion": 47,
        "interaccion": 13,
        "transaccion": 11,
        "transformacion": 19,
        "democracia": 6,
    }


def test_granularity_reproduces_the_informe_percentages() -> None:
    # Seed 000 reports 98 % of información and 69 % of interacción: 46/47 and 9/13.
    framework = default_framework()
    informacion, interaccion = framework.phase("informacion"), framework.phase("interaccion")
    assert round(compliance(informacion, [c.key for c in informacion.criteria][:46]) * 100) == 98
    assert round(compliance(interaccion, [c.key for c in interaccion.criteria][:9]) * 100) == 69


@pytest.mark.parametrize(
    ("phase", "nacional", "territorial"),
    [
        ("informacion", date(2008, 6, 1), date(2008, 11, 1)),
        ("interaccion", date(2008, 12, 1), date(2009, 12, 1)),
        ("transaccion", date(2009, 12, 1), date(2010, 12, 1)),
        ("transformacion", date(2010, 6, 1), date(2011, 12, 1)),
        ("democracia", date(2010, 12, 1), date(2012, 12, 1)),
    ],
)
def test_deadlines_are_those_of_decreto_1151(phase: str, nacional: date, territorial: date) -> None:
    found = default_framework().phase(phase)
    assert found.deadline_for("nacional") == nacional
    assert found.deadline_for("territorial") == territorial


def test_criterion_names_are_the_documents_words() -> None:
    framework = default_framework()

    def names(phase: str) -> list[str]:
        return [c.name for c in framework.phase(phase).criteria]

    assert names("informacion")[:2] == [
        "Información básica en el Portal del Estado Colombiano",
        "Misión y visión",
    ]
    assert "Metas, indicadores de gestión y/o desempeño y resultados" in names("informacion")
    assert names("informacion")[-1] == "Tiempo de despliegue"
    assert "Buzón de peticiones, quejas y reclamos" in names("interaccion")
    # Split across a page break in the seed, joined here.
    assert "Suscripción a servicios de información al correo electrónico" in names("interaccion")
    assert "Consulta del estado de un trámite y/o servicio" in names("transaccion")
    assert "Ventanillas únicas virtuales y/o cadenas de trámites" in names("transformacion")
    assert names("democracia")[-1] == (
        "Información, trámites y servicios dirigidos a población vulnerable"
    )
    assert framework.criterion("informacion.mision_vision").group == "Acerca de la Entidad"


def test_level_matrices_are_one_graded_criterion_each() -> None:
    framework = default_framework()
    etapas = framework.criterion("interaccion.etapas_tramites")
    assert len(etapas.levels) == 9
    assert (etapas.levels[0], etapas.levels[-1]) == ("Bajo Bajo", "Alto Alto")
    assert framework.criterion("transformacion.flujos_sistemas").levels == ("Bajo", "Medio", "Alto")
    assert framework.criterion("informacion.organigrama").levels == ()


def test_criterion_keys_are_ascii_unique_and_prefixed_by_their_phase() -> None:
    framework = default_framework()
    keys = [c.key for p in framework.phases for c in p.criteria]
    assert len(keys) == len(set(keys)) == 96
    for phase in framework.phases:
        assert all(c.key.startswith(phase.key + ".") for c in phase.criteria)
    assert all(k.isascii() for k in keys)


def test_compliance_is_the_share_of_the_phase_met() -> None:
    democracia = default_framework().phase("democracia")
    assert compliance(democracia, set()) == 0.0
    assert compliance(democracia, democracia.criterion_keys()) == 1.0
    # Keys of other phases (or unknown ones) don't count.
    met = {
        "democracia.poblacion_vulnerable",
        "democracia.consulta_en_linea",
        "informacion.glosario",
    }
    assert compliance(democracia, met) == pytest.approx(2 / 6)


def test_lookups() -> None:
    framework = default_framework()
    assert framework.phase_of("transaccion.otro_idioma").key == "transaccion"
    assert framework.criterion("democracia.poblacion_vulnerable").name.startswith("Información")
    with pytest.raises(FrameworkError, match=re.escape("no tiene la fase «gobernanza»")):
        framework.phase("gobernanza")
    with pytest.raises(FrameworkError, match=re.escape("no tiene el criterio «informacion.x»")):
        framework.criterion("informacion.x")
    with pytest.raises(FrameworkError, match=re.escape("Orden «departamental» desconocido")):
        framework.phase("informacion").deadline_for("departamental")


def test_shipped_frameworks_are_found_as_package_data() -> None:
    # importlib.resources finds the file both in a checkout and in an installed wheel.
    assert SHIPPED.is_file()
    assert load_framework(SHIPPED) == default_framework()
    assert list(available_frameworks()) == [
        "decreto_1151",
        "decreto_767",
        "res1519_accesibilidad",
        "res1519_transparencia",
    ]
    assert get_framework("decreto_1151") == default_framework()
    assert default_framework() is default_framework()  # cached, and frozen so that is safe
    for wrong in ("decreto_2573", "../frameworks/decreto_1151", ""):
        with pytest.raises(FrameworkError, match=re.escape("No existe el marco")):
            get_framework(wrong)


# --- broken framework files ----------------------------------------------------------------


def _shipped_data() -> dict[str, object]:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: object, name: str = "marco.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _phases(data: dict[str, object]) -> list[dict[str, object]]:
    phases = data["phases"]
    assert isinstance(phases, list)
    return phases


def test_a_copy_of_the_shipped_file_loads_from_any_path(tmp_path: Path) -> None:
    framework = load_framework(_write(tmp_path, _shipped_data()))
    assert isinstance(framework, Framework)
    assert framework == default_framework()
    assert load_framework(str(tmp_path / "marco.yaml")) == framework


def test_bad_deadline_names_file_phase_and_field(tmp_path: Path) -> None:
    data = _shipped_data()
    deadlines = _phases(data)[1]["deadlines"]
    assert isinstance(deadlines, dict)
    deadlines["territorial"] = 2009  # a year is not a date
    with pytest.raises(FrameworkError) as caught:
        load_framework(_write(tmp_path, data))
    message = str(caught.value)
    assert message.startswith("marco.yaml, fase 2 («interaccion»)")
    assert "campo «deadlines.territorial»" in message
    assert "fecha" in message


def test_repeated_criterion_key_is_refused(tmp_path: Path) -> None:
    data = _shipped_data()
    criteria = _phases(data)[2]["criteria"]
    assert isinstance(criteria, list)
    criteria[1]["key"] = "informacion.mision_vision"
    with pytest.raises(FrameworkError) as caught:
        load_framework(_write(tmp_path, data))
    message = str(caught.value)
    assert "marco.yaml" in message
    assert "fase 3 («transaccion»), criterio 2, campo «key»" in message
    assert "ya se usa en la fase «informacion»" in message


def test_phases_out_of_order_are_refused(tmp_path: Path) -> None:
    data = _shipped_data()
    phases = _phases(data)
    phases[0], phases[1] = phases[1], phases[0]
    with pytest.raises(
        FrameworkError, match=re.escape("fase «informacion», campo «deadlines.nacional»")
    ):
        load_framework(_write(tmp_path, data))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda c: c.pop("name"),
            "criterio 3 («informacion.objetivos_funciones»), campo «name»: falta",
        ),
        (
            lambda c: c.update(key="Información.X"),
            "criterio 3 («Información.X»), campo «key»: use solo",
        ),
        (lambda c: c.update(nombre="typo"), "campo «nombre»: no es un campo conocido"),
        (lambda c: c.update(levels=["Bajo", "Bajo"]), "el nivel «Bajo» está repetido"),
    ],
)
def test_bad_criterion_fields(tmp_path: Path, change: object, expected: str) -> None:
    data = _shipped_data()
    criteria = _phases(data)[0]["criteria"]
    assert isinstance(criteria, list) and callable(change)
    change(criteria[2])
    with pytest.raises(FrameworkError) as caught:
        load_framework(_write(tmp_path, data))
    assert str(caught.value).startswith("marco.yaml, fase 1 («informacion»)")
    assert expected in str(caught.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match=re.escape("no_existe.yaml: no se pudo leer")):
        load_framework(tmp_path / "no_existe.yaml")
    broken = tmp_path / "roto.yaml"
    broken.write_text("id: x\nphases: [\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"roto.yaml: el YAML no es válido \(línea 3\)"):
        load_framework(broken)
    impossible = tmp_path / "imposible.yaml"
    impossible.write_text("id: x\nfecha: 2008-02-30\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=re.escape("imposible.yaml: el YAML tiene un valor")):
        load_framework(impossible)
    listed = _write(tmp_path, ["informacion"], "lista.yaml")
    with pytest.raises(FrameworkError, match=re.escape("lista.yaml: se esperaba un mapeo")):
        load_framework(listed)
    empty = _write(tmp_path, {"id": "vacio", "name": "Vacío", "phases": []}, "vacio.yaml")
    with pytest.raises(
        FrameworkError, match=re.escape("vacio.yaml, campo «phases»: no puede estar vacío")
    ):
        load_framework(empty)


# --- framework files of 2026: numerals, sources, calendar; `gelbot marcos check` -----------


def _transparency_data() -> dict[str, object]:
    shipped = resources.files("gelbot").joinpath("data", "frameworks", "res1519_transparencia.yaml")
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _item(data: dict[str, object], phase: int, item: int) -> dict[str, object]:
    criteria = _phases(data)[phase]["criteria"]
    assert isinstance(criteria, list)
    found = criteria[item]
    assert isinstance(found, dict)
    return found


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("numeral", "1.1", "campo «numeral»: «1.1» ya es el numeral de «transparencia.1_1»"),
        (
            "numeral",
            "uno",
            "criterio 2 («transparencia.1_2»), campo «numeral»: debe ser un numeral",
        ),
        ("due", "31-01", "criterio 2 («transparencia.1_2»), campo «due»: debe ser un día del año"),
        ("sources", ["S99"], "campo «sources»: «S99» no está en «sources» del marco"),
        ("periodicity", "quincenal", "campo «periodicity»: debe ser uno de: mensual, trimestral"),
        ("evidence_url", "quizás", "campo «evidence_url»: debe ser true o false"),
    ],
)
def test_malformed_items_name_file_section_item_and_field(
    tmp_path: Path, field: str, value: object, expected: str
) -> None:
    data = _transparency_data()
    _item(data, 0, 1)[field] = value
    with pytest.raises(FrameworkError) as caught:
        load_framework(_write(tmp_path, data, "res1519_transparencia.yaml"))
    message = str(caught.value)
    assert message.startswith("res1519_transparencia.yaml"), message
    assert "fase 1 («transparencia_1»)" in message, message
    assert expected in message, message


def test_marcos_check_validates_files_like_flows_check(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gelbot.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["marcos", "check"])
    assert result.exit_code == 0, result.output
    assert "✓ res1519_transparencia.yaml" in result.output
    assert "✓ decreto_1151.yaml" in result.output

    good = _write(tmp_path, _transparency_data(), "res1519_transparencia.yaml")
    broken = _transparency_data()
    _item(broken, 3, 2)["due"] = "02-30x"
    bad = _write(tmp_path, broken, "malo.yaml")
    twin = _transparency_data()
    twin["id"] = "gemelo"
    copy = _write(tmp_path, twin, "gemelo.yaml")
    result = runner.invoke(app, ["marcos", "check", str(good), str(bad), str(copy)])
    assert result.exit_code == 1
    assert "✓ res1519_transparencia.yaml" in result.output
    assert (
        "malo.yaml, fase 4 («transparencia_4»), criterio 3 («transparencia.4_3»), campo «due»"
        in result.output
    )
    # Two files may not share keys: committees store marks by item key.
    assert "gemelo.yaml: la clave de la fase «transparencia_1» ya la usa" in result.output
    assert "2 de 3 marcos con errores" in result.output


def test_a_broken_framework_file_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gelbot import app as app_module
    from gelbot.domain import frameworks
    from gelbot.settings import Settings

    broken = _shipped_data()
    _item(broken, 0, 0)["key"] = "Información"
    _write(tmp_path, broken, "decreto_1151.yaml")
    monkeypatch.setattr(frameworks, "_shipped_dir", lambda: tmp_path)
    frameworks.available_frameworks.cache_clear()
    try:
        settings = Settings(database_url=f"sqlite:///{tmp_path}/x.db", token=None, _env_file=None)  # type: ignore[call-arg]
        with pytest.raises(FrameworkError) as caught:
            app_module.build_application(settings)
        assert str(caught.value).startswith(
            "decreto_1151.yaml, fase 1 («informacion»), criterio 1 («Información»), campo «key»"
        )
    finally:
        frameworks.available_frameworks.cache_clear()
