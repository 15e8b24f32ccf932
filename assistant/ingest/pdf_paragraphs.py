"""Cleaned PDF lines to paragraph blocks: lines broken by the layout are joined back, headings found."""

from __future__ import annotations

import re
import statistics

from assistant.ingest.doctitle import is_title_line
from assistant.schema import Block, Location
from assistant.text_zh import CN_NUM_CHARS, normalize

#: a number in an article/chapter label: 第十二条, 第 3 章, 第二〇二〇号
NUM = rf"[{CN_NUM_CHARS}○\d]+"
RE_STRUCT_HEADING = re.compile(rf"^第\s*{NUM}\s*(编|分编|章|节)(?:\s|$)")
RE_APPENDIX_START = re.compile(rf"^附(件|表|录)?\s*[{CN_NUM_CHARS}\d]*\s*(：|:|$)|^附\s*\d+")
_TERMINAL = "。；：！？;:!?"
#: a line that starts a new unit: an article (第三条), an item (一、 （一） 1.)
_RE_UNIT_START = re.compile(rf"^(第\s*{NUM}\s*条|[{CN_NUM_CHARS}]+\s*、|[（(]\s*[{CN_NUM_CHARS}\d]+\s*[)）]|\d+\s*[.、．](?!\d))")
#: a line that stands alone even when short and unpunctuated: a 文号 (…〔2026〕1号) or a date (…年…月…日)
_RE_STANDALONE = re.compile(r"(号|\d{1,2}\s*日)$")


def pdf_paragraphs(pages: list[list[str]], ocr_pages: frozenset[int] = frozenset()) -> list[Block]:
    """Join lines broken by the layout back into paragraphs.

    Chinese text has no spaces, so a line continues the previous one unless the previous line
    ends a sentence (。；：！？), is visibly short (not filled to the margin), or the new line
    starts an article / heading / enumeration item. On OCR'd pages (`ocr_pages`, 1-based) a
    scan's line lengths say little, so a short line is a paragraph end only when the new line
    starts an article or item, or the short line is a title, 文号 or date.
    """
    lengths = [len(ln) for lines in pages for ln in lines if len(ln) > 5]
    full = statistics.quantiles(lengths, n=10)[7] if len(lengths) >= 10 else (max(lengths) if lengths else 30)
    blocks: list[Block] = []
    cur: list[str] = []
    cur_page = 1
    prev = ""

    def flush() -> None:
        nonlocal cur
        if cur:
            text = normalize(_join_cjk(cur))  # again: brackets split across lines pair up now
            kind = "heading" if RE_STRUCT_HEADING.match(text) and len(text) <= 40 else "paragraph"
            level = None
            if kind == "heading":
                level = 1 if re.match(rf"^第\s*{NUM}\s*编", text) else 3 if re.search(r"^第\S*节", text) else 2
            blocks.append(Block(text=text, kind=kind, level=level,
                                location=Location(page=cur_page, paragraph=len(blocks))))
        cur = []

    for page_no, lines in enumerate(pages, start=1):
        for ln in lines:
            # An article/heading line after a *full* line without final punctuation is a
            # cross-reference wrapped to the line start ("依照本法\n第十二条规定"), not a start.
            starts = bool(RE_STRUCT_HEADING.match(ln) and len(ln) <= 40) or bool(RE_APPENDIX_START.match(ln))
            prev_short = len(prev) < 0.8 * full
            if page_no in ocr_pages and cur:
                prev_short = prev_short and (bool(_RE_UNIT_START.match(ln)) or _standalone(prev))
            prev_terminal = prev.endswith(tuple(_TERMINAL)) or prev.endswith(("。”", "。）", "；”"))
            prev_heading = bool(RE_STRUCT_HEADING.match(prev)) and len(prev) <= 40
            if not cur or starts or prev_terminal or prev_short or prev_heading:
                flush()
                cur_page = page_no
            cur.append(ln)
            prev = ln
    flush()
    return blocks


def _standalone(line: str) -> bool:
    """A line that is a paragraph of its own: a title, a 文号 or a date."""
    return bool(_RE_STANDALONE.search(line)) or is_title_line(line)


def _join_cjk(lines: list[str]) -> str:
    out = lines[0]
    for ln in lines[1:]:
        if out and out[-1].isascii() and out[-1].isalnum() and ln[:1].isascii() and ln[:1].isalnum():
            out += " " + ln
        else:
            out += ln
    return out
