"""Renderers of a ReviewReport: JSON (contract), Markdown (Chinese), DOCX 审查意见书 to sign off."""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from pathlib import Path
from typing import Any

from assistant.docx_export import docx_title, finish_document
from assistant.format_zh import REGIME_ZH, date_zh, fact_rows, phrase_bounds
from assistant.schema import (
    CHECKLIST_STATUSES,
    CONFIDENCE_ZH,
    SEVERITY_ZH,
    SOURCE_ZH,
    ChecklistItem,
    Finding,
    ReviewReport,
)
from assistant.text_zh import strip_article_label

__all__ = ["SEVERITY_ZH", "render_docx", "render_json", "render_markdown"]

DOCX_TITLE = "招标文件审查意见书"
_FONT = "SimSun"  # 宋体; Word substitutes an installed CJK font when absent


def render_json(report: ReviewReport) -> str:
    """The contract JSON (UTF-8, Chinese unescaped)."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _loc_zh(loc: dict[str, Any]) -> str:
    parts = []
    if loc.get("section"):
        parts.append(str(loc["section"]))
    if loc.get("page"):
        parts.append(f"第{loc['page']}页")
    if loc.get("table") is not None:
        kind = loc.get("table_kind") or "表格"
        parts.append(f"第{int(loc['table']) + 1}个表格（{kind}）第{int(loc.get('row') or 0) + 1}行")
    elif loc.get("paragraph") is not None:
        parts.append(f"第{int(loc['paragraph']) + 1}段")
    return "，".join(parts) or "—"


def regime_zh(report: ReviewReport) -> str:
    """The regime line of the report, with the reason when the law differs from the words (政府采购工程 by 招标)."""
    regime = report.summary.get("regime")
    text = REGIME_ZH.get(str(regime), str(regime)) if regime else "未能判断"
    reason = (report.facts or {}).get("regime_reason")
    return f"{text}；{reason}" if reason else text


def _facts_rows(report: ReviewReport) -> list[tuple[str, str]]:
    return fact_rows(report.facts)


APPENDIX_TITLE = "附录：引用条文"


def shared_articles(report: ReviewReport) -> dict[tuple[str, str], tuple[int, Any]]:
    """Articles (with text) cited by two or more findings, numbered in order of first citation: their full
    text is printed once, in the appendix, and the findings refer to it."""
    count: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], Any] = {}
    for f in report.findings:
        for key, b in {(b.title, b.article or ""): b for b in f.basis if b.in_knowledge_base and b.text}.items():
            count[key] = count.get(key, 0) + 1
            first.setdefault(key, b)
    shared = [k for k in first if count[k] > 1]
    return {k: (n, first[k]) for n, k in enumerate(shared, 1)}


def _basis_line(b: Any, shared: dict[tuple[str, str], tuple[int, Any]] | None = None) -> str:
    head = f"《{b.title}》{b.article or ''}"
    tag = f"（依据置信度：{CONFIDENCE_ZH.get(b.confidence, b.confidence)}）"
    ref = (shared or {}).get((b.title, b.article or ""))
    part = f"，引用{b.note[2:]}" if b.note and b.note.startswith("引用") and "；" not in b.note else ""
    if ref is not None:
        return f"{head}{tag}：条文见附录「引用条文」第{ref[0]}项{part}"
    if b.in_knowledge_base and b.text:
        return f"{head}{tag}：{strip_article_label(b.text, b.article)}"
    return f"{head}{tag}：{b.note or '知识库未收录该法规，请导入后核对条文'}"


def _appendix_md(shared: dict[tuple[str, str], tuple[int, Any]]) -> list[str]:
    if not shared:
        return []
    return ["", f"## {APPENDIX_TITLE}", "", "以下条文被多项风险引用，全文只列一次：", "",
            *[_md_item(md_escape(line)) for line in _appendix_lines(shared)]]


def _appendix_lines(shared: dict[tuple[str, str], tuple[int, Any]]) -> list[str]:
    return [f"{n}. 《{b.title}》{b.article or ''}：{strip_article_label(b.text, b.article)}" for n, b in shared.values()]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def md_escape(text: object) -> str:
    """Text copied from a tender, made inert in Markdown: no raw HTML (<script>), links, emphasis or table breaks.

    `<`, `>` and `&` become entities (Markdown renderers pass raw HTML through); the characters
    that start links, code, emphasis or table cells get a backslash.
    """
    s = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", s)


def docx_safe(text: object) -> str:
    """Text for a DOCX run: characters XML 1.0 cannot hold are dropped (python-docx would raise)."""
    return _XML_BAD.sub("", str(text))


def _clean_strings(value: Any) -> Any:
    if isinstance(value, str):
        return docx_safe(value)
    if isinstance(value, dict):
        return {k: _clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_strings(v) for v in value]
    return value


def checklist_counts_zh(report: ReviewReport) -> str:
    """「发现问题 1 项，未发现问题 46 项，无法判断 1 项，不适用 13 项」."""
    counts = report.summary.get("checklist") or {}
    return "，".join(f"{s} {counts.get(s, 0)} 项" for s in CHECKLIST_STATUSES)


def ocr_line(report: ReviewReport) -> str | None:
    """Which pages were read by OCR and their mean recognition confidence."""
    pages = report.metadata.get("ocr_pages") or []
    if not pages:
        return None
    conf = report.metadata.get("ocr_confidence") or {}
    parts = []
    for p in pages:
        c = conf.get(str(p))
        parts.append(f"第{p}页（置信度 {c:.2f}）" if isinstance(c, (int, float)) else f"第{p}页")
    return f"扫描页：{'、'.join(parts)} 没有文字层，已用文字识别（OCR）读取，请对照原件核对这些页的审查结论。"


def checklist_where(item: ChecklistItem) -> str:
    """The clause (and facts) a checklist status rests on, one line."""
    bits = []
    if item.facts:
        bits.append("；".join(f"{k}：{v}" for k, v in item.facts.items()))
    if item.clause:
        loc = _loc_zh(item.location) if item.location else ""
        bits.append(f"「{item.clause}」" + (f"（{loc}）" if loc and loc != "—" else ""))
    return "；".join(bits)


def _md_cell(text: str) -> str:
    return md_escape(text).replace("\n", " ")


def _checklist_md(report: ReviewReport) -> list[str]:
    out = ["", "## 四、审查要点清单（逐项结论）", "",
           f"共 {len(report.checklist)} 项：{checklist_counts_zh(report)}。", "",
           "| 编号 | 审查要点 | 等级 | 结论 | 说明 | 依据条款或事实 |", "|---|---|---|---|---|---|"]
    for i in report.checklist:
        out.append(f"| {i.rule_id} | {_md_cell(i.category)} | {SEVERITY_ZH[i.severity]} | {i.status} | "
                   f"{_md_cell(i.note)} | {_md_cell(checklist_where(i)) or '—'} |")
    return out


def _md_item(text: str, indent: str = "") -> str:
    """A list item whose continuation lines stay inside the item (multi-line articles keep the list).

    Continuation lines are indented under the item and end the previous line with a hard break.
    """
    lines = [line.strip() for line in str(text).splitlines() if line.strip()] or ["—"]
    return f"  \n{indent}  ".join([f"{lines[0]}", *lines[1:]]).join([f"{indent}- ", ""])


def _quote(text: str) -> str:
    return "\n".join("> " + md_escape(line) for line in text.splitlines() if line.strip()) or "> （空）"


def review_mode_zh(report: ReviewReport) -> tuple[str, str]:
    """How the file was reviewed, and what went wrong with the model's semantic review (wholly or in part)."""
    batches = report.metadata.get("semantic_batches") or {}
    total, failed = int(batches.get("total", 0) or 0), int(batches.get("failed", 0) or 0)
    mode = "规则审查 + 大模型语义审查" if report.mode == "rules+llm" else "规则审查"
    if total and failed == total:
        return mode, "大模型语义审查未完成，相关要点标为无法判断"
    if failed:
        return mode, f"大模型语义审查部分完成：共{total}批，{failed}批未完成，相关要点标为无法判断"
    return mode, ""


def render_markdown(report: ReviewReport) -> str:
    """A Chinese Markdown report: summary, project facts, findings by severity."""
    s = report.summary
    title = report.metadata.get("title") or Path(report.file).name
    out = [f"# 招标文件审查报告：{md_escape(title)}", ""]
    if report.notice:
        out += [f"> **{md_escape(report.notice)}**", ""]
    out.append(f"- 文件：{md_escape(Path(report.file).name)}")
    out.append(f"- 审查时间：{date_zh(report.metadata.get('reviewed_at')) or '—'}")
    mode, problem = review_mode_zh(report)
    out.append(f"- 审查方式：{mode}（规则 {report.metadata.get('rules', '')} 条，条款 {s.get('clauses', 0)} 个）"
               + (f"；{problem}" if problem else ""))
    out.append(f"- 适用法律体系：{regime_zh(report)}")
    out += ["", "## 一、审查结论摘要", ""]
    sev = s.get("by_severity", {})
    out.append(f"共发现风险 **{s.get('total', 0)}** 项：高 {sev.get('high', 0)} 项，中 {sev.get('medium', 0)} 项，低 {sev.get('low', 0)} 项。")
    if report.checklist:
        out.append(f"\n审查要点 {len(report.checklist)} 项：{checklist_counts_zh(report)}（见第四部分）。")
    scanned = ocr_line(report)
    if scanned:
        out.append(f"\n{scanned}")
    if s.get("by_category"):
        out += ["", "| 风险类别 | 数量 |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in s["by_category"].items()]
    if s.get("titles_not_in_kb"):
        out += ["", "注意：以下法规未收录在知识库中，相关依据仅列出条号，请导入后核对条文：" + "、".join(f"《{t}》" for t in s["titles_not_in_kb"])]
    for w in report.warnings:
        out.append(f"\n> 提示：{md_escape(w)}")
    out += ["", "## 二、项目基本信息（自动提取）", "", "| 项目 | 内容 |", "|---|---|"]
    out += [f"| {md_escape(k)} | {md_escape(v)} |" for k, v in _facts_rows(report)] or ["| — | 未提取到 |"]
    out += ["", "## 三、风险条款明细", ""]
    if not report.findings:
        out.append("未发现规则可识别的风险条款。规则审查不能替代人工审查，请结合项目实际复核。")
    shared = shared_articles(report)
    for i, f in enumerate(report.findings, 1):
        out += _finding_md(i, f, shared)
    if report.checklist:
        out += _checklist_md(report)
    out += _appendix_md(shared)
    out += ["", "---", "本报告由招投标审查助手自动生成，法律依据条文摘自知识库；结论供审查人员参考，须经人工复核后签发。", ""]
    return "\n".join(out)


def _finding_md(i: int, f: Finding, shared: dict[tuple[str, str], tuple[int, Any]] | None = None) -> list[str]:
    src = SOURCE_ZH.get(f.source, f.source)
    lines = [f"### {i}. 【{SEVERITY_ZH[f.severity]}】{f.category}（{f.rule_id}）", "",
             f"- 位置：{md_escape(_loc_zh(f.location))}",
             f"- 识别方式：{src}；结论置信度：{CONFIDENCE_ZH.get(f.confidence, f.confidence)}"]
    if f.evidence:
        i = f.clause.find(f.evidence)
        a, b = phrase_bounds(f.clause, i, i + len(f.evidence)) if i >= 0 else (0, 0)
        lines.append(f"- 风险措辞：「{md_escape(f.clause[a:b] if i >= 0 else f.evidence)}」")
    if f.location.get("absent"):
        lines += ["- 条款原文：（全文未找到相关内容）", _md_item(f"问题说明：{md_escape(f.explanation)}"), "- 法律依据："]
    else:
        lines += ["- 条款原文：", "", _quote(f.clause), "", _md_item(f"问题说明：{md_escape(f.explanation)}"), "- 法律依据："]
    lines += [_md_item(md_escape(_basis_line(b, shared)), indent="  ") for b in f.basis] or ["  - （无）"]
    lines += [_md_item(f"修改建议：{md_escape(f.suggestion)}"), ""]
    return lines


# --------------------------------------------------------------------------- DOCX

def _set_cjk_font(style: Any, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = _FONT
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), _FONT)
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold


def _cell(cell: Any, text: str, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold


def _checklist_docx(d: Any, report: ReviewReport) -> None:
    """Section 四: one row per checklist point with its conclusion and what it rests on."""
    d.add_heading("四、审查要点清单（逐项结论）", level=1)
    t = d.add_table(rows=1, cols=5)
    t.style = "Table Grid"
    for c, txt in zip(t.rows[0].cells, ("编号", "审查要点", "等级", "结论", "说明及依据"), strict=True):
        _cell(c, txt, bold=True)
    for item in report.checklist:
        r = t.add_row().cells
        _cell(r[0], item.rule_id)
        _cell(r[1], item.category)
        _cell(r[2], SEVERITY_ZH[item.severity])
        _cell(r[3], item.status, bold=item.status in ("发现问题", "无法判断"))
        where = checklist_where(item)
        _cell(r[4], item.note + (f"\n依据：{where}" if where else ""))


def _text_width(text: str) -> float:
    """Display width in full-width characters (CJK 1, ASCII ½), longest line of a cell."""
    return max((sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in line) for line in text.splitlines()), default=0.0)


def _size_columns(table: Any, section: Any, caps: tuple[float, ...] | None = None) -> None:
    """Column widths follow their content (longest cell, capped) and fill the text width of the page."""
    from docx.shared import Emu

    ncols = len(table.columns)
    need = [2.0] * ncols
    for row in table.rows:
        for i, cell in enumerate(row.cells[:ncols]):
            need[i] = max(need[i], _text_width(cell.text) + 1.0)
    if caps:
        need = [min(n, c) for n, c in zip(need, caps, strict=False)]
    usable = int(section.page_width - section.left_margin - section.right_margin)
    total = sum(need)
    widths = [Emu(int(usable * n / total)) for n in need]
    table.autofit = False
    for i, col in enumerate(table.columns):
        col.width = widths[i]
        for cell in col.cells:
            cell.width = widths[i]


def render_docx(report: ReviewReport, out_path: str | Path) -> Path:  # noqa: C901 - one block per report section
    """A 审查意见书 an official can sign: title, project, summary table, findings, signature lines."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out = Path(out_path)
    report = ReviewReport.model_validate(_clean_strings(report.model_dump()))
    d = docx.Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        try:
            _set_cjk_font(d.styles[name], 10.5 if name == "Normal" else None)
        except KeyError:
            continue
    s = report.summary
    title = report.metadata.get("title") or Path(report.file).stem
    project = report.facts.get("project_name") or title
    finish_document(d, docx_title(DOCX_TITLE, project))  # before the tables: their widths follow the page
    h = d.add_heading(DOCX_TITLE, level=0)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.notice:
        np_ = d.add_paragraph()
        nr = np_.add_run(report.notice)
        nr.bold = True
    p = d.add_paragraph()
    p.add_run("项目名称：").bold = True
    p.add_run(str(project))
    p = d.add_paragraph()
    p.add_run("审查文件：").bold = True
    p.add_run(Path(report.file).name)
    p = d.add_paragraph()
    p.add_run("审查日期：").bold = True
    p.add_run(date_zh(_dt.date.today()))
    p = d.add_paragraph()
    p.add_run("审查方式：").bold = True
    p.add_run("；".join(x for x in review_mode_zh(report) if x))
    p = d.add_paragraph()
    p.add_run("适用法律体系：").bold = True
    p.add_run(regime_zh(report))

    d.add_heading("一、审查结论", level=1)
    sev = s.get("by_severity", {})
    d.add_paragraph(
        f"经审查，本招标文件共发现风险条款 {s.get('total', 0)} 项，其中高风险 {sev.get('high', 0)} 项、"
        f"中风险 {sev.get('medium', 0)} 项、低风险 {sev.get('low', 0)} 项。"
        + ("建议招标人（采购人）按下列意见修改后再发布。" if s.get("total") else "未发现规则可识别的风险条款。"))
    if s.get("by_category"):
        t = d.add_table(rows=1, cols=3)
        t.style = "Table Grid"
        for c, txt in zip(t.rows[0].cells, ("序号", "风险类别", "数量"), strict=False):
            _cell(c, txt, bold=True)
        for i, (k, v) in enumerate(s["by_category"].items(), 1):
            row = t.add_row().cells
            for cell, value in zip(row, (str(i), k, str(v)), strict=True):
                _cell(cell, value)
        _size_columns(t, d.sections[0])
    if report.checklist:
        d.add_paragraph(f"审查要点共 {len(report.checklist)} 项：{checklist_counts_zh(report)}（逐项结论见第四部分）。")
    scanned = ocr_line(report)
    if scanned:
        d.add_paragraph(scanned)
    for w in report.warnings:
        d.add_paragraph(f"提示：{w}")

    d.add_heading("二、项目基本信息", level=1)
    rows = _facts_rows(report)
    if rows:
        t = d.add_table(rows=0, cols=2)
        t.style = "Table Grid"
        for k, v in rows:
            r = t.add_row().cells
            _cell(r[0], k, bold=True)
            _cell(r[1], v)
        _size_columns(t, d.sections[0], caps=(12.0, 60.0))

    d.add_heading("三、审查意见", level=1)
    if report.findings:
        t = d.add_table(rows=1, cols=5)
        t.style = "Table Grid"
        for c, txt in zip(t.rows[0].cells, ("序号", "风险等级", "风险类别", "位置", "法律依据"), strict=False):
            _cell(c, txt, bold=True)
        for i, f in enumerate(report.findings, 1):
            r = t.add_row().cells
            values = (
                str(i),
                SEVERITY_ZH[f.severity],
                f"{f.category}（{f.rule_id}）",
                _loc_zh(f.location),
                "；".join(f"《{b.title}》{b.article or ''}" for b in f.basis),
            )
            for cell, value in zip(r, values, strict=True):
                _cell(cell, value)
        _size_columns(t, d.sections[0], caps=(3.0, 5.0, 16.0, 16.0, 24.0))
    shared = shared_articles(report)
    for i, f in enumerate(report.findings, 1):
        d.add_heading(f"{i}. 【{SEVERITY_ZH[f.severity]}】{f.category}（{f.rule_id}）", level=2)
        d.add_paragraph(f"位置：{_loc_zh(f.location)}")
        q = d.add_paragraph()
        q.add_run("条款原文：").bold = True
        clause = f.clause or "（全文未找到相关内容）"
        if f.evidence and f.evidence in clause:
            i = clause.index(f.evidence)
            a, b = phrase_bounds(clause, i, i + len(f.evidence))
            q.add_run(clause[:a])
            hl = q.add_run(clause[a:b])
            hl.bold = True
            hl.underline = True
            q.add_run(clause[b:])
        else:
            q.add_run(clause)
        d.add_paragraph(f"问题说明：{f.explanation}")
        d.add_paragraph("法律依据：")
        for basis in f.basis:
            bp = d.add_paragraph(_basis_line(basis, shared), style="List Bullet")
            for run in bp.runs:
                run.font.size = Pt(9)
        d.add_paragraph(f"修改建议：{f.suggestion}")

    if report.checklist:
        _checklist_docx(d, report)
    if shared:
        d.add_heading(APPENDIX_TITLE, level=1)
        d.add_paragraph("以下条文被多项风险引用，全文只列一次：")
        for line in _appendix_lines(shared):
            ap = d.add_paragraph(line, style="List Bullet")
            for run in ap.runs:
                run.font.size = Pt(9)

    d.add_heading("五、审查声明" if report.checklist else "四、审查声明", level=1)
    d.add_paragraph("本意见书由招投标审查助手辅助生成，法律依据条文摘自知识库，审查结论须经审查人员复核确认。"
                    "标注“知识库未收录”的依据，请导入相应法规后核对条文。")
    d.add_paragraph("")
    d.add_paragraph("审查人（签字）：____________________        日期：______年____月____日")
    d.add_paragraph("复核人（签字）：____________________        日期：______年____月____日")
    d.add_paragraph("审查单位（盖章）：")
    out.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(out))
    return out
