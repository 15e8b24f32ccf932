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


# --------------------------------------------------------------------------- layers
#: Top-level modules of `assistant` by layer, lowest first. A module may import its own layer and
#: the layers below it, never a layer above (imports under TYPE_CHECKING count too).
LAYERS: dict[str, set[str]] = {
    "foundation": {"", "schema", "errors", "config", "config_doc", "config_errors", "text_zh", "versions", "logging_setup", "progress",
                   "prompts", "uploads", "titles", "housekeeping", "format_zh", "argparse_zh", "basic_auth", "memory",
                   "docx_export", "validation_zh"},
    "adapters": {"embeddings", "llm", "index", "ingest", "kb", "kb_sources", "citations", "testing", "article_notes"},
    "use_cases": {"retrieval", "qa", "review", "collusion"},
    "composition": {"services"},
    "delivery": {"api", "ui", "commands", "cli", "mcp_server", "__main__", "evaluation"},
}
#: (importer, imported) pairs allowed against the table, with the reason
ALLOWED_UPWARD = {
    ("kb", "review"): "the review rule catalogue (审查要点) is indexed as a knowledge-base document",
}


def _top(module: str) -> str:
    """'assistant.qa.chain' -> 'qa'; 'assistant' -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _rank(top: str) -> int:
    for i, members in enumerate(LAYERS.values()):
        if top in members:
            return i
    raise AssertionError(f"assistant.{top} has no layer: add it to LAYERS in tests/test_architecture.py")


def test_every_module_has_a_layer() -> None:
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _package_files()} - {"__init__"}
    missing = sorted(t for t in tops if not any(t in members for members in LAYERS.values()))
    assert missing == [], "add these to LAYERS in tests/test_architecture.py"


def test_no_layer_imports_a_layer_above_it() -> None:
    offenders = []
    for path in _package_files():
        parts = path.relative_to(PACKAGE).parts
        top = "" if parts == ("__init__.py",) else parts[0].removesuffix(".py")
        for name in _imports(path):
            if name != "assistant" and not name.startswith("assistant."):
                continue
            target = _top(name)
            if target == top or (top, target) in ALLOWED_UPWARD:
                continue
            if _rank(target) > _rank(top):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)} imports {name}")
    assert offenders == []


def test_the_layer_check_can_fail(tmp_path: Path) -> None:
    """A use case importing the composition root is caught (the rule above is not vacuous)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from assistant.services import Services\n", encoding="utf-8")
    assert _rank(_top(next(iter(_imports(bad))))) > _rank("qa")
