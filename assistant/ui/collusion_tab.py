"""投标文件雷同分析 tab: tender + bids (the bid-count limits of every interface), per-file progress, ranked pairs, side-by-side evidence, graph, DOCX."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.collusion.models import CollusionReport, Excerpt, PairResult
from assistant.collusion.pipeline import MAX_BIDS, MIN_BIDS
from assistant.collusion.report import regime_label
from assistant.errors import InputFileError
from assistant.schema import SEVERITY_ZH
from assistant.services import Services
from assistant.ui.common import friendly
from assistant.uploads import BID_SUFFIXES, check_suffix, new_upload_dir

PAIR_COLUMNS = ["序号", "投标文件甲", "投标文件乙", "风险", "主要证据"]
RISK_COLOR = {"high": "#b91c1c", "medium": "#b45309", "low": "#64748b"}
CSS = """
<style>
.cl-side{display:flex;gap:12px;flex-wrap:wrap}.cl-side>div{flex:1;min-width:260px;border:1px solid #e2e8f0;
border-radius:8px;padding:8px;background:#f8fafc}.cl-side mark{background:#fde68a;padding:0 1px}
.cl-sig{margin:10px 0;padding:8px;border-left:4px solid #1e3a8a;background:#fff}.cl-tier{font-weight:700}
.cl-small{color:#64748b;font-size:.85em}
.cl-warn{margin:8px 0;padding:6px 10px;border-left:4px solid #d97706;background:#fffbeb}
</style>
"""


def _excerpt_html(e: Excerpt | None) -> str:
    if e is None:
        return '<div class="cl-small">（无）</div>'
    text, hl = e.text, e.highlight
    pos = text.find(hl) if hl else -1
    body = html.escape(text) if pos < 0 else (html.escape(text[:pos]) + "<mark>" + html.escape(hl) + "</mark>" +
                                             html.escape(text[pos + len(hl):]))
    return f'<div><div class="cl-small">{html.escape(e.file)} · {html.escape(e.location)}</div>{body}</div>'


def pair_detail_html(p: PairResult | None) -> str:
    if p is None:
        return CSS + '<div class="cl-small">点击上表中的一对投标文件，查看两边的原文证据。</div>'
    parts = [CSS, f"<h3>{html.escape(p.bidder_a or p.a)} ↔ {html.escape(p.bidder_b or p.b)} "
                  f'<span style="color:{RISK_COLOR[p.risk]}">风险：{SEVERITY_ZH[p.risk]}</span></h3>']
    for s in p.signals:
        parts.append(f'<div class="cl-sig"><span class="cl-tier">【{s.tier}】</span>{html.escape(s.label)}'
                     f'<div class="cl-small">依据：{html.escape(s.legal_ref)}</div>')
        for e in s.evidence[:4]:
            parts.append(f"<div>{html.escape(e.description)}</div>")
            parts.append(f'<div class="cl-side">{_excerpt_html(e.a)}{_excerpt_html(e.b)}</div>')
        if s.innocent_explanations_checked:
            parts.append(f'<div class="cl-small">已核对的正当解释：{html.escape("；".join(s.innocent_explanations_checked))}</div>')
        for b in s.basis[:1]:
            parts.append(f'<details><summary class="cl-small">条文原文：《{html.escape(b.title)}》{html.escape(b.article or "")}</summary>'
                         f'<div class="cl-small">{html.escape(b.text or b.note or "")}</div></details>')
        parts.append("</div>")
    return "".join(parts)


def graph_svg(report: CollusionReport) -> str:
    """Bidders on a circle, linked by high-risk pairs; drawn by the browser (SVG), no image fonts needed."""
    names = [b.file for b in report.bids]
    label = {b.file: (b.bidder or b.file) for b in report.bids}
    n = max(1, len(names))
    w, h, r = 640, 420, 160
    pos = {f: (w / 2 + r * math.cos(2 * math.pi * i / n - math.pi / 2), h / 2 + r * math.sin(2 * math.pi * i / n - math.pi / 2))
           for i, f in enumerate(names)}
    edges = []
    for p in report.pairs:
        if p.risk != "high" or p.a not in pos or p.b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[p.a], pos[p.b]
        width = min(6, 1 + sum(s.tier == "强" for s in p.signals))
        edges.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#b91c1c" stroke-width="{width}"/>')
    nodes = []
    for f, (x, y) in pos.items():
        nodes.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="9" fill="#1e3a8a"/>'
                     f'<text x="{x:.0f}" y="{y + 24:.0f}" text-anchor="middle" font-size="12">{html.escape(label[f][:14])}</text>')
    legend = '<text x="10" y="20" font-size="13">红线：有强证据相互关联的投标人（线越粗，强证据越多）</text>'
    return (f'<svg id="collusion-graph" viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px;background:#fff;'
            f'border:1px solid #e2e8f0;border-radius:8px">{legend}{"".join(edges)}{"".join(nodes)}</svg>')


def summary_html(report: CollusionReport) -> str:
    high = sum(p.risk == "high" for p in report.pairs)
    med = sum(p.risk == "medium" for p in report.pairs)
    groups = "；".join(f"{g.description}：{'、'.join(g.members)}" for g in report.groups) or "无"
    limits = "".join(f"<li>{html.escape(x)}</li>" for x in report.limitations)
    ctx = "".join(f"<li>{html.escape(x)}</li>" for x in report.context)
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
    return (CSS + f"<div><b>{len(report.bids)}</b> 份投标文件（适用体系：{html.escape(regime_label(report))}），"
            f'<b style="color:#b91c1c">高风险 {high} 对</b>，中风险 {med} 对。关联组：{html.escape(groups)}</div>'
            + (f'<div class="cl-warn"><b>请先核对</b><ul>{warnings}</ul></div>' if warnings else "")
            + (f'<div class="cl-small"><b>背景信息（不作为认定依据）</b><ul>{ctx}</ul></div>' if ctx else "")
            + f'<details><summary><b>检查方法与局限</b></summary><ul class="cl-small">{limits}</ul></details>')


def pair_rows(report: CollusionReport) -> list[list[Any]]:
    rows = []
    for n, p in enumerate(report.pairs, start=1):
        main = "；".join(f"【{s.tier}】{s.label}" for s in p.signals[:3])
        rows.append([n, p.bidder_a or p.a, p.bidder_b or p.b, SEVERITY_ZH[p.risk], main])
    return rows


def build(services: Services) -> None:
    settings = services.settings
    state = gr.State(None)
    gr.Markdown(f"上传同一项目的招标文件和 {MIN_BIDS}–{MAX_BIDS} 份投标文件（DOCX / PDF）。系统先扣除招标文件和范本的内容，再比对相同文字、"
                "相同人员、文档属性和报价规律，按证据强弱列出可疑的投标人对。**是否构成串通投标由评标委员会和行政监督部门认定。**")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            tender = gr.File(label="招标文件", file_types=list(BID_SUFFIXES), type="filepath", elem_id="cl-tender", height=110)
            bids = gr.File(label=f"投标文件（{MIN_BIDS}–{MAX_BIDS} 份）", file_types=list(BID_SUFFIXES), type="filepath", file_count="multiple",
                           elem_id="cl-bids", height=150)
            start = gr.Button("开始分析", variant="primary", elem_id="cl-start")
        with gr.Column(scale=3):
            summary = gr.HTML('<div style="color:#64748b">分析结果将显示在这里。</div>', elem_id="cl-summary")
            dl = gr.DownloadButton("下载分析报告（Word）", visible=False, variant="primary", elem_id="cl-dl-docx")
    table = gr.Dataframe(headers=PAIR_COLUMNS, value=[], interactive=False, wrap=True, max_height=360,
                         column_widths=["6%", "20%", "20%", "6%", "48%"], label="可疑投标人对（按证据强弱排序，点击一行查看证据）",
                         elem_id="cl-table")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            detail = gr.HTML(pair_detail_html(None), elem_id="cl-detail")
        with gr.Column(scale=2):
            graph = gr.HTML("", elem_id="cl-graph")

    @friendly
    def run(tender_path: str | None, bid_paths: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:
        if not tender_path:
            raise InputFileError("请先上传招标文件（DOCX 或 PDF）。", "collusion without tender")
        paths = [Path(p) for p in (bid_paths or [])]
        if not MIN_BIDS <= len(paths) <= MAX_BIDS:
            raise InputFileError(f"请上传 {MIN_BIDS}–{MAX_BIDS} 份投标文件（当前 {len(paths)} 份）。", f"{len(paths)} bids")
        for p in [Path(tender_path), *paths]:
            check_suffix(p.name, BID_SUFFIXES)
        analyzer = services.collusion
        total = len(paths) + 2
        progress((0, total), desc=f"读取招标文件 {Path(tender_path).name}")
        tdoc = analyzer.read(Path(tender_path))
        docs = []
        for i, p in enumerate(paths, start=1):
            progress((i, total), desc=f"读取投标文件 {p.name}（{i}/{len(paths)}）")
            docs.append(analyzer.read(p))
        progress((total - 1, total), desc="比对投标文件")
        report = analyzer.analyze_docs(tdoc, docs)
        from assistant.collusion.report import render_docx

        out = new_upload_dir(Path(settings.data_dir), "exports") / "投标文件雷同分析报告.docx"
        render_docx(report, out)
        first = report.pairs[0] if report.pairs else None
        return (report.model_dump(mode="json"), summary_html(report), pair_rows(report), pair_detail_html(first),
                graph_svg(report), gr.update(value=str(out), visible=True))

    def select(st: dict | None, evt: gr.SelectData) -> str:
        if not st:
            return pair_detail_html(None)
        report = CollusionReport.model_validate(st)
        try:
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else int(evt.index)
            return pair_detail_html(report.pairs[int(row)])
        except (IndexError, ValueError, TypeError):
            return pair_detail_html(None)

    start.click(run, [tender, bids], [state, summary, table, detail, graph, dl], concurrency_id="collusion",
                concurrency_limit=max(1, settings.app.concurrency_limit // 2))
    table.select(select, [state], detail, queue=False)
