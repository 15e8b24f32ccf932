"""Layering rules of ../shared/ARCHITECTURE.md, enforced with `ast`."""

from __future__ import annotations

import ast
from pathlib import Path

from assistant.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "assistant"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_ui_imports_gradio() -> None:
    offenders = [
        str(p.relative_to(PROJECT_ROOT))
        for p in _package_files()
        if "ui" not in p.relative_to(PACKAGE).parts
        and any(n == "gradio" or n.startswith("gradio.") for n in _imports(p))
    ]
    assert offenders == []


def test_the_ui_does_not_import_the_rest_api() -> None:
    """Only ui/server.py (which mounts the UI on the REST app) may import assistant.api."""
    offenders = [
        str(p.relative_to(PROJECT_ROOT))
        for p in _package_files()
        if "ui" in p.relative_to(PACKAGE).parts
        and p.name != "server.py"
        and any(n == "assistant.api" or n.startswith("assistant.api.") for n in _imports(p))
    ]
    assert offenders == []


def test_library_never_imports_eval_or_app() -> None:
    offenders = [
        str(p.relative_to(PROJECT_ROOT))
        for p in _package_files()
        if any(n.split(".")[0] in {"eval", "app"} for n in _imports(p))
    ]
    assert offenders == []


def test_cli_and_python_m_entry_points_exist() -> None:
    from assistant.cli import build_parser

    parser = build_parser()
    assert parser.prog == "tender-assistant"
    assert (PACKAGE / "__main__.py").exists()
