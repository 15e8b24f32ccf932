"""DOCX tables as rows of cell texts: merged cells, content controls, nested tables (depth-limited)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant.ingest.docx_styles import W
from assistant.text_zh import normalize

MAX_TABLE_DEPTH = 3


def table_rows(tbl: Any, document: Any, depth: int = 0) -> Iterator[list[str]]:
    """Rows as cell texts; a horizontally merged cell appears once, vertical continuations empty."""
    for tr in tbl.iterchildren(f"{W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{W}tc"):
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(f"{W}val") in (None, "continue"):
                cells.append("")
                continue
            cells.append(_cell_text(tc, document, depth))
        # content controls wrapping cells
        for sdt in tr.iterchildren(f"{W}sdt"):
            content = sdt.find(f"{W}sdtContent")
            if content is not None:
                for tc in content.iterchildren(f"{W}tc"):
                    cells.append(_cell_text(tc, document, depth))
        yield cells


def _cell_text(tc: Any, document: Any, depth: int) -> str:
    return "\n".join(part for child in tc.iterchildren() for part in _cell_parts(child, document, depth))


def _cell_parts(child: Any, document: Any, depth: int) -> list[str]:
    """Non-empty texts of one child of a cell: a paragraph, a nested table's rows, a content control."""
    if child.tag == f"{W}p":
        from docx.text.paragraph import Paragraph

        return _non_empty(normalize(Paragraph(child, document).text))
    if child.tag == f"{W}tbl":
        return _nested_table_parts(child, document, depth)
    if child.tag == f"{W}sdt":
        return _non_empty(normalize("".join(child.itertext())))
    return []


def _nested_table_parts(tbl: Any, document: Any, depth: int) -> list[str]:
    """A nested table row by row; below MAX_TABLE_DEPTH its text in one piece."""
    if depth + 1 >= MAX_TABLE_DEPTH:
        return _non_empty(normalize("".join(tbl.itertext())))
    rows = (" | ".join(c for c in cells if c) for cells in table_rows(tbl, document, depth + 1))
    return [row for row in rows if row]


def _non_empty(text: str) -> list[str]:
    return [text] if text else []
