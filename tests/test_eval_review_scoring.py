"""Scoring of review findings against labels (fast, no reviewer needed)."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.datasets import Label, TenderFile
from assistant.evaluation.review_suite import finding_rule, score
from assistant.schema import Finding

LABELS = [
    Label("a-01", "T08", "投标保证金超比例（工程）", "投标保证金金额：人民币60万元。"),
    Label("a-02", "T21", "地域限制", "3.3 投标人须在金华市婺城区注册，或在婺城区设有分公司并在婺城区依法纳税。"),
    Label("a-03", "T31", "营业网点", "投标人须在金华市区设有不少于3个服务网点。", alt_rule_ids=["T21"]),
]


def _f(rule: str, clause: str, severity: str = "high") -> Finding:
    return Finding(rule_id=rule, category="x", severity=severity, clause=clause)


def _files() -> list[TenderFile]:
    return [TenderFile("a_risky.docx", Path("a_risky.docx"), "risky", labels=LABELS),
            TenderFile("a_compliant.docx", Path("a_compliant.docx"), "compliant")]


def test_finding_rule_reads_checklist_id() -> None:
    assert finding_rule(_f("T08", "")) == "T08"
    assert finding_rule(_f("rule-T13-deposit", "")) == "T13"
    assert finding_rule(Finding(rule_id="custom", category="T05 异议", severity="low", clause="")) == "T05"


def test_score_counts_tp_fp_fn_and_twin_false_positives() -> None:
    findings = {
        "a_risky.docx": [
            _f("T08", "3.4.1 投标保证金金额 投标保证金金额：人民币60万元。"),  # TP (clause contains label)
            _f("T24", "3.3 投标人须在金华市婺城区注册，或在婺城区设有分公司"),  # wrong rule: FP, and a-02 stays FN
            _f("T21", "投标人须在金华市区设有不少于3个服务网点"),  # matches a-03 through alt id
            _f("T40", "价格分值为20分", severity="low"),  # low: never a false positive
        ],
        "a_compliant.docx": [_f("T08", "投标保证金金额：人民币40万元。", severity="medium"), _f("T01", "x", severity="low")],
    }
    metrics, rows = score(_files(), findings)
    assert metrics["overall"]["tp"] == 2
    assert metrics["overall"]["fn"] == 1
    assert metrics["overall"]["fp"] == 2  # T24 on the risky file + T08 on the twin
    assert metrics["twin_false_positives"] == 1
    assert metrics["per_category"]["T21"]["fn"] == 1
    assert metrics["per_category"]["T31"]["tp"] == 1
    missed = next(r for r in rows if r["id"] == "a-02")
    assert missed["found"] is False and missed["same_clause_other_rules"] == ["T24"]


def test_a_finding_matches_one_label_only() -> None:
    dup = [Label("b-01", "T08", "", "人民币60万元"), Label("b-02", "T08", "", "人民币60万元")]
    files = [TenderFile("b.docx", Path("b.docx"), "risky", labels=dup)]
    metrics, _ = score(files, {"b.docx": [_f("T08", "投标保证金金额：人民币60万元。")]})
    assert metrics["overall"]["tp"] == 1 and metrics["overall"]["fn"] == 1


def test_a_second_accepted_rule_on_a_labelled_clause_is_not_a_false_alarm() -> None:
    files = [TenderFile("c.docx", Path("c.docx"), "risky", labels=[LABELS[2]])]
    clause = "3. 投标人须在金华市区设有不少于3个服务网点。"
    metrics, rows = score(files, {"c.docx": [_f("T21", clause), _f("T31", clause, severity="medium"), _f("T24", clause)]})
    assert metrics["overall"]["tp"] == 1 and metrics["overall"]["fn"] == 0
    assert metrics["overall"]["fp"] == 1 and [r["rule_id"] for r in rows if r.get("false_positive")] == ["T24"]
