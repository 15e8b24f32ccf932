"""Regression gate: a fast subset of the evaluation must not fall below eval/baseline.json.

Runs retrieval on 30 questions (every k-th item of policy_qa.jsonl) and the review of one tender
and its compliant twin against the real knowledge base (`real_services`: real e5 model, real
Chroma), then compares with the `gate` section of eval/baseline.json. Tolerance: the
baseline's `tolerance` (0.03 = three points on a 0..1 metric). Update the baseline with
`tender-assistant eval --update-baseline` after an intended change.
"""

from __future__ import annotations

import json

import pytest

from assistant.config import PROJECT_ROOT
from assistant.evaluation import runner

BASELINE = PROJECT_ROOT / "eval" / "baseline.json"


def test_compare_flags_drops_beyond_tolerance() -> None:
    base = {"tolerance": 0.03, "metrics": {"retrieval.hybrid.hit@1": 0.80, "review.overall.f1": 0.50}}
    ok = {"retrieval": {"hybrid": {"hit@1": 0.78}}, "review": {"overall": {"f1": 0.60}}, "qa": None}
    assert runner.compare(ok, base) == []
    bad = {"retrieval": {"hybrid": {"hit@1": 0.76}}, "review": {"overall": {"f1": 0.60}}, "qa": None}
    drops = runner.compare(bad, base)
    assert len(drops) == 1 and "retrieval.hybrid.hit@1" in drops[0]
    fake_cite = {"qa": {"nonexistent_citations": 2, "citation_recall": 1.0}}
    assert any("nonexistent" in d for d in runner.compare(fake_cite, {"metrics": {}}))


def test_baseline_file_is_well_formed() -> None:
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert 0 < data["tolerance"] <= 0.1
    gate = data["gate"]["metrics"]
    for key in ("retrieval.hybrid.hit@1", "retrieval.hybrid.hit@5", "retrieval.hybrid.mrr@10"):
        assert 0.0 <= gate[key] <= 1.0


@pytest.mark.integration
@pytest.mark.timeout(1800)
def test_gate_subset_does_not_regress(real_services) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    metrics = runner.run_gate(real_services)
    drops = runner.compare(metrics, {"tolerance": baseline["tolerance"], **baseline["gate"]})
    assert not drops, "指标低于基线：\n" + "\n".join(drops)
    assert metrics["retrieval"]["n_items"] == runner.GATE_RETRIEVAL_ITEMS
