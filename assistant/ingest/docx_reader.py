"""DOCX to `LoadedDocument` blocks: body paragraphs (headings, list items) and table rows, in order.

The ZIP is checked for decompression bombs (`zipguard`) before python-docx opens it, and the
block limit is enforced while walking, so a huge document stops early.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

from assistant.config import LimitsSettings
from assistant.errors import InputFileError
from assistant.ingest.doctitle import stem_title, title_line
from assistant.ingest.docx_styles import DocxStyles, W
from assistant.ingest.docx_tables import table_rows
from assistant.ingest.guards import check_block_count
from assistant.ingest.zipguard import check_inflated_size, check_zip_bomb
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import normalize


def load_docx(data: bytes, name: str, limits: LimitsSettings | None = None) -> LoadedDocument:
    limits = limits or LimitsSettings()
    check_zip_bomb(data, name)
    check_inflated_size(data, name, limits)
    document = _open(data, name)
    try:
        blocks = _body_blocks(document, name, limits)
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(
            f"文件“{name}”内容结构异常，无法完整读取，请在 Word 中另存后再上传。",
            f"docx walk failed on {name}: {type(exc).__name__}: {exc}",
        ) from exc
    core_title = ""
    with contextlib.suppress(Exception):
        core_title = normalize(document.core_properties.title or "")
    title = _first_level1_heading(blocks) or _first_title_line(blocks) or core_title or stem_title(name)
    return LoadedDocument(path=name, format="docx", title=stem_title(name) if _is_generic(title) else title,
                          blocks=blocks)


def _open(data: bytes, name: str) -> Any:
    try:
        import docx

        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, XMLSyntaxError, ValueError ...
        raise InputFileError(
            f"文件“{name}”已损坏或不完整（Word 文件结构无法解析），请重新导出或重新上传。",
            f"python-docx failed on {name}: {type(exc).__name__}: {exc}",
        ) from exc


def _body_elements(parent_el: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in order; content controls (often the TOC) are unwrapped."""
    for child in parent_el.iterchildren():
        tag = child.tag
        if tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif tag in (f"{W}p", f"{W}tbl"):
            yield child


def _body_blocks(document: Any, name: str, limits: LimitsSettings) -> list[Block]:
    styles = DocxStyles.read(document)
    blocks: list[Block] = []
    p_count = t_count = 0
    for el in _body_elements(document.element.body):
        if len(blocks) >= limits.max_blocks:
            check_block_count(len(blocks) + 1, name, limits)
        if el.tag == f"{W}p":
            block = _paragraph_block(el, document, styles, Location(paragraph=p_count))
            p_count += 1
            if block is not None:
                blocks.append(block)
        else:
            _append_table_rows(blocks, el, document, t_count, name, limits)
            t_count += 1
    return blocks


def _paragraph_block(el: Any, document: Any, styles: DocxStyles, loc: Location) -> Block | None:
    from docx.text.paragraph import Paragraph

    text = normalize(Paragraph(el, document).text)
    if not text:
        return None
    style_name = styles.name_of(el)
    if style_name.lower() == "title" or style_name == "标题":
        return Block(text=text, kind="heading", level=1, location=loc)
    level = styles.heading_level(el, style_name)
    if level is not None:
        return Block(text=text, kind="heading", level=level, location=loc)
    if el.find(f"{W}pPr/{W}numPr") is not None or "list" in style_name.lower():
        return Block(text=text, kind="list_item", location=loc)
    return Block(text=text, kind="paragraph", location=loc)


def _append_table_rows(
    blocks: list[Block], tbl: Any, document: Any, t_idx: int, name: str, limits: LimitsSettings
) -> None:
    for r_idx, cells in enumerate(table_rows(tbl, document)):
        if not any(cells):
            continue
        if len(blocks) >= limits.max_blocks:
            check_block_count(len(blocks) + 1, name, limits)
        blocks.append(Block(
            text=" | ".join(c for c in cells if c), kind="table_row", cells=cells,
            location=Location(table=t_idx, row=r_idx),
        ))


def _first_level1_heading(blocks: list[Block]) -> str:
    """The first Title-style or level-1 heading paragraph (table rows are never headings)."""
    return next((b.text for b in blocks if b.kind == "heading" and b.level == 1), "")


def _is_generic(title: str) -> bool:
    return len(title) > 60 or title in {"目录", "目 录"}


def _first_title_line(blocks: list[Block]) -> str:
    """Laws typed as plain paragraphs: the first short line naming a law/regulation is the title."""
    return title_line([b.text for b in blocks[:5] if b.kind == "paragraph"])
