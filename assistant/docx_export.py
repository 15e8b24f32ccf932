"""Finishing touches every exported DOCX gets: document properties (title, author, dates) and an
A4 page with official-document margins, whatever python-docx's default template says (US Letter,
author "python-docx", created 2013)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

__all__ = ["APP_AUTHOR", "docx_title", "finish_document"]

APP_AUTHOR = "招投标审查助手"
#: A4 portrait, in millimetres
A4_MM = (210.0, 297.0)
#: top, bottom, left, right margins in millimetres (GB/T 9704 official documents: 37 / 35 / 28 / 26)
MARGINS_MM = (37.0, 35.0, 28.0, 26.0)


def docx_title(report_title: str, project: object | None) -> str:
    """「招标文件审查意见书（某某项目）」; the bare report title when the project is unknown."""
    name = str(project or "").strip()
    return f"{report_title}（{name}）" if name and name != report_title else report_title


def finish_document(d: Any, title: str, now: _dt.datetime | None = None) -> None:
    """Set the core properties and page setup of a python-docx `Document` before it is saved."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    stamp = (now or _dt.datetime.now(_dt.UTC)).replace(microsecond=0)
    if stamp.tzinfo is not None:  # python-docx writes W3CDTF with a literal Z: store UTC
        stamp = stamp.astimezone(_dt.UTC).replace(tzinfo=None)
    props = d.core_properties
    props.title = title
    props.author = APP_AUTHOR
    props.last_modified_by = APP_AUTHOR
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    top, bottom, left, right = MARGINS_MM
    for section in d.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(A4_MM[0])
        section.page_height = Mm(A4_MM[1])
        section.top_margin = Mm(top)
        section.bottom_margin = Mm(bottom)
        section.left_margin = Mm(left)
        section.right_margin = Mm(right)
