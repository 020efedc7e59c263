"""One root: the database and the reminder dispatcher are built in one place each."""

from __future__ import annotations

import ast
from pathlib import Path

import gelbot

PACKAGE = Path(gelbot.__file__).parent


def _modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _calls(tree: ast.Module) -> set[str]:
    return {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):  # lazy imports inside functions count too
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_the_services_open_the_database() -> None:
    opening = {name for name, tree in _modules().items() if "make_engine" in _calls(tree)}
    assert opening == {"services.py"}


def test_only_one_module_builds_the_reminder_dispatcher_and_its_sender() -> None:
    modules = _modules()
    for built in ("Dispatcher", "TelegramSender", "SharedSlots"):
        building = {name for name, tree in modules.items() if built in _calls(tree)}
        assert building == {"telegram/reminder_dispatcher.py"}, built


def test_jobs_console_demo_and_cli_import_no_handler() -> None:
    reaching = {
        name: sorted(i for i in _imports(tree) if i.startswith("gelbot.telegram.handlers"))
        for name, tree in _modules().items()
        if name == "jobs.py" or name.split("/")[0] in ("console", "demo", "cli")
    }
    assert {name: found for name, found in reaching.items() if found} == {}
