"""Paragraph styles of a DOCX: style names and outline levels, read once, and a paragraph's heading level.

python-docx's `Paragraph.style` re-scans styles.xml per paragraph (12 s on a real 1,000-paragraph
tender); reading the style table once makes the walk over the body linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: WordprocessingML namespace, in the "{uri}" form lxml uses in tag names
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_RE_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)

# styles.xml stores built-in names in lower case ("heading 1"); python-docx shows "Heading 1"
_BUILTIN_STYLE_NAMES = {"heading 1": "Heading 1", "heading 2": "Heading 2", "heading 3": "Heading 3",
                        "heading 4": "Heading 4", "heading 5": "Heading 5", "heading 6": "Heading 6",
                        "title": "Title", "list paragraph": "List Paragraph"}


@dataclass
class DocxStyles:
    names: dict[str, str]  # style id -> display name
    default: str  # name of the default paragraph style
    levels: dict[str, int]  # style id -> outline level (1-based)

    @classmethod
    def read(cls, document: Any) -> DocxStyles:
        names, default = _style_names(document)
        return cls(names=names, default=default, levels=_style_outline_levels(document))

    def name_of(self, p_el: Any) -> str:
        """The style name of paragraph element `p_el` (the default style when it names none)."""
        style_el = p_el.find(f"{W}pPr/{W}pStyle")
        sid = style_el.get(f"{W}val") if style_el is not None else None
        return self.names.get(sid, sid or "") if sid else self.default

    def heading_level(self, p_el: Any, style_name: str) -> int | None:
        """1-based heading level from the style name, the paragraph's own outline level, or its style's."""
        m = _RE_HEADING_STYLE.match(style_name.strip())
        if m:
            return max(1, int(m.group(1)))
        own = _outline_level(p_el.find(f"{W}pPr/{W}outlineLvl"))
        if own is not None:
            return own
        style_el = p_el.find(f"{W}pPr/{W}pStyle")
        if style_el is not None:
            sid = style_el.get(f"{W}val")
            if sid in self.levels:
                return self.levels[sid]
        return None


def _outline_level(lvl: Any) -> int | None:
    """w:outlineLvl (0-based, 9 = body text) as a 1-based level; None for none or body text."""
    if lvl is None:
        return None
    try:
        val = int(lvl.get(f"{W}val", "9"))
    except ValueError:
        val = 9
    return val + 1 if val < 9 else None


def _style_names(document: Any) -> tuple[dict[str, str], str]:
    """Style id -> name, and the default paragraph style name."""
    names: dict[str, str] = {}
    default = ""
    try:
        for style in document.styles.element.iterchildren(f"{W}style"):
            sid = style.get(f"{W}styleId")
            name_el = style.find(f"{W}name")
            name = name_el.get(f"{W}val") if name_el is not None else sid
            if sid:
                names[sid] = _BUILTIN_STYLE_NAMES.get(name.lower(), name) if name else sid
                if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                    default = names[sid]
    except Exception:  # a missing styles part only costs us heading detection
        pass
    return names, default


def _style_outline_levels(document: Any) -> dict[str, int]:
    """Style id -> outline level (1-based) for styles that define w:outlineLvl."""
    levels: dict[str, int] = {}
    try:
        for style in document.styles.element.iterchildren(f"{W}style"):
            lvl = style.find(f"{W}pPr/{W}outlineLvl")
            sid = style.get(f"{W}styleId")
            if lvl is not None and sid:
                val = int(lvl.get(f"{W}val", "9"))
                if val < 9:
                    levels[sid] = val + 1
    except Exception:  # styles part missing or odd: outline levels are a bonus
        pass
    return levels
