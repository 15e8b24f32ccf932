"""Exported DOCX files carry the app's properties and an A4 page (not python-docx's template defaults)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from assistant.collusion.models import BidSummary, CollusionReport, PairResult, Signal
from assistant.collusion.report import render_docx as render_collusion_docx
from assistant.collusion.report import render_markdown as render_collusion_markdown
from assistant.docx_export import APP_AUTHOR
from assistant.review.report import render_docx
from assistant.schema import Basis, ReviewReport

A4 = (Mm(210), Mm(297))


def _check_finished(path: Path, title_part: str) -> docx.document.Document:
    d = docx.Document(str(path))
    props = d.core_properties
    assert props.author == APP_AUTHOR and props.last_modified_by == APP_AUTHOR
    assert title_part in props.title
    now = _dt.datetime.now(_dt.UTC)
    for stamp in (props.created, props.modified):
        assert stamp is not None and abs((now - stamp.replace(tzinfo=_dt.UTC)).total_seconds()) < 600
    for section in d.sections:
        # stored in twips: within a millimetre of 210 × 297 mm (US Letter is 216 × 279)
        assert abs(section.page_width - A4[0]) < Mm(1) and abs(section.page_height - A4[1]) < Mm(1)
        assert Mm(20) <= section.left_margin <= Mm(35) and Mm(20) <= section.top_margin <= Mm(40)
    return d


def test_review_docx_has_title_author_dates_and_a4(tmp_path: Path) -> None:
    report = ReviewReport(file="/tmp/x/某招标文件.docx", findings=[],
                          summary={"total": 0, "by_severity": {}, "by_category": {}, "regime": "工程"},
                          facts={"project_name": "某道路改造工程"}, metadata={})
    out = render_docx(report, tmp_path / "r.docx")
    d = _check_finished(out, "招标文件审查意见书")
    assert "某道路改造工程" in d.core_properties.title


@pytest.fixture
def collusion_report() -> CollusionReport:
    pair = PairResult(a="甲.docx", b="乙.docx", risk="high", score=99.0)
    return CollusionReport(tender="某项目招标文件.docx", regime="工程",
                           bids=[BidSummary(file="甲.docx"), BidSummary(file="乙.docx")], pairs=[pair],
                           limitations=["认定由评标委员会依法作出。"])


def test_collusion_docx_has_properties_a4_and_the_summary_line(collusion_report: CollusionReport,
                                                             tmp_path: Path) -> None:
    out = render_collusion_docx(collusion_report, tmp_path / "c.docx")
    d = _check_finished(out, "投标文件雷同分析报告")
    assert "某项目招标文件" in d.core_properties.title
    texts = [p.text for p in d.paragraphs]
    summary = next(i for i, t in enumerate(texts) if t.startswith("结论摘要："))
    assert "高风险 1 对" in texts[summary] and texts[summary - 1].startswith("招标文件：")
    assert sum(t.startswith("结论摘要：") for t in texts) == 1


def test_collusion_reports_print_each_article_label_once(collusion_report: CollusionReport, tmp_path: Path) -> None:
    """The legal basis text starts with its label (「第四十条 有下列情形……」): printed once, before the colon."""
    text = "第四十条 有下列情形之一的，视为投标人相互串通投标："
    collusion_report.pairs[0].signals = [Signal(kind="provenance", label="x", tier="强", basis=[
        Basis(title="中华人民共和国招标投标法实施条例", article="第四十条", text=text)])]
    line = "《中华人民共和国招标投标法实施条例》第四十条：有下列情形之一的，视为投标人相互串通投标："
    assert f"- {line}" in render_collusion_markdown(collusion_report).splitlines()
    out = render_collusion_docx(collusion_report, tmp_path / "c.docx")
    assert line in [p.text for p in docx.Document(str(out)).paragraphs]
