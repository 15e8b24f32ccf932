"""Markdown text to `LoadedDocument` blocks: YAML front matter, headings, list items, pipe tables."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from assistant.ingest.doctitle import first_heading, stem_title
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import normalize

log = logging.getLogger(__name__)

_RE_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", re.S)
_RE_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RE_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RE_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_RE_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def load_markdown(text: str, name: str) -> LoadedDocument:
    text = text.lstrip("\ufeff")
    warnings: list[str] = []
    front, text = _split_front_matter(text, name, warnings)
    blocks = _markdown_blocks(_RE_COMMENT.sub("", text))
    title = str(front.get("title") or "") or first_heading(blocks) or stem_title(name)
    return LoadedDocument(path=name, format="md", title=title, blocks=blocks, front_matter=front, warnings=warnings)


def _split_front_matter(text: str, name: str, warnings: list[str]) -> tuple[dict[str, Any], str]:
    """The YAML front matter (dates as ISO strings) and the text after it; bad YAML is a warning."""
    m = _RE_FRONT_MATTER.match(text)
    if not m:
        return {}, text
    import yaml

    front: dict[str, Any] = {}
    try:
        loaded = yaml.safe_load(m.group(1))
        if isinstance(loaded, dict):
            front = {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in loaded.items()}
    except yaml.YAMLError as exc:
        warnings.append(f"文件“{name}”开头的元数据（YAML）格式有误，已忽略。")
        log.warning("bad front matter in %s: %s", name, exc)
    return front, text[m.end():]


@dataclass
class _Tables:
    """Which pipe table the current line belongs to: a blank or non-table line ends a table."""

    table_idx: int = -1
    row_idx: int = 0
    in_table: bool = False

    def end(self) -> None:
        self.in_table = False

    def next_row(self) -> tuple[int, int]:
        if not self.in_table:
            self.in_table, self.table_idx, self.row_idx = True, self.table_idx + 1, 0
        row = self.row_idx
        self.row_idx += 1
        return self.table_idx, row


def _markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    tables = _Tables()
    for raw in normalize(text).split("\n"):
        block = _line_block(raw.strip(), len(blocks), tables)
        if block is not None:
            blocks.append(block)
    return blocks


def _line_block(line: str, idx: int, tables: _Tables) -> Block | None:
    """The block of one Markdown line (None for blank lines and table separators)."""
    if not line:
        tables.end()
        return None
    hm = _RE_MD_HEADING.match(line)
    if hm:
        tables.end()
        return Block(text=hm.group(2), kind="heading", level=len(hm.group(1)), location=Location(paragraph=idx))
    if line.startswith("|") and line.count("|") >= 2:
        return _table_row(line, idx, tables)
    tables.end()
    lm = _RE_MD_LIST.match(line)
    if lm and not re.match(r"^\d+\.\d", line):
        return Block(text=lm.group(1), kind="list_item", location=Location(paragraph=idx))
    return Block(text=line, kind="paragraph", location=Location(paragraph=idx))


def _table_row(line: str, idx: int, tables: _Tables) -> Block | None:
    if _RE_MD_TABLE_SEP.match(line):
        return None
    table_idx, row_idx = tables.next_row()
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return Block(text=" | ".join(c for c in cells if c), kind="table_row", cells=cells,
                 location=Location(paragraph=idx, table=table_idx, row=row_idx))
