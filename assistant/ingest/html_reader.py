"""HTML to `LoadedDocument` blocks: headings, paragraphs, list items and table rows of the visible page.

Scripts, navigation, headers and footers are dropped. A page that puts its text straight into
<div>s (so the block tags hold less than half of it) is read line by line from the visible text.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.ingest.doctitle import first_heading, stem_title
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import compact_cjk, normalize

_HTML_BLOCK_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dd", "dt"]
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_INVISIBLE_TAGS = ["script", "style", "nav", "noscript", "template", "iframe", "svg", "header", "footer"]


def load_html(text: str, name: str) -> LoadedDocument:
    soup = _parse(text)
    html_title = normalize(soup.title.get_text()) if soup.title else ""
    root = soup.body or soup
    blocks = _visible_lines_if_richer(root, _tag_blocks(root))
    title = first_heading(blocks) or html_title or stem_title(name)
    return LoadedDocument(path=name, format="html", title=title, blocks=blocks)


def _parse(text: str) -> Any:
    """The parsed page without invisible parts; <br> becomes a line break."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception:  # lxml missing: the stdlib parser is slower but always there
        soup = BeautifulSoup(text, "html.parser")
    for tag in soup(_INVISIBLE_TAGS):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return soup


class _TableRows:
    """Table index (in order of first row) and row index within it, per <table> element."""

    def __init__(self) -> None:
        self.table_ids: dict[int, int] = {}
        self.row_counts: dict[int, int] = {}

    def next_row(self, table: Any) -> tuple[int, int]:
        tkey = id(table)
        if tkey not in self.table_ids:
            self.table_ids[tkey] = len(self.table_ids)
        r = self.row_counts.get(tkey, 0)
        self.row_counts[tkey] = r + 1
        return self.table_ids[tkey], r


def _tag_blocks(root: Any) -> list[Block]:
    """Blocks of the outermost block-level tags (a <p> inside an <li> is read with the <li>)."""
    blocks: list[Block] = []
    taken: set[int] = set()
    tables = _TableRows()
    for el in root.find_all(_HTML_BLOCK_TAGS):
        if any(id(parent) in taken for parent in el.parents):
            continue
        taken.add(id(el))
        if el.name == "tr":
            blocks.extend(_row_block(el, len(blocks), tables))
        else:
            blocks.extend(_text_blocks(el, len(blocks)))
    return blocks


def _row_block(tr: Any, idx: int, tables: _TableRows) -> list[Block]:
    table_idx, row_idx = tables.next_row(tr.find_parent("table"))
    cells = [normalize(c.get_text(" ")) for c in tr.find_all(["td", "th"], recursive=False)]
    if not any(cells):
        return []
    return [Block(text=" | ".join(c for c in cells if c), kind="table_row", cells=cells,
                  location=Location(paragraph=idx, table=table_idx, row=row_idx))]


def _text_blocks(el: Any, start: int) -> list[Block]:
    """A heading as one block; other tags one block per non-blank line, numbered from `start`."""
    content = normalize(el.get_text(""))
    if not content:
        return []
    if el.name in _HEADING_TAGS:
        return [Block(text=compact_cjk(content.replace("\n", " ")), kind="heading",
                      level=int(el.name[1]), location=Location(paragraph=start))]
    kind = "list_item" if el.name == "li" else "paragraph"
    lines = [line.strip() for line in content.split("\n") if line.strip()]
    return [Block(text=line, kind=kind, location=Location(paragraph=start + i)) for i, line in enumerate(lines)]


def _visible_lines_if_richer(root: Any, blocks: list[Block]) -> list[Block]:
    """Pages that put text straight into <div>s: fall back to the visible text, line by line."""
    full_text = normalize(root.get_text("\n"))
    got = sum(len(b.text) for b in blocks)
    if len(re.sub(r"\s", "", full_text)) <= 2 * max(got, 1):
        return blocks
    headings = {b.text: b.level for b in blocks if b.kind == "heading"}
    lines = [line.strip() for line in full_text.split("\n") if line.strip()]
    out: list[Block] = []
    for line in lines:
        lvl = headings.get(compact_cjk(line))
        out.append(Block(text=line, kind="heading" if lvl else "paragraph", level=lvl,
                         location=Location(paragraph=len(out))))
    return out
