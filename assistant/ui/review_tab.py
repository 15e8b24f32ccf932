"""招标文件审查 tab: upload, progress, findings table with filters, highlighted clause, chart, downloads."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.errors import InputFileError, NotATenderError, UserError
from assistant.schema import SEVERITY_ZH, ChecklistItem, Finding, ReviewReport
from assistant.services import Services
from assistant.ui.chart import (
    CATEGORY_COL,
    COUNT_COL,
    SEVERITY_COL,
    SEVERITY_COLORS,
    count_axis_top,
    findings_frame,
)
from assistant.ui.checklist_view import (
    CHECKLIST_COLUMNS,
    STATUS_CHOICES,
    checklist_header_html,
    checklist_rows,
)
from assistant.ui.common import Done, friendly, with_progress
from assistant.ui.render import (
    FINDING_COLUMNS,
    end_user_text,
    finding_detail_html,
    finding_rows,
    message_html,
    report_summary_html,
    sort_findings,
)
from assistant.uploads import REVIEW_SUFFIXES, check_suffix, new_upload_dir

log = logging.getLogger("assistant.ui.review")

SEVERITY_CHOICES = ["全部", *SEVERITY_ZH.values()]
FORCE_HINT = "如确需审查，请勾选“仍然审查”后重新点击“开始审查”。"
EMPTY_SUMMARY = '<div class="empty" style="color:#64748b">审查结果将显示在这里。</div>'


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


def chart_update(findings: list[Finding]) -> Any:
    """The 各类别问题数量 chart's new data; hidden while there is nothing to draw.

    The browser builds the chart (scales, colour legend) from the data present when it is drawn and
    on a new value only swaps the data: built from an empty frame, a later single finding got no
    bar colour and an empty 「风险等级」 legend. Shown again, the chart is drawn from its current data.
    The count axis is set to whole-number ticks (`count_axis_top`).
    """
    frame = findings_frame(findings)
    return gr.update(value=frame, visible=bool(findings), y_lim=[0, count_axis_top(frame)])


def _findings(state: dict[str, Any] | None) -> list[Finding]:
    if not state:
        return []
    return [Finding.model_validate(f) for f in state.get("findings", [])]


def build(services: Services) -> None:  # noqa: C901 - the tab and its event handlers
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
            summary = gr.HTML(EMPTY_SUMMARY, elem_id="review-summary")
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
            chart = gr.BarPlot(findings_frame([]), x=CATEGORY_COL, y=COUNT_COL, color=SEVERITY_COL,
                               color_map=SEVERITY_COLORS, title="各类别问题数量", x_title="风险类别",
                               y_title="问题数量", color_title="风险等级", sort="-y", x_label_angle=-35,
                               y_lim=[0, None], tooltip="all", label="问题分布", show_label=False,
                               height=320, elem_id="review-chart", buttons=[], visible=False)

    results = [report_state, summary, table, severity, category, detail, chart, dl_docx, dl_md, dl_json,
               checklist_head, status, checklist]

    @friendly
    def run(path: str | None, forced: bool) -> Iterator[tuple[Any, ...]]:
        """The review with its progress panel; a user error replaces the panel in place (no toast that
        vanishes while the panel still says 「正在审查…」)."""
        try:
            yield from review_steps(path, forced)
        except NotATenderError as exc:
            yield failed(exc.with_hint(FORCE_HINT))
        except UserError as exc:
            yield failed(exc)

    def failed(exc: UserError) -> tuple[Any, ...]:
        log.info("review refused: %s: %s", type(exc).__name__, exc.detail)
        state, _summary, *rest = clear_results()
        return (state, message_html(f"无法审查：{end_user_text(exc.message)}", ok=False), *rest)

    def review_steps(path: str | None, forced: bool) -> Iterator[tuple[Any, ...]]:
        if not path:
            raise InputFileError("请先上传招标文件（DOCX、PDF 或 TXT）。", "review without a file")
        check_suffix(Path(path).name, REVIEW_SUFFIXES)
        size = Path(path).stat().st_size
        if size > settings.max_upload_bytes:
            raise InputFileError(f"文件超过大小上限 {settings.app.max_upload_mb} MB。", f"{path}: {size} bytes")
        skip = tuple(gr.skip() for _ in range(len(results) - 2))
        title = f"正在审查「{Path(path).name}」"

        def work(cb: Callable[[str, int, int], None]) -> tuple[ReviewReport, tuple[Path, Path, Path]]:
            report = services.reviewer.review(Path(path), progress=cb, force=bool(forced))
            report = report.model_copy(update={"findings": sort_findings(report.findings)})
            cb("生成审查意见书", 0, 1)
            return report, export_reports(report, Path(settings.data_dir))

        done: tuple[ReviewReport, tuple[Path, Path, Path]] | None = None
        cleared = False
        for item in with_progress(work, title):
            if isinstance(item, Done):
                done = item.value
            elif not cleared:  # the previous review leaves the screen as soon as a new one starts
                cleared = True
                state, _summary, *rest = clear_results()
                yield (state, item, *rest)
            else:
                yield (gr.skip(), item, *skip)
        assert done is not None
        report, (docx, md, js) = done
        state = report.model_dump(mode="json")
        cats = ["全部", *sorted({f.category for f in report.findings})]
        first = report.findings[0] if report.findings else None
        yield (
            state,
            report_summary_html(report),
            finding_rows(report.findings),
            gr.update(value="全部"),
            gr.update(choices=cats, value="全部"),
            finding_detail_html(first),
            chart_update(report.findings),
            gr.update(value=str(docx), visible=True),
            gr.update(value=str(md), visible=True),
            gr.update(value=str(js), visible=True),
            checklist_header_html(report),
            gr.update(value="全部"),
            checklist_rows(report.checklist),
        )

    def refilter(state: dict[str, Any] | None, sev: str, cat: str) -> tuple[list[list[Any]], str]:
        """The filtered rows, and the detail pane showing the first of them (never a hidden finding)."""
        findings = _findings(state)
        rows = finding_rows(findings, sev, cat)
        first = findings[int(rows[0][0]) - 1] if rows else None
        if first is None and findings:
            return rows, finding_detail_html(None, empty_text="没有符合筛选条件的问题。")
        return rows, finding_detail_html(first)

    def clear_results() -> tuple[Any, ...]:
        """A new file was chosen (or the file removed): nothing of the previous review stays on screen."""
        return (
            None,
            EMPTY_SUMMARY,
            [],
            gr.update(value="全部"),
            gr.update(choices=["全部"], value="全部"),
            finding_detail_html(None),
            chart_update([]),
            gr.update(value=None, visible=False),
            gr.update(value=None, visible=False),
            gr.update(value=None, visible=False),
            "",
            gr.update(value="全部"),
            [],
        )

    def refilter_checklist(state: dict[str, Any] | None, wanted: str) -> list[list[Any]]:
        items = [ChecklistItem.model_validate(i) for i in (state or {}).get("checklist", [])]
        return checklist_rows(items, wanted)

    def select(state: dict[str, Any] | None, rows: Any, evt: gr.SelectData) -> str:
        findings = _findings(state)
        try:
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else int(evt.index)
            number = rows.iloc[row, 0] if isinstance(rows, pd.DataFrame) else rows[row][0]
            return finding_detail_html(findings[int(number) - 1])
        except (IndexError, ValueError, TypeError, KeyError):
            return finding_detail_html(None)

    start.click(
        run, [upload, force], results, concurrency_id="review",
        concurrency_limit=max(1, settings.app.concurrency_limit // 2), show_progress="hidden",
    )
    upload.change(clear_results, None, results, queue=False, show_progress="hidden")
    severity.change(refilter, [report_state, severity, category], [table, detail], queue=False)
    category.change(refilter, [report_state, severity, category], [table, detail], queue=False)
    table.select(select, [report_state, table], detail, queue=False)
    status.change(refilter_checklist, [report_state, status], checklist, queue=False)
