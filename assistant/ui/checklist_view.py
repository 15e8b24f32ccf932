"""Review checklist in the web page: the status table and its summary line (pure functions)."""

from __future__ import annotations

from html import escape as esc
from typing import Any

from assistant.review.report import SEVERITY_ZH, checklist_counts_zh, checklist_where, ocr_line
from assistant.schema import CHECKLIST_STATUSES, ChecklistItem, ReviewReport

CHECKLIST_COLUMNS = ["编号", "审查要点", "等级", "结论", "说明", "依据条款或事实"]
STATUS_CHOICES = ["全部", *CHECKLIST_STATUSES]
_STATUS_CLASS = {"发现问题": "high", "未发现问题": "ok", "无法判断": "medium", "不适用": "na"}


def checklist_rows(items: list[ChecklistItem], status: str = "全部") -> list[list[Any]]:
    """One row per checklist point, optionally only those with `status`."""
    return [[i.rule_id, i.category, SEVERITY_ZH.get(i.severity, i.severity), i.status, i.note,
             checklist_where(i) or "—"]
            for i in items if status in ("全部", i.status)]


def checklist_header_html(report: ReviewReport) -> str:
    """The notice (forced review), the OCR line and the count of each checklist status, as HTML."""
    parts = []
    if report.notice:
        parts.append(f'<div class="notes" style="border-color:#b91c1c;color:#b91c1c"><b>{esc(report.notice)}</b></div>')
    scanned = ocr_line(report)
    if scanned:
        parts.append(f'<div class="notes">{esc(scanned)}</div>')
    if report.checklist:
        counts = report.summary.get("checklist") or {}
        cards = "".join(
            f'<div class="card {_STATUS_CLASS[s]}"><div>{esc(s)}</div><div class="v">{counts.get(s, 0)}</div></div>'
            for s in CHECKLIST_STATUSES)
        parts.append(f'<div><b>审查要点清单</b>（{len(report.checklist)} 项：{esc(checklist_counts_zh(report))}）</div>'
                     f'<div class="summary-cards" id="checklist-cards">{cards}</div>')
    return "".join(parts)
