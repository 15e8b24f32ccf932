"""招标文件审查 tab: upload, progress, findings table with filters, highlighted clause, chart, downloads."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.errors import InputFileError
from assistant.schema import SEVERITY_ZH, ChecklistItem, Finding, ReviewReport
from assistant.services import Services
from assistant.ui.chart import findings_chart
from assistant.ui.checklist_view import (
    CHECKLIST_COLUMNS,
    STATUS_CHOICES,
    checklist_header_html,
    checklist_rows,
)
from assistant.ui.common import friendly, progress_callback
from assistant.ui.render import (
    FINDING_COLUMNS,
    finding_detail_html,
    finding_rows,
    report_summary_html,
    sort_findings,
)
from assistant.uploads import REVIEW_SUFFIXES, check_suffix, new_upload_dir

log = logging.getLogger("assistant.ui.review")

SEVERITY_CHOICES = ["全部", *SEVERITY_ZH.values()]


def export_reports(report: ReviewReport, data_dir: Path) -> tuple[Path, Path, Path]:
    """Write the DOCX 审查意见书, Markdown and JSON into a fresh data_dir/exports/<generated>/ folder."""
    from assistant.review import report as render

    out_dir = new_upload_dir(data_dir, "exports")
    stem = f"{Path(report.file).stem or '招标文件'}_审查意见书"
    docx = render.render_docx(report, out_dir / f"{stem}.docx")
    md = out_dir / f"{stem}.md"
    md.write_text(render.render_markdown(report), encoding="utf-8")
    js = out_dir / f"{stem}.json"
    js.write_text(render.render_json(report), encoding="utf-8")
    return Path(docx), md, js


def _findings(state: dict[str, Any] | None) -> list[Finding]:
    if not state:
        return []
    return [Finding.model_validate(f) for f in state.get("findings", [])]


def build(services: Services) -> None:
    settings = services.settings
    report_state = gr.State(None)  # ReviewReport dump with findings sorted by severity

    gr.Markdown("上传招标文件（DOCX / PDF / TXT），系统逐条检查限制竞争、保证金、时限等风险条款，"
                "给出原文位置、法律依据和修改建议，并可下载审查意见书。")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            upload = gr.File(label="招标文件", file_types=list(REVIEW_SUFFIXES), type="filepath",
                             elem_id="review-file", height=140)
            force = gr.Checkbox(label="仍然审查（文件看起来不像招标文件时也审查，报告开头会注明）", value=False,
                                elem_id="review-force")
            start = gr.Button("开始审查", variant="primary", elem_id="review-start")
        with gr.Column(scale=3):
            summary = gr.HTML('<div class="empty" style="color:#64748b">审查结果将显示在这里。</div>',
                              elem_id="review-summary")
            with gr.Row():
                dl_docx = gr.DownloadButton("下载审查意见书（Word）", visible=False, variant="primary",
                                            elem_id="dl-docx", size="md")
                dl_md = gr.DownloadButton("下载 Markdown", visible=False, elem_id="dl-md", size="md")
                dl_json = gr.DownloadButton("下载 JSON", visible=False, elem_id="dl-json", size="md")

    with gr.Row():
        severity = gr.Dropdown(SEVERITY_CHOICES, value="全部", label="按风险等级筛选", scale=1)
        category = gr.Dropdown(["全部"], value="全部", label="按风险类别筛选", scale=2)
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
            table = gr.Dataframe(headers=FINDING_COLUMNS, value=[], interactive=False, wrap=True,
                                 column_widths=["6%", "8%", "16%", "36%", "16%", "18%"], max_height=420,
                                 label="发现的问题（点击一行查看详情）", elem_id="review-table")
        with gr.Column(scale=1):
            checklist_head = gr.HTML("", elem_id="review-checklist-summary")
            status = gr.Dropdown(STATUS_CHOICES, value="全部", label="按审查结论筛选", elem_id="review-checklist-filter")
            checklist = gr.Dataframe(headers=CHECKLIST_COLUMNS, value=[], interactive=False, wrap=True,
                                     column_widths=["8%", "20%", "7%", "11%", "30%", "24%"], max_height=420,
                                     label="审查要点清单（每个要点一个结论）", elem_id="review-checklist")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            detail = gr.HTML(finding_detail_html(None), elem_id="review-detail")
        with gr.Column(scale=2):
            chart = gr.Plot(label="问题分布", show_label=False, elem_id="review-chart", format="png")

    @friendly
    def run(path: str | None, forced: bool, progress: gr.Progress = gr.Progress()) -> tuple:
        if not path:
            raise InputFileError("请先上传招标文件（DOCX、PDF 或 TXT）。", "review without a file")
        check_suffix(Path(path).name, REVIEW_SUFFIXES)
        size = Path(path).stat().st_size
        if size > settings.max_upload_bytes:
            raise InputFileError(f"文件超过大小上限 {settings.app.max_upload_mb} MB。", f"{path}: {size} bytes")
        progress(0, desc="读取文件")
        report = services.reviewer.review(Path(path), progress=progress_callback(progress), force=bool(forced))
        report = report.model_copy(update={"findings": sort_findings(report.findings)})
        progress(None, desc="生成报告")
        docx, md, js = export_reports(report, Path(settings.data_dir))
        state = report.model_dump(mode="json")
        cats = ["全部", *sorted({f.category for f in report.findings})]
        first = report.findings[0] if report.findings else None
        figure = findings_chart(report.findings)
        return (
            state,
            report_summary_html(report),
            finding_rows(report.findings),
            gr.update(value="全部"),
            gr.update(choices=cats, value="全部"),
            finding_detail_html(first),
            figure,
            gr.update(value=str(docx), visible=True),
            gr.update(value=str(md), visible=True),
            gr.update(value=str(js), visible=True),
            checklist_header_html(report),
            gr.update(value="全部"),
            checklist_rows(report.checklist),
        )

    def refilter(state: dict | None, sev: str, cat: str) -> list[list[Any]]:
        return finding_rows(_findings(state), sev, cat)

    def select(state: dict | None, rows: Any, evt: gr.SelectData) -> str:
        findings = _findings(state)
        try:
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else int(evt.index)
            number = rows.iloc[row, 0] if isinstance(rows, pd.DataFrame) else rows[row][0]
            return finding_detail_html(findings[int(number) - 1])
        except (IndexError, ValueError, TypeError, KeyError):
            return finding_detail_html(None)

    def refilter_checklist(state: dict | None, wanted: str) -> list[list[Any]]:
        items = [ChecklistItem.model_validate(i) for i in (state or {}).get("checklist", [])]
        return checklist_rows(items, wanted)

    start.click(
        run, [upload, force], [report_state, summary, table, severity, category, detail, chart, dl_docx, dl_md, dl_json,
                               checklist_head, status, checklist],
        concurrency_id="review", concurrency_limit=max(1, settings.app.concurrency_limit // 2),
    )
    severity.change(refilter, [report_state, severity, category], table, queue=False)
    category.change(refilter, [report_state, severity, category], table, queue=False)
    table.select(select, [report_state, table], detail, queue=False)
    status.change(refilter_checklist, [report_state, status], checklist, queue=False)
