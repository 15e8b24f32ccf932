"""Tender document → clauses with locations (section path, paragraph, page, table, row).

Reading files is the ingest loader's job (`assistant.ingest.loaders.load_file`); this module
only turns its blocks into reviewable clauses: it tracks the heading path (tenders often
type 第二章 投标人须知 in a Normal paragraph, so headings are also recognised by pattern),
joins table rows into "条款名称：内容" and marks which tables are 前附表 / 评分表. PDF blocks are
first re-joined into whole clauses and table rows (`pdf_reflow`), since layout breaks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.config import LimitsSettings
from assistant.ingest.text_reader import tabbed_rows_as_bars
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import is_cjk, normalize

__all__ = ["Clause", "document_from_text", "mask_superseded", "read_clauses", "segment"]

_RE_CHAPTER = re.compile(r"^(第[一二三四五六七八九十百\d]+[章篇部分卷])\s*\S")
_RE_SECTION = re.compile(r"^(第[一二三四五六七八九十百\d]+节)\s*\S")
_RE_CN_ITEM = re.compile(r"^[一二三四五六七八九十]+\s*[、．.]\s*\S")
_RE_TOC_LINE = re.compile(r"\s\d{1,3}$|\t\d+$|…{2,}|\.{4,}")
_RE_NUMBERED = re.compile(r"^(\d+(?:\.\d+){0,3})[\s、．.]*\S")
_SENT_END = "。；;！？!?"
#: a list item's marker: 「（三）」「(3)」「3）」「3、」「3.」 (not a section number 「3.1」)「③」「三、」
LIST_ITEM = re.compile(r"^\s*([（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|\d{1,2}\s*(?:[）)、]|[.．](?!\d))|[①-⑳]"
                       r"|[一二三四五六七八九十]{1,3}\s*、)\s*")

_SCORING_HEADER = re.compile(r"评分|分值|得分|评审因素|评分标准|评分因素|权重")
_FRONT_HEADER = re.compile(r"条款号|条款名称|条目|编列内容|资料表|前附表")


#: a run of letter-spaced characters (「投 标 保 证 金」「共 1 5 日」): three or more single characters apart
_SPACED_CHAR = r"[\u4e00-\u9fff\d％%\u3001\u3002\uff08\uff09\uff0c\uff1a\uff1b]"
_SPACED_RUN = re.compile(rf"(?:(?<=[\u4e00-\u9fff]) )?(?<!\S){_SPACED_CHAR}(?: {_SPACED_CHAR}){{2,}}(?!\S)(?: (?=[\u4e00-\u9fff]))?")
#: digits set apart before their unit (「签订合同后 3 0 日内」)
_SPACED_DIGITS = re.compile(r"(?<![\d.])(\d(?: \d){1,3})(?=\s*[日天个月年元%％])")
#: a page header or footer left inside the text by extraction (「第 32 页 共 85 页」「- 12 -」)
_PAGE_MARK = re.compile(r"\s*第\s*\d{1,4}\s*页\s*[，,/]?\s*共\s*\d{1,4}\s*页\s*|(?<=\s)[-—]\s*\d{1,4}\s*[-—](?=\s)")
#: OCR's letters for digits next to digits (「2O24年O5月」「1l:3O」)
_OCR_DIGIT = re.compile(r"(?<=\d)[Oo](?![A-Za-z])|(?<![A-Za-z])[Oo](?=\d)|(?<=\d)[lI](?=[\d:：])")


def tidy(text: str) -> str:
    """The noise of extracted text removed before review: letter-spaced runs closed up, page marks dropped,
    OCR's O and l read as 0 and 1 beside digits."""
    text = _PAGE_MARK.sub("", text).strip()
    text = _SPACED_RUN.sub(lambda m: m.group(0).replace(" ", "") if any(map(is_cjk, m.group(0))) else m.group(0), text)
    text = _SPACED_DIGITS.sub(lambda m: m.group(1).replace(" ", ""), text)
    return _OCR_DIGIT.sub(lambda m: "0" if m.group(0) in "Oo" else "1", text)


#: a correction notice's old wording: from 「原」 to 「现更正为」 (「原投标保证金“人民币拾万元”现更正为“人民币叁拾万元”」)
_SUPERSEDED = re.compile(r"(?<![\u4e00-\u9fff])原(?![则因来本件材价有始])[^。；;\n]{1,120}?(?=[，,]?\s*(?:现|现已|今)(?:更正|修改|变更|调整|修订|更改)为)")
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"|‘[^’]*’")
_OLD_VALUE = re.compile(r"(?:为|是|[:：])(.+)$")


def _blank_old(m: re.Match[str]) -> str:
    """The old wording with its value blanked and its subject kept (「原投标保证金“    ”」「原投标保证金为     」)."""
    old = m.group(0)
    if _QUOTED.search(old):
        return _QUOTED.sub(lambda q: q.group(0)[0] + " " * (len(q.group(0)) - 2) + q.group(0)[-1], old)
    v = _OLD_VALUE.search(old)
    return old[: v.start(1)] + " " * len(v.group(1)) if v else old


_NUMERAL = re.compile(r"[\d０-９.．%％零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")


#: the old value of a change stated in one phrase: 「保证金由6万元修改为8万元」「工期从540日历天压缩为300日历天」
_REPLACED_VALUE = re.compile(
    r"(?<=[由从])[^。；;，,\n由从为至到]{1,40}?"
    r"(?=(?:修改|调整|变更|更正|更改|压缩|缩短|延长|顺延|延期|提高|降低|下调|上调|提前|推迟|增加|减少)(?:为|至|到|成))")
#: what an amendment deletes (「删除原技术规范第6.2条“电线电缆须选用远东、宝胜品牌”的表述」「取消原评分表第3项」), up to
#: the end of its phrase; quotations are taken whole, whatever punctuation they hold
_DELETED = re.compile(r"(删除|删去|取消原|废止原)((?:[^。；;，,\n“”「」]|“[^”]*”|「[^」]*」)+)")
_CORRECTION_WORD = re.compile(r"原|删|由|从")


def _blank_deleted(m: re.Match[str]) -> str:
    """The deleted wording blanked, unless the deleting is itself forbidden (「不得擅自删除……」)."""
    if "不" in m.string[max(0, m.start() - 4):m.start()]:
        return m.group(0)
    return m.group(1) + " " * len(m.group(2))


@lru_cache(maxsize=8192)  # asked for each rule hit and each quantity read of a clause: the same texts again and again
def mask_superseded(text: str, numbers_only: bool = False) -> str:
    """The text with the wording a correction notice replaces or deletes blanked out (same length, so offsets
    hold): rules and facts read what the notice sets, not what it replaces. ``numbers_only`` blanks only the old
    numbers of a replacement and keeps its words, which name what the new value is
    (「原“投标截止时间2025年5月28日”现更正为“2025年5月16日”」); deleted wording is blanked whole."""
    if not _CORRECTION_WORD.search(text):  # every clause's facts and every rule hit ask: most have no correction
        return text
    if numbers_only:
        text = _SUPERSEDED.sub(lambda m: _NUMERAL.sub(" ", m.group(0)), text)
        text = _REPLACED_VALUE.sub(lambda m: _NUMERAL.sub(" ", m.group(0)), text)
    else:
        text = _SUPERSEDED.sub(_blank_old, text)
        text = _REPLACED_VALUE.sub(lambda m: " " * len(m.group(0)), text)
    return _DELETED.sub(_blank_deleted, text)


@dataclass
class Clause:
    """One reviewable unit: a paragraph, list item or table row, with where it sits."""

    index: int
    text: str
    kind: str
    section: str = ""
    location: dict[str, Any] = field(default_factory=dict)
    cells: list[str] | None = None
    table_kind: str | None = None  # "评分表" | "前附表" | "表格"
    header: list[str] | None = None
    #: for a list item (「（三）……」), the paragraph ending in 「：」 that introduces its list
    lead_in: str = ""

    @property
    def header_text(self) -> str:
        """A table row's header cells as one text (empty for any other clause)."""
        return " ".join(self.header or [])

    @property
    def scope_text(self) -> str:
        """What `scope` regexes of the catalogue match against: section path and table kind."""
        return f"{self.section} {self.table_kind or ''} {self.header_text}"


def _heading_level(block: Block, text: str) -> int | None:
    """Level of a heading: the loader's, or recognised from the text of a short line."""
    if block.kind == "heading" and not _RE_TOC_LINE.search(text):
        if _RE_CHAPTER.match(text):
            return 1
        if _RE_SECTION.match(text):
            return 2
        return min(max(block.level or 2, 1), 6)
    if block.kind == "table_row" or len(text) > 40 or text[-1:] in _SENT_END or "：" in text[:-1]:
        return None
    if _RE_TOC_LINE.search(text):
        return None
    if _RE_CHAPTER.match(text):
        return 1
    if _RE_SECTION.match(text):
        return 2
    if _RE_CN_ITEM.match(text) and len(text) <= 30:
        return 2
    return None


def _dedupe_cells(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        c = (c or "").strip()
        if c and (not out or out[-1] != c):
            out.append(c)
    return out


def _row_text(cells: list[str], header: list[str] | None) -> str:
    """Join a row as "条款名称：内容": drop index cells (1.3, 序号) and use the first label cell."""
    cells = _dedupe_cells(cells)
    if not cells:
        return ""
    body = [c for c in cells if not re.fullmatch(r"[\d.\-、()（）]{1,10}|合计|序号", c)] or cells
    if len(body) == 1:
        return body[0]
    name, rest = body[0], body[1:]
    if len(name) > 40:  # no label column
        return " | ".join(body)
    return f"{name}：" + "；".join(rest)


def segment(doc: LoadedDocument) -> list[Clause]:  # noqa: C901 - heading/clause state machine; split pending
    """Clauses in document order; headings set the section path and are not clauses."""
    clauses: list[Clause] = []
    path: list[tuple[int, str]] = []
    table_header: dict[int, list[str]] = {}
    table_kind: dict[int, str] = {}
    lead_in = ""  # the last paragraph ending in 「：」, while list items follow it
    blocks = doc.blocks
    if doc.format == "pdf":
        from assistant.review.pdf_reflow import reflow_pdf_blocks

        blocks = reflow_pdf_blocks(blocks)
    elif doc.format == "txt":  # plain text wraps its lines too (pasted from a PDF)
        from assistant.review.pdf_reflow import join_wrapped_lines

        blocks = join_wrapped_lines(_table_rows(blocks))
    for block in blocks:
        text = tidy((block.text or "").strip())
        if not text:
            continue
        level = _heading_level(block, text)
        if level is not None:
            path = [p for p in path if p[0] < level]
            path.append((level, re.sub(r"\s+", " ", text)))
            continue
        loc = block.location.model_dump(exclude_none=True)
        section = " / ".join(t for _, t in path)
        if block.kind == "table_row":
            t = block.location.table if block.location.table is not None else -1
            cells = list(block.cells or [text])
            if t not in table_header:
                table_header[t] = _dedupe_cells(cells)
                head = " ".join(table_header[t])
                if _SCORING_HEADER.search(head):
                    table_kind[t] = "评分表"
                elif _FRONT_HEADER.search(head) or re.search(r"前附表|资料表", section.split(" / ")[-1] if section else ""):
                    table_kind[t] = "前附表"
                else:
                    table_kind[t] = "表格"
                if block.location.row in (0, None) and len(table_header[t]) > 1:
                    continue  # the header row itself is not a clause
            row_text = _row_text(cells, table_header.get(t))
            if not row_text:
                continue
            clauses.append(Clause(len(clauses), row_text, "table_row", section, loc, cells,
                                  table_kind.get(t), table_header.get(t)))
        else:
            item = bool(LIST_ITEM.match(text))
            clauses.append(Clause(len(clauses), text, block.kind, section, loc,
                                  lead_in=lead_in if item else ""))
            if text[-1:] in "：:":
                lead_in = text
            elif not item:
                lead_in = ""
    return clauses


def document_from_text(text: str, name: str = "文本") -> LoadedDocument:
    """A LoadedDocument from plain text, one paragraph per line (tests, pasted text)."""
    blocks = [Block(text=normalize(line), kind="paragraph", location=Location(paragraph=i))
              for i, line in enumerate(tabbed_rows_as_bars(text).splitlines()) if line.strip()]
    return LoadedDocument(path=name, format="txt", title=name, blocks=blocks)


_BAR = re.compile(r"\s*\|\s*")
_HEADER_CELL = re.compile(r"[^\d]{1,12}")
#: a Markdown table's rule line (「|---|:---:|」)
_RULE_LINE = re.compile(r"[|:：\s]*[-—]+[-—|:：\s]*")
#: bars of an absolute value in a formula (「得分=（1-|投标报价-基准价|/基准价）×100」)
_ABS_BAR = re.compile(r"[\w)）]\s*[-+×*/=]\s*\||\|\s*[-+×*/=]\s*[\w(（]|[（(]\s*\||\|\s*[)）]")


def _bar_cells(text: str) -> list[str] | None:
    """The cells of a plain-text line written as a table row (「商务分|近3年无重大违法记录|2分|」: two bars or more), else
    None (a Markdown rule line, the bars of an absolute value)."""
    if text.count("|") < 2 or _ABS_BAR.search(text):
        return None
    cells = [c.strip() for c in _BAR.split(text.strip().strip("|")) if c.strip()]
    return cells if len(cells) >= 2 and not _RULE_LINE.fullmatch(text.strip()) else None


def _table_rows(blocks: list[Block]) -> list[Block]:
    """Plain-text lines written as table rows read as table rows (cells, table and row), as a file's tables are. A run of
    rows is one table (a lone line with bars stays a paragraph); its first row is the header when its cells are short
    labels without digits."""
    out: list[Block] = []
    table = -1
    run: list[tuple[Block, list[str]]] = []

    def flush() -> None:
        nonlocal table
        if len(run) == 1:
            out.append(run.pop()[0])
        if not run:
            return
        table += 1
        header = all(_HEADER_CELL.fullmatch(c) for c in run[0][1])
        for r, (b, cells) in enumerate(run, 0 if header else 1):
            out.append(b.model_copy(update={"kind": "table_row", "cells": cells, "text": " | ".join(cells),
                                            "location": b.location.model_copy(update={"table": table, "row": r})}))
        run.clear()

    for b in blocks:
        cells = _bar_cells(b.text or "") if b.kind == "paragraph" else None
        if run and b.kind == "paragraph" and _RULE_LINE.fullmatch((b.text or "").strip()):
            continue  # a Markdown rule line under a header
        if cells is not None:
            run.append((b, cells))
            continue
        flush()
        out.append(b)
    flush()
    return out


def read_clauses(path: str | Path, max_bytes: int | None = None,
                 limits: LimitsSettings | None = None) -> tuple[LoadedDocument, list[Clause]]:
    """Load a file with the ingest loader (raises its Chinese InputFileErrors) and segment it."""
    from assistant.ingest.loaders import load_file

    doc = load_file(path, max_bytes=max_bytes, limits=limits)
    return doc, segment(doc)
