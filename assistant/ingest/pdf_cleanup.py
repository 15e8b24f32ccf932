"""Page text of a PDF to clean lines: page numbers, repeated headers/footers and faux-bold doubling removed."""

from __future__ import annotations

import re
from collections import Counter

from assistant.ingest.pdf_paragraphs import NUM

_RE_FURNITURE = [
    re.compile(r"^[—–\-－~～_一]+\s*\d{1,4}\s*[—–\-－~～_一]+$"),  # — 1 —, - 1 -, OCR's 一1一
    re.compile(r"^第\s*\d{1,4}\s*页\s*[,，/、]?\s*(共\s*\d{1,4}\s*页)?$"),  # 第 1 页 共 9 页
    re.compile(r"^(共\s*\d{1,4}\s*页\s*)?第\s*\d{1,4}\s*页$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 1/9
    re.compile(r"^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I),
]
_RE_BARE_NUMBER = re.compile(r"^[\[(（]?\d{1,4}[\])）]?$")
_RE_DOC_NUMBER = re.compile(r"^第\s*(\d+)\s*号$")


def clean_pdf_pages(page_texts: list[str]) -> list[list[str]]:
    """Drop page furniture (page numbers, repeated headers/footers) and faux-bold doubling."""
    pages = [[ln.strip() for ln in t.split("\n") if ln.strip()] for t in page_texts]
    repeated = _repeated_edge_lines(pages)
    out: list[list[str]] = []
    doubled_doc = False
    for lines in pages:
        kept, doubled = _clean_page(lines, repeated)
        out.append(kept)
        doubled_doc = doubled_doc or doubled
    if doubled_doc:  # "第 8787 号" is "第 87 号" drawn twice
        out = [[_undouble_doc_number(ln) for ln in lines] for lines in out]
    return out


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    """Header/footer lines: among the first/last 2 lines, the same text (digits masked) on most pages."""
    n = len(pages)
    edge_counter: Counter[str] = Counter()
    for lines in pages:
        edge_counter.update({_edge_key(ln) for ln in lines[:2] + lines[-2:]})
    return {k for k, c in edge_counter.items() if n >= 3 and c >= max(3, 0.6 * n) and len(k) < 60}


def _clean_page(lines: list[str], repeated: set[str]) -> tuple[list[str], bool]:
    """The page's lines without furniture, undoubled; and whether any line was doubled."""
    kept: list[str] = []
    doubled_page = False
    for j, ln in enumerate(lines):
        at_edge = j < 2 or j >= len(lines) - 2
        if _is_page_furniture(ln, at_edge, repeated):
            continue
        ln2, doubled = undouble(ln)
        doubled_page = doubled_page or doubled
        kept.append(ln2)
    return kept, doubled_page


def _is_page_furniture(line: str, at_edge: bool, repeated: set[str]) -> bool:
    if is_furniture(line):
        return True
    return at_edge and (bool(_RE_BARE_NUMBER.match(line)) or _edge_key(line) in repeated)


def _undouble_doc_number(line: str) -> str:
    m = _RE_DOC_NUMBER.match(line)
    if m and len(m.group(1)) % 2 == 0:
        d = m.group(1)
        if d[: len(d) // 2] == d[len(d) // 2:]:
            return f"第{d[: len(d) // 2]}号"
    return line


def is_furniture(line: str) -> bool:
    s = line.strip()
    return any(rx.match(s) for rx in _RE_FURNITURE)


def undouble(line: str) -> tuple[str, bool]:
    """Undo text drawn twice for faux-bold (87号令: "第一条第一条", "…财政部令…财政部令")."""
    s = line.strip()
    m = re.match(rf"^(第\s*{NUM}\s*(?:条|章|节|编))\s*\1", s)
    if m:
        return m.group(1) + s[m.end():], True
    compact = s.replace(" ", "")
    half = len(compact) // 2
    if half >= 4 and len(compact) % 2 == 0 and compact[:half] == compact[half:] and re.search(r"[\u4e00-\u9fff]", compact):
        return compact[:half], True
    return line, False
