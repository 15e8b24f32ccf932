"""The title of a loaded document when the content names none: its first level-1 heading or the file name."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.schema import Block
from assistant.text_zh import normalize

_RE_VERSION_SUFFIX = re.compile(r"[（(]\s*\d{4}[-.年]\d{1,2}[-.月]\d{1,2}日?\s*[)）]\s*$")


def first_heading(blocks: list[Block]) -> str:
    for b in blocks[:20]:
        if b.kind == "heading" and (b.level or 1) == 1:
            return b.text
    return ""


def stem_title(name: str) -> str:
    """The file name without extension and without a trailing version date such as "(2019-04-23)"."""
    stem = Path(name).stem
    return normalize(_RE_VERSION_SUFFIX.sub("", stem)).strip() or stem
