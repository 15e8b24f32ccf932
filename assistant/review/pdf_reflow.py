"""Re-join PDF text into whole clauses and table rows before review.

Why: a PDF has no paragraphs or tables, only positioned lines. The ingest loader joins lines
that fill the measure, but a table cell wraps inside its column, so a 评分表 row arrives as
"1 价格 20 满足招标文件要求" + "且投标价格最低的" + … and a narrow cell's line looks like the
end of a paragraph. Patterns and numeric checks expect one clause per paragraph or row; on such
fragments they miss (or fire on a fragment). This module works on the loader's blocks only (so
OCR pages and page numbers come along unchanged):

1. tables: a line of short header words (序号 评分因素 分值 …) starts a table; a line that
   begins with the next row index (1, 2 … or 3.4.1) starts a row, cells split on spaces (the
   last cell takes the rest); other lines are continuations of the last cell until the cell
   ends a sentence and a non-row line follows;
2. paragraphs: a block that does not end a sentence continues into the next block unless that
   one starts something (heading, numbered item, 「标签：」, table);
3. the spaces pypdf puts around digits in Chinese text (「2025 年7 月」) are removed, and a
   checkbox line whose marks were extracted out of order (「■ □项目属性： 货物 服务」) is
   put back in order.
"""

from __future__ import annotations

import re

from assistant.schema import Block, Location

__all__ = ["reflow_pdf_blocks", "squeeze_spaces"]

_TERMINAL = "。；;！？!?"
_HEADER_WORDS = re.compile(
    r"^(序号|编号|条款号|条目号?|条款名称|编列内容|内容|说明|备注|项目|名称|评分因素|评审因素|评分项目?|评审项目?|"
    r"分值|分数|权重|评分标准|评审标准|评分细则|评分办法|得分|标准|要求|技术要求|参数|数量|单位|单价|金额)$"
)
_INDEX = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})$")
_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百\d]+[章节篇部分卷]|[一二三四五六七八九十]+\s*[、．.]|[（(][一二三四五六七八九十\d]+[）)]|"
    r"\d{1,2}(\.\d{1,2}){0,3}\s*[、．.]?\s*[\u4e00-\u9fff]|附(件|表|录))"
)
_LABEL_START = re.compile(r"^[\u4e00-\u9fffA-Za-z（）()]{2,14}[：:]")
_BULLET = re.compile(r"^[■□☑●◆★▲·•\-—※]")
_CHECK_LINE = re.compile(r"^((?:[■□☑√]\s*){2,6})([^\s■□☑√]{2,12}[：:])\s*((?:[^\s■□☑√]{1,8}\s*){2,6})$")


def squeeze_spaces(text: str) -> str:
    """Drop spaces next to a Chinese character or full-width sign; keep 「CPU i5」, 「AAA 3」."""
    s = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", s)


def _fix_checkboxes(text: str) -> str:
    """「■ □项目属性： 货物 服务」 → 「项目属性：■货物 □服务」 (marks in extraction order)."""
    m = _CHECK_LINE.match(text.strip())
    if not m:
        return text
    marks = re.findall(r"[■□☑√]", m.group(1))
    options = m.group(3).split()
    if len(marks) != len(options):
        return text
    return m.group(2) + " ".join(mk + op for mk, op in zip(marks, options, strict=False))


def _tokens(text: str) -> list[str]:
    return text.split()


def _header_cols(text: str) -> int:
    """Number of columns when the line is a table header, else 0."""
    toks = _tokens(text)
    if not 2 <= len(toks) <= 8 or len(text) > 60:
        return 0
    known = sum(1 for t in toks if _HEADER_WORDS.match(t))
    if known >= 2 and known >= len(toks) - 1 and all(len(t) <= 8 for t in toks):
        return len(toks)
    return 0


def _index_key(idx: str) -> tuple[int, ...]:
    return tuple(int(p) for p in idx.split("."))


def _row_start(text: str, ncols: int, prev_index: str | None) -> list[str] | None:  # noqa: C901 - table-row heuristics; split pending
    """Cells when `text` begins a new row of an `ncols` table, else None."""
    toks = _tokens(text)
    if len(toks) < 2 or not _INDEX.match(toks[0]):
        return None
    idx = toks[0]
    if "." not in idx:
        # a bare number starts a row only as the next index (「5000 万元的得10」 is text, not row 5000)
        if prev_index is None:
            if int(idx) not in (0, 1):
                return None
        elif "." in prev_index:
            if int(idx) > 99:
                return None
        elif int(idx) != int(prev_index) + 1:
            return None
    elif idx == prev_index:
        return None
    if not re.match(r"[\u4e00-\u9fffA-Za-z（(]", toks[1]):
        return None
    if re.match(r"^(万元|元|分|日|天|%|％|个工作日|个|年|月|小时|名|人)([，。；、,.;)）]|$)", toks[1]):
        return None  # 「4.5 万元。」「7.5 分。」: a number pypdf split from its unit, not row 4.5
    n = max(ncols, 2)
    head = toks[: n - 1]
    rest = " ".join(toks[n - 1:])
    return [*head, rest] if rest else head


_EMBEDDED_ROW = re.compile(r"(?<=[^\s\d.])(\d{1,3}(?:\.\d{1,3}){1,3}) (?=[\u4e00-\u9fff])"
                           r"|(?<=[\u4e00-\u9fff）)])(?=第[一二三四五六七八九十]{1,3}章[\u4e00-\u9fff ]{2,20}$)")


def _split_joined_rows(text: str) -> list[str]:
    """The loader may join two table lines: 「…90 日历天3.4.2 保证金有效期 …」 → two lines."""
    parts: list[str] = []
    last = 0
    for m in _EMBEDDED_ROW.finditer(text):
        if m.start() - last >= 2:
            parts.append(text[last:m.start()])
            last = m.start()
    parts.append(text[last:])
    return [p for p in parts if p.strip()]


_OPEN_END = re.compile(r"[为于的在至和或及与并是按将把被从向对由以其等每约达共计须应不低少超过：:，,、（(]$")
_NUMBER_UNIT = re.compile(r"^\d+(\.\d+)?\s*(%|％|英寸|mm|cm|kg|米|元|万元|日|天|个|年|月|名|人|家|分|小时|GB|GHz|MB)")


def _is_start(text: str, prev: str = "") -> bool:
    t = text.strip()
    if prev and _OPEN_END.search(prev) and _NUMBER_UNIT.match(t):
        return False  # 「屏幕尺寸须为」+「23.8 英寸…」 is one sentence
    return bool(_HEADING.match(t) or _LABEL_START.match(t) or _BULLET.match(t) or _header_cols(t))


def _heading_like(text: str) -> bool:
    t = text.strip()
    return len(t) <= 40 and bool(_HEADING.match(t)) and t[-1:] not in _TERMINAL + "，,、"


def _heading_before_sentence(line: str, nxt: str) -> bool:
    """A short unpunctuated line before a full sentence is a heading, not the sentence's first part."""
    return len(line) <= 20 and not re.search(r"[，,、：:（(]", line) and nxt[-1:] in _TERMINAL and len(nxt) > 2 * len(line)


def reflow_pdf_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks of a PDF with tables rebuilt as `table_row` blocks and wrapped lines joined."""
    lines: list[Block] = []
    for b in blocks:
        if b.kind == "table_row":
            lines.append(b)
            continue
        for part in _split_joined_rows(b.text or ""):
            lines.append(b.model_copy(update={"text": part}))

    out: list[Block] = []
    table_no = 0
    i = 0
    while i < len(lines):
        b = lines[i]
        text = (b.text or "").strip()
        ncols = _header_cols(text) if b.kind != "table_row" else 0
        if ncols:
            i = _read_table(lines, i, ncols, table_no, out)
            table_no += 1
            continue
        if b.kind in ("heading", "table_row"):
            out.append(b.model_copy(update={"text": squeeze_spaces(text) if b.kind == "heading" else text}))
            i += 1
            continue
        parts = [text]
        j = i + 1
        while j < len(lines):
            nxt = lines[j]
            nt = (nxt.text or "").strip()
            cur = parts[-1]
            if nxt.kind != "paragraph" or cur[-1:] in _TERMINAL or _is_start(nt, cur) or _heading_like(parts[0]):
                break
            if len(parts) == 1 and _heading_before_sentence(cur, nt):
                break
            parts.append(nt)
            j += 1
        joined = _fix_checkboxes(" ".join(parts)) if len(parts) == 1 else " ".join(parts)
        out.append(Block(text=squeeze_spaces(joined), kind="paragraph", level=b.level,
                         location=b.location.model_copy()))
        i = j
    return out


#: a wrapped sentence is never longer: lines without stops (a dump, a code listing) are not joined into one clause
_MAX_JOINED = 1000


def join_wrapped_lines(blocks: list[Block]) -> list[Block]:
    """Paragraph lines of plain text joined where a sentence was wrapped (text pasted from a PDF: 「投标保证金在工」+
    「程竣工验收合格后」+「一次性无息退还。」); a line that ends a sentence or looks like a heading, and a line that starts an
    item, a label or a heading, stay apart, and the text of each line is kept as it is."""
    out: list[Block] = []
    open_line = False  # the last block is a paragraph the next line may continue
    for b in blocks:
        text = (b.text or "").strip()
        prev = out[-1].text.strip() if out and open_line else ""
        # a form's field (「项目属性：■货物」「预算金额：100万元」) is a line of its own
        field = "■" in prev or "□" in prev or (len(prev) <= 30 and _LABEL_START.match(prev) is not None)
        if prev and not field and len(prev) < _MAX_JOINED and b.kind == "paragraph" and not _is_start(text, prev) \
                and not _heading_like(prev) and not _heading_before_sentence(prev, text):
            glue = "" if not prev[-1:].isascii() or not text[:1].isascii() else " "
            out[-1] = out[-1].model_copy(update={"text": prev + glue + text})
        else:
            out.append(b)
        open_line = b.kind == "paragraph" and out[-1].text.strip()[-1:] not in _TERMINAL + "：:"
    return out


_SCORE_HEADER = re.compile(r"^(分值|分数|权重|满分|最高分)$")
_SCORE_LINE = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)(?:\s+(\S.*))?$")


def _read_table(lines: list[Block], i: int, ncols: int, table_no: int, out: list[Block]) -> int:
    """Consume the header at `i` and the rows after it; return the index of the first line after.

    A row whose label cell wraps arrives column by column («2 类似项目业绩(近» «三年)»
    «15 提供金华市…» …): such a row stays open, later lines fill the label, then the score
    (a bare number under 分值) and then the content cell.
    """
    head = lines[i]
    header = _tokens((head.text or "").strip())
    score_col = next((k for k, h in enumerate(header) if _SCORE_HEADER.match(h)), None)
    out.append(_row_block(header, head, table_no, 0))
    rows: list[tuple[list[str], Block]] = []
    prev_index: str | None = None
    j = i + 1
    while j < len(lines):
        b = lines[j]
        t = (b.text or "").strip()
        if b.kind == "heading" or _header_cols(t):
            break
        cells = _row_start(t, ncols, prev_index)
        if cells is not None:
            rows.append((cells, b))
            prev_index = cells[0]
            j += 1
            continue
        if not rows:
            break
        last = rows[-1][0]
        width = max(max(len(c) for c in last[1:] or [""]), 8)
        if len(t) > 2 * width + 6 or (_is_start(t) and not re.match(r"^\d", t)):
            break
        if len(last) < ncols:  # the row is still arriving column by column
            _fill_open_row(last, t, ncols, score_col)
            j += 1
            continue
        ended = last[-1].rstrip()[-1:] in _TERMINAL
        if ended and not _label_wrap(t, last):
            break
        _append_continuation(last, t, ended)
        j += 1
    for n, (cells, b) in enumerate(rows, start=1):
        out.append(_row_block(cells, b, table_no, n))
    return j


def _fill_open_row(cells: list[str], text: str, ncols: int, score_col: int | None) -> None:
    """Add one line to a row whose cells are not all there yet."""
    m = _SCORE_LINE.match(text)
    if score_col is not None and len(cells) == score_col and m:
        cells.append(m.group(1))
        if m.group(2):
            cells.append(m.group(2))
        return
    if score_col is not None and len(cells) <= score_col:
        cells[-1] = f"{cells[-1]}{text}"  # the label cell wraps
        return
    if len(cells) < ncols:
        # without a score column only a short tail («式», «三年)») is read as the label's wrap
        if score_col is None and len(cells) >= 2 and (
                (len(text) <= 4 and not re.search(r"[，。；、,;:：]", text)) or text[-1:] in ")）"):
            cells[-1] = f"{cells[-1]}{text}"
        else:
            cells.append(text)
        return
    cells[-1] = f"{cells[-1]} {text}"


def _label_wrap(text: str, cells: list[str]) -> bool:
    """A short line after a finished last cell can still be the wrapped end of the label cell."""
    return len(cells) >= 3 and len(text) <= 12 and " " not in text.strip() and text[-1:] not in _TERMINAL


def _append_continuation(cells: list[str], text: str, last_ended: bool) -> None:
    """Add a wrapped line to its cells: a narrow label column and the content column can wrap
    together («市范围内） 物业服务业绩的，»): the first part goes to the label, the rest to the content.
    A space right after a digit is pypdf's (「80 万元」), not a column gap."""
    parts = re.split(r"(?<=[^\x00-\x7f]) +(?=\S)", text.strip())
    if len(cells) >= 3 and (last_ended or len(parts) >= 2):
        label = 1 if _INDEX.match(cells[0]) else 0
        if last_ended:
            cells[label] = f"{cells[label]}{text.strip()}"
            return
        cells[label] = f"{cells[label]}{parts[0]}"
        text = " ".join(parts[1:])
    cells[-1] = f"{cells[-1]} {text}"


def _row_block(cells: list[str], b: Block, table_no: int, row: int) -> Block:
    clean = [squeeze_spaces(c) for c in cells]
    loc = Location(page=b.location.page, paragraph=b.location.paragraph, table=table_no, row=row)
    return Block(text=" | ".join(c for c in clean if c), kind="table_row", cells=clean, location=loc)
