"""PDF review: layout-broken lines and tables are re-joined before rules run.

The unit tests feed the reflow the loader-style blocks a PDF produces (one per line, table
rows flattened into space-separated text); the end-to-end tests use the LibreOffice PDF
exports of the development tenders, which carry the same labels as the DOCX originals.
"""

from __future__ import annotations

import sys

import pytest

from assistant.config import PROJECT_ROOT
from assistant.review.pdf_reflow import reflow_pdf_blocks, squeeze_spaces
from assistant.review.pipeline import Reviewer
from assistant.review.reader import read_clauses, segment
from assistant.schema import Block, LoadedDocument, Location

DEV = PROJECT_ROOT / "tests" / "data" / "tenders_dev"
sys.path.insert(0, str(PROJECT_ROOT / "bench"))


def _blocks(*lines: str, page: int = 1) -> list[Block]:
    return [Block(text=t, kind="paragraph", location=Location(page=page, paragraph=i)) for i, t in enumerate(lines)]


def _rows(blocks: list[Block]) -> list[list[str]]:
    return [b.cells or [] for b in blocks if b.kind == "table_row"]


def test_squeeze_spaces_keeps_latin_gaps() -> None:
    assert squeeze_spaces("2025 年7 月1 日，人民币80 万元") == "2025年7月1日，人民币80万元"
    assert squeeze_spaces("CPU i5 处理器") == "CPU i5处理器"


def test_wrapped_cells_rejoin_into_rows() -> None:
    out = reflow_pdf_blocks(_blocks(
        "序号 评分因素 分值 评分标准",
        "1 价格 20 满足招标文件要求",
        "且投标价格最低的",
        "投标报价为评标基准价。",
        "2 工期 5 工期每提前10 日加",
        "1 分，最多加5",
        "分。",
        "3 企业实力 10 注册资本不低于",
        "5000 万元的得10",
        "分。",
        "投标报价低于最高投标限价85%的，作否决投标处理。",
    ))
    rows = _rows(out)
    assert rows[0] == ["序号", "评分因素", "分值", "评分标准"]
    assert rows[1] == ["1", "价格", "20", "满足招标文件要求且投标价格最低的投标报价为评标基准价。"]
    assert rows[2] == ["2", "工期", "5", "工期每提前10日加1分，最多加5分。"]  # 「1 分」 is not row 1
    assert rows[3] == ["3", "企业实力", "10", "注册资本不低于5000万元的得10分。"]  # 「5000 万元」 is not row 5000
    assert out[-1].kind == "paragraph" and out[-1].text.startswith("投标报价低于最高投标限价85%")


def test_label_cell_wrapping_column_by_column() -> None:
    """A narrow 评分因素 cell arrives before the score and content lines."""
    rows = _rows(reflow_pdf_blocks(_blocks(
        "序号 评分因素 分值 评分标准",
        "1 类似项目业绩(近",
        "三年)",
        "15 提供金华市范围内",
        "已完成的项目业绩的，每个得5 分。",
        "2 技术参数 45 完全满足的得45 分。",
    )))
    assert rows[1] == ["1", "类似项目业绩(近三年)", "15", "提供金华市范围内已完成的项目业绩的，每个得5分。"]
    assert rows[2][:3] == ["2", "技术参数", "45"]


def test_front_table_rows_split_and_numbers_kept() -> None:
    rows = _rows(reflow_pdf_blocks(_blocks(
        "条款号 条款名称 编列内容",
        "3.4.1 投标保证金的金额与递交方",
        "式",
        "投标保证金为工程估算价的",
        "3%，以银行转账形式递交。",
        "3.3.1 投标有效期 投标有效期：90 日历天3.4.2 保证金有效期 投标保证金有效期为开标后",
        "30 日。",
        "12.1 投标保证金 投标保证金金额：",
        "4.5 万元。",
    )))
    assert rows[1] == ["3.4.1", "投标保证金的金额与递交方式", "投标保证金为工程估算价的3%，以银行转账形式递交。"]
    assert rows[2] == ["3.3.1", "投标有效期", "投标有效期：90日历天"]  # two rows the loader had joined
    assert rows[3] == ["3.4.2", "保证金有效期", "投标保证金有效期为开标后30日。"]
    assert rows[4] == ["12.1", "投标保证金", "投标保证金金额：4.5万元。"]  # 「4.5 万元」 is not row 4.5


def test_paragraph_lines_join_but_headings_stay() -> None:
    out = reflow_pdf_blocks(_blocks(
        "婺城区教育局办公设备采购项目公开",
        "招标文件",
        "一、项目概况",
        "本项目预算金额为150 万元，投标人须在",
        "金华市设立分公司。",
        "显示器：屏幕尺寸须为",
        "23.8 英寸。",
        "■ □项目属性： 货物 服务",
        "1.投标人须具备相应资质。",
    ))
    texts = [b.text for b in out]
    assert texts == ["婺城区教育局办公设备采购项目公开招标文件", "一、项目概况",
                     "本项目预算金额为150万元，投标人须在金华市设立分公司。",
                     "显示器：屏幕尺寸须为23.8英寸。", "项目属性：■货物□服务", "1.投标人须具备相应资质。"]


def test_docx_blocks_are_not_reflowed() -> None:
    doc = LoadedDocument(path="x.docx", format="docx", title="x", blocks=_blocks("投标人须在", "金华市注册。"))
    assert [c.text for c in segment(doc)] == ["投标人须在", "金华市注册。"]


# --------------------------------------------------------------------------- dev tenders as PDF

def _pdfs() -> list[str]:
    return sorted(p.name for p in DEV.glob("*.pdf"))


def test_every_dev_tender_has_a_pdf_twin() -> None:
    assert len(_pdfs()) == len(list(DEV.glob("*_*.docx"))) >= 12


@pytest.mark.parametrize("name", ["E_works_violating.pdf", "F_goods_violating.pdf", "A_works_violating.pdf"])
def test_pdf_clauses_are_whole_sentences(name: str) -> None:
    """Findings on a PDF quote the full labelled clause, never a line fragment."""
    import json

    from review_quality import _norm

    labels = [json.loads(x) for x in (DEV / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    labels = [x for x in labels if x["doc"] == name.replace(".pdf", ".docx") and x["expected"] and x["detect"] == "rule"]
    report = Reviewer(kb=None, use_llm=False).review(DEV / name)
    for lab in labels:
        hits = [f for f in report.findings if f.rule_id == lab["rule_id"]]
        assert any(_norm(lab["text"]) in _norm(f.clause) for f in hits), (lab["rule_id"], lab["text"], [f.clause for f in hits])
    assert report.metadata["format"] == "pdf"
    assert all(f.location.get("page") for f in report.findings if not f.location.get("absent"))


def test_scoring_table_survives_pdf() -> None:
    _, clauses = read_clauses(DEV / "F_goods_violating.pdf")
    rows = [c for c in clauses if c.table_kind == "评分表"]
    assert [c.cells[2] for c in rows if c.cells] == ["30", "15", "10", "45"]


def test_pdf_recall_matches_docx_and_twins_stay_clean() -> None:
    from review_quality import evaluate

    docx = evaluate(use_llm=False, fmt="docx")
    pdf = evaluate(use_llm=False, fmt="pdf")
    assert pdf["recall"] >= docx["recall"] - 0.05
    for r in (docx, pdf):
        assert sum(r["fp_high_medium_per_compliant_doc"].values()) == 0, r["other_findings"]
