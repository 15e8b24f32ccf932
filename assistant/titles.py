"""Document titles and their short names (alias -> full title), read from the knowledge-base data.

A leaf module: the citation parser, the knowledge base and the evaluation converter all read
the same table from here, so neither `kb` nor `citations` needs to import the other.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.config import PROJECT_ROOT
from assistant.text_zh import normalize

PRC = "中华人民共和国"
#: The shipped alias table (Settings.knowledge_base_dir points elsewhere in a deployment).
ALIASES_FILE = PROJECT_ROOT / "knowledge_base" / "aliases.yaml"


@lru_cache(maxsize=4)
def _load_alias_file(path: str, mtime: float) -> dict[str, str]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    table: dict[str, str] = {}
    for title, aliases in (data.get("titles") or {}).items():
        title = normalize(str(title))
        table[title] = title
        if title.startswith(PRC):
            table.setdefault(title[len(PRC) :], title)
        for alias in aliases or []:
            table.setdefault(normalize(str(alias)), title)
    return table


def static_aliases(path: Path = ALIASES_FILE) -> dict[str, str]:
    """alias -> full title from knowledge_base/aliases.yaml (re-read when the file changes)."""
    if not path.exists():
        return {}
    return dict(_load_alias_file(str(path), path.stat().st_mtime))
