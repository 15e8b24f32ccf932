"""The title of a loaded document: its first level-1 heading, its title line, or the file name."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.schema import Block
from assistant.text_zh import compact_cjk, normalize

_RE_VERSION_SUFFIX = re.compile(r"[（(]\s*\d{4}[-.年]\d{1,2}[-.月]\d{1,2}日?\s*[)）]\s*$")
#: trailing parenthesised qualifiers of a title: （试行）（暂行）（修订）（2023年版）（征求意见稿）
_RE_PAREN_SUFFIX = re.compile(r"\s*[（(][^（）()]{1,12}[)）]\s*$")
_RE_TITLE_END = re.compile(r"(法|条例|办法|规定|规则|细则|决定|解释|方案|通知|意见|公告|招标文件|清单|指引)$")
_RE_ARTICLE_START = re.compile(r"^第\s*[一二三四五六七八九十百零〇两\d]+\s*[条章节]")


def strip_title_suffix(title: str) -> str:
    """The title without its trailing parenthesised qualifiers (「…办法（试行）」 -> 「…办法」)."""
    bare = title
    while True:
        shorter = _RE_PAREN_SUFFIX.sub("", bare)
        if shorter == bare or not shorter:
            return bare
        bare = shorter


def is_title_line(text: str) -> bool:
    """A short line naming a rule: ends in 办法/细则/通知… (a parenthesised qualifier may follow)."""
    t = compact_cjk(text).strip()
    return 0 < len(t) <= 60 and not _RE_ARTICLE_START.match(t) and bool(_RE_TITLE_END.search(strip_title_suffix(t)))


def title_line(texts: list[str]) -> str:
    """The first title line among a document's opening lines, or ""."""
    for text in texts[:8]:
        if is_title_line(text):
            return compact_cjk(text).strip()
    return ""


def first_heading(blocks: list[Block]) -> str:
    for b in blocks[:20]:
        if b.kind == "heading" and (b.level or 1) == 1:
            return b.text
    return ""


def stem_title(name: str) -> str:
    """The file name without extension and without a trailing version date such as "(2019-04-23)"."""
    stem = Path(name).stem
    return normalize(_RE_VERSION_SUFFIX.sub("", stem)).strip() or stem
