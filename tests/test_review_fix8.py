"""Review, task RV8: the SME share shown as a percentage, one severity/confidence vocabulary for the
rule catalogue, T55 询价 for services, and dev-probe misses. Each risky clause is paired with a lawful
near-miss that stays unflagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import format_zh
from assistant.review.pipeline import Reviewer
from assistant.review.report import render_docx, render_markdown

GOV = "本项目为政府采购项目，采购方式：公开招标。\n"


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    return Reviewer(kb=None, use_llm=False)


def _rules(reviewer: Reviewer, text: str) -> set[str]:
    return {f.rule_id for f in reviewer.review_text(GOV + text, use_llm=False).findings}


# --------------------------------------------------------------------------- 1. the SME share is a percentage


def test_sme_share_is_a_fraction_shown_as_a_percentage() -> None:
    assert format_zh.fact_text("sme_share", 0.2) == "20%"
    assert format_zh.fact_text("sme_share", 0.35) == "35%"


def test_the_reserved_share_is_listed_among_the_facts_as_a_percentage(reviewer: Reviewer, tmp_path: Path) -> None:
    report = reviewer.review_text(GOV + "本项目预算金额600万元（办公家具采购），预留其中40%的份额通过分包方式面向中小企业。",
                                  use_llm=False)
    assert report.facts["sme_share"] == pytest.approx(0.4)  # the machine value stays a fraction (JSON, API)
    rows = dict(format_zh.fact_rows(report.facts))
    assert rows["预留面向中小企业的份额（占预算）"] == "40%"
    md = render_markdown(report)
    assert "预留面向中小企业的份额（占预算）" in md and "40%" in md and "0.4" not in md
    from docx import Document

    path = render_docx(report, tmp_path / "r.docx")
    cells = [c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells]
    assert "40%" in cells


# --------------------------------------------------------------------------- 2. one severity/confidence vocabulary


def test_catalogue_text_uses_the_one_severity_and_confidence_vocabulary() -> None:
    from assistant.review.catalogue import _rule_text, load_catalogue
    from assistant.schema import CONFIDENCE_ZH, SEVERITY_ZH

    rules = load_catalogue().rules
    assert {r.severity for r in rules} >= {"high", "medium"}
    for rule in rules:
        text = _rule_text(rule)
        assert f"风险等级：{SEVERITY_ZH[rule.severity]}。" in text
        for b in rule.basis:
            assert f"置信度{CONFIDENCE_ZH[b.confidence]}）" in text
        assert "med" not in text and "medium" not in text
