"""Document titles and their short names (alias -> full title), from the knowledge-base data.

One table of titles: `manifest.yaml` (every shipped document: title, aliases, 文号) plus the
`titles:` section of `aliases.yaml`, which only lists documents the product does NOT ship but
that practitioners cite by short name (a reference to them resolves once a user adds them).
The citation parser, the knowledge base, the review catalogue and metadata inference read it
from here, so neither `kb` nor `citations` needs to import the other.

The folder is `Settings.knowledge_base_dir`; `services.py` calls `use_knowledge_base_dir()`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.config import resource_dir
from assistant.text_zh import normalize

PRC = "中华人民共和国"
#: The shipped knowledge-base folder (the default of Settings.knowledge_base_dir).
DEFAULT_KB_DIR = resource_dir("knowledge_base")
ALIASES_FILE = DEFAULT_KB_DIR / "aliases.yaml"

_state_lock = threading.Lock()
_kb_dir: Path = DEFAULT_KB_DIR


@dataclass(frozen=True)
class TitleFacts:
    """What the manifest states about a document (used to fill in metadata of user copies)."""

    title: str
    aliases: tuple[str, ...] = ()
    doc_number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    shipped: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def use_knowledge_base_dir(path: Path) -> None:
    """Point title lookups at a deployment's knowledge-base folder (called by services.py)."""
    global _kb_dir
    with _state_lock:
        _kb_dir = Path(path)


def knowledge_base_dir() -> Path:
    return _kb_dir


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=8)
def _load_facts(kb_dir: str, _m1: float, _m2: float) -> tuple[TitleFacts, ...]:
    folder = Path(kb_dir)
    facts: dict[str, TitleFacts] = {}
    for entry in _read_yaml(folder / "manifest.yaml").get("documents") or []:
        if not isinstance(entry, dict) or not entry.get("title") or entry.get("kind") == "review_catalogue":
            continue
        title = normalize(str(entry["title"]))
        facts[title] = TitleFacts(
            title=title,
            aliases=tuple(normalize(str(a)) for a in entry.get("aliases") or []),
            doc_number=normalize(str(entry["doc_number"])) if entry.get("doc_number") else None,
            doc_type=str(entry["doc_type"]) if entry.get("doc_type") else None,
            issuer=str(entry["issuer"]) if entry.get("issuer") else None,
            shipped=True,
        )
    for title, aliases in (_read_yaml(folder / "aliases.yaml").get("titles") or {}).items():
        title = normalize(str(title))
        if title not in facts:
            facts[title] = TitleFacts(title=title, aliases=tuple(normalize(str(a)) for a in aliases or []))
    return tuple(facts.values())


def title_facts(kb_dir: Path | None = None) -> tuple[TitleFacts, ...]:
    """Every known document title with its aliases (manifest first, then aliases.yaml)."""
    folder = Path(kb_dir) if kb_dir else _kb_dir
    return _load_facts(str(folder), _mtime(folder / "manifest.yaml"), _mtime(folder / "aliases.yaml"))


def facts_for(title: str, kb_dir: Path | None = None) -> TitleFacts | None:
    """The known facts of a title (with or without 中华人民共和国), or None."""
    name = normalize(title).strip()
    short = name.removeprefix(PRC)
    for facts in title_facts(kb_dir):
        if facts.title == name or facts.title.removeprefix(PRC) == short:
            return facts
    return None


def static_aliases(kb_dir: Path | None = None) -> dict[str, str]:
    """alias / short title / 文号 -> full title for every known document."""
    table: dict[str, str] = {}
    for facts in title_facts(kb_dir):
        table[facts.title] = facts.title
        if facts.title.startswith(PRC):
            table.setdefault(facts.title[len(PRC):], facts.title)
        for alias in (*facts.aliases, facts.doc_number or ""):
            if alias:
                table.setdefault(alias, facts.title)
    return table
