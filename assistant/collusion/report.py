"""Render a CollusionReport as JSON, Markdown or DOCX (all user-facing text in Simplified Chinese)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.collusion.data import Glossary
from assistant.collusion.models import CollusionReport, Evidence, PairResult
from assistant.collusion.prices import missing_totals_note
from assistant.collusion.scoring import WEIGHT
from assistant.docx_export import docx_title, finish_document
from assistant.schema import SEVERITY_ZH
from assistant.text_zh import strip_article_label

LIMITS_TITLE = "检查方法与局限"
MAX_GROUP_EVIDENCE = 10


def _basis_lines(report: CollusionReport) -> list[str]:
    """Each cited article once: 「《…》第N条：text」 (the text without its own label, printed before it)."""
    cited = [b for p in report.pairs for s in p.signals for b in s.basis] + [b for g in report.groups for b in g.basis]
    basis = {(b.title, b.article): b for b in cited}
    return [f"《{b.title}》{b.article or ''}：{strip_article_label(b.text, b.article) if b.text else b.note or ''}"
            for b in basis.values()]


def regime_label(report: CollusionReport) -> str:
    """The regime as the report prints it, with its caveat when it was read from the bids, not the 招标文件."""
    if report.regime_from == "bids":
        return f"{report.regime}（招标文件无法确认，按投标文件用语判断）"
    return report.regime


def _files_line(report: CollusionReport) -> str:
    """「招标文件：…　适用体系：…　投标文件：N 份」, with the repeated uploads left out of the analysis."""
    repeated = report.checks.get("repeated_uploads")
    extra = f"（另有 {len(repeated)} 份重复上传，未重复分析）" if isinstance(repeated, list) and repeated else ""
    return f"招标文件：{report.tender}　适用体系：{regime_label(report)}　投标文件：{len(report.bids)} 份{extra}"


GLOSSARY_TITLE = "术语说明"


def glossary(report: CollusionReport, data: Glossary) -> list[str]:
    """How risk and score are read, and the technical words the report uses, in plain Chinese (glossary.yaml)."""
    out = [data.score_scale.format(**{tier: f"{points:g}" for tier, points in WEIGHT.items()})] if report.pairs else []
    body = report.model_dump_json(include={"pairs", "groups", "context", "limitations"})
    return out + [text for term, text in data.terms.items() if term in body]


def render_json(report: CollusionReport) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _money(v: float | None) -> str:
    return f"{v:,.2f} 元" if v is not None else "未识别"


def _pair_title(p: PairResult) -> str:
    a = f"{p.a}（{p.bidder_a}）" if p.bidder_a else p.a
    b = f"{p.b}（{p.bidder_b}）" if p.bidder_b else p.b
    return f"{a} ↔ {b}"


def _ev_lines(e: Evidence) -> list[str]:
    out = [f"    - {e.description}" + (f"：`{e.value}`" if e.value and len(e.value) <= 60 else "")]
    for side in (e.a, e.b):
        if side is not None and side.text:
            out.append(f"      - {side.file} {side.location}：{side.text}")
    return out


TITLE = "投标文件雷同分析报告"
SUMMARY_LABEL = "结论摘要："


def summary_line(report: CollusionReport) -> str:
    """「高风险 N 对，中风险 N 对，低风险（仅弱信号，不构成预警）N 对。」 (after 结论摘要：)."""
    def n(risk: str) -> int:
        return sum(p.risk == risk for p in report.pairs)

    missing = report.checks.get("totals_missing")
    totals = f"{missing_totals_note(len(missing))}。" if isinstance(missing, list) and missing else ""
    return f"高风险 {n('high')} 对，中风险 {n('medium')} 对，低风险（仅弱信号，不构成预警）{n('low')} 对。{totals}"


def _md_pairs(report: CollusionReport) -> list[str]:
    lines = [] if report.pairs else ["未发现扣除招标文件和范本后的共同线索。"]
    for n, p in enumerate(report.pairs, start=1):
        lines.append(f"### {n}. {_pair_title(p)}　风险：{SEVERITY_ZH[p.risk]}（得分 {p.score:g}）")
        for s in p.signals:
            lines.append(f"- 【{s.tier}】{s.label}　依据：{s.legal_ref}")
            for e in s.evidence[:5]:
                lines += _ev_lines(e)
            if s.innocent_explanations_checked:
                lines.append(f"    - 已核对的正当解释：{'；'.join(s.innocent_explanations_checked)}")
        lines.append("")
    return lines


def _md_groups(report: CollusionReport) -> list[str]:
    if not report.groups:
        return []
    lines = ["## 关联组", ""]
    for g in report.groups:
        lines.append(f"- 【{g.tier}】{g.description}：{'、'.join(g.members)}")
        for e in g.evidence[:MAX_GROUP_EVIDENCE]:
            lines += _ev_lines(e)
    return [*lines, ""]


def render_markdown(report: CollusionReport) -> str:
    lines = [f"# {TITLE}", "", _files_line(report), ""]
    lines += [SUMMARY_LABEL + summary_line(report), ""]
    for w in report.warnings:  # one quote block each: adjacent 「>」 lines would run together into one paragraph
        lines += [f"> 提示：{w}", ""]
    lines += ["## 投标文件", "", "| 文件 | 投标人 | 投标总价 |", "|---|---|---|"]
    lines += [f"| {b.file} | {b.bidder or '未识别'} | {_money(b.total_price)} |" for b in report.bids]
    lines += ["", "## 可疑投标人对（按证据强弱排序）", "", *_md_pairs(report), *_md_groups(report)]
    if report.context:
        lines += ["## 背景信息（不作为认定依据）", ""] + [f"- {c}" for c in report.context] + [""]
    basis = _basis_lines(report)
    if basis:
        lines += ["## 法律依据原文", ""] + [f"- {line}" for line in basis] + [""]
    terms = report.glossary
    if terms:
        lines += [f"## {GLOSSARY_TITLE}", ""] + [f"- {line}" for line in terms] + [""]
    lines += [f"## {LIMITS_TITLE}", ""] + [f"- {x}" for x in report.limitations]
    return "\n".join(lines) + "\n"


def _docx_evidence(d: Any, e: Evidence) -> None:
    """One piece of evidence: its description, then each side with the shared part highlighted."""
    from docx.enum.text import WD_COLOR_INDEX

    d.add_paragraph(e.description + (f"：{e.value}" if e.value and len(e.value) <= 60 else ""))
    for side in (e.a, e.b):
        if side is None or not side.text:
            continue
        para = d.add_paragraph(f"{side.file} {side.location}：")
        text, hl = side.text, side.highlight
        pos = text.find(hl) if hl else -1
        if pos < 0:
            para.add_run(text)
        else:
            para.add_run(text[:pos])
            run = para.add_run(hl)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            para.add_run(text[pos + len(hl):])


def render_docx(report: CollusionReport, out: Path) -> Path:  # noqa: C901 - collusion module, split pending
    import docx
    from docx.oxml.ns import qn

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "宋体"
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    finish_document(d, docx_title(TITLE, Path(report.tender).stem))
    d.add_heading(TITLE, 0)
    d.add_paragraph(_files_line(report))
    summary = d.add_paragraph()
    summary.add_run(SUMMARY_LABEL).bold = True
    summary.add_run(summary_line(report))
    for w in report.warnings:
        d.add_paragraph(f"提示：{w}")
    t = d.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, ("文件", "投标人", "投标总价"), strict=True):
        c.text = h
    for b in report.bids:
        row = t.add_row().cells
        row[0].text, row[1].text, row[2].text = b.file, b.bidder or "未识别", _money(b.total_price)
    d.add_heading("可疑投标人对（按证据强弱排序）", 1)
    if not report.pairs:
        d.add_paragraph("未发现扣除招标文件和范本后的共同线索。")
    for n, p in enumerate(report.pairs, start=1):
        d.add_heading(f"{n}. {_pair_title(p)}　风险：{SEVERITY_ZH[p.risk]}", 2)
        for s in p.signals:
            d.add_paragraph(f"【{s.tier}】{s.label}　依据：{s.legal_ref}", style="List Bullet")
            for e in s.evidence[:4]:
                _docx_evidence(d, e)
            if s.innocent_explanations_checked:
                d.add_paragraph("已核对的正当解释：" + "；".join(s.innocent_explanations_checked))
    if report.groups:
        d.add_heading("关联组", 1)
        for g in report.groups:
            d.add_paragraph(f"【{g.tier}】{g.description}：{'、'.join(g.members)}", style="List Bullet")
            for e in g.evidence[:MAX_GROUP_EVIDENCE]:
                _docx_evidence(d, e)
    if report.context:
        d.add_heading("背景信息（不作为认定依据）", 1)
        for c in report.context:
            d.add_paragraph(c)
    basis = _basis_lines(report)
    if basis:
        d.add_heading("法律依据原文", 1)
        for line in basis:
            d.add_paragraph(line)
    terms = report.glossary
    if terms:
        d.add_heading(GLOSSARY_TITLE, 1)
        for line in terms:
            d.add_paragraph(line, style="List Bullet")
    d.add_heading(LIMITS_TITLE, 1)
    for line in report.limitations:
        d.add_paragraph(line, style="List Bullet")
    out.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(out))
    return out
