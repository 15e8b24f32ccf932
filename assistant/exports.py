"""The collusion report as DOCX, finished like every other export: the collusion module renders it,
this adds the document properties, the A4 page and the Markdown report's 「结论摘要」 line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.docx_export import docx_title, finish_document

if TYPE_CHECKING:
    from assistant.collusion.models import CollusionReport

__all__ = ["COLLUSION_TITLE", "collusion_docx", "collusion_summary_line"]

COLLUSION_TITLE = "投标文件雷同分析报告"
_SUMMARY = "结论摘要："


def collusion_summary_line(report: CollusionReport) -> str | None:
    """The Markdown report's own 「结论摘要：高风险 … 对…」 line (one wording, the collusion module's)."""
    from assistant.collusion.report import render_markdown

    return next((ln for ln in render_markdown(report).splitlines() if ln.startswith(_SUMMARY)), None)


def collusion_docx(report: CollusionReport, out: Path) -> Path:
    """Render the collusion DOCX, then set its properties and page and add the summary line after
    the file line under the title (where the Markdown report has it)."""
    import docx

    from assistant.collusion.report import render_docx

    render_docx(report, out)
    d = docx.Document(str(out))
    finish_document(d, docx_title(COLLUSION_TITLE, Path(report.tender).stem))
    line = collusion_summary_line(report)
    if line and not any(p.text.startswith(_SUMMARY) for p in d.paragraphs):
        anchor = next((p for p in d.paragraphs if p.text.startswith("招标文件：")), None)
        para = d.add_paragraph()
        para.add_run(_SUMMARY).bold = True
        para.add_run(line.removeprefix(_SUMMARY))
        if anchor is not None:
            anchor._p.addnext(para._p)  # move it up from the end of the body
    d.save(str(out))
    return out
