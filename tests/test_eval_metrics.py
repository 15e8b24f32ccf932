"""Metric arithmetic and text matching of the evaluation runner (fast, no models)."""

from __future__ import annotations

import pytest

from assistant.evaluation import metrics as m
from assistant.evaluation.baselines import SimpleHit
from assistant.evaluation.datasets import GoldRef, QAItem
from assistant.evaluation.retrieval_suite import aggregate, gold_recall, matches_item


def test_ranking_metrics_known_values() -> None:
    ranks = [1, 3, None, 6]
    assert m.hit_at(ranks, 1) == 0.25
    assert m.hit_at(ranks, 5) == 0.5
    assert m.mrr(ranks, 10) == pytest.approx((1 + 1 / 3 + 1 / 6) / 4)
    assert m.mrr([11], 10) == 0.0  # beyond the cut-off counts as a miss
    assert m.ranking_metrics([]) == {"n": 0, "hit@1": 0.0, "hit@5": 0.0, "mrr@10": 0.0}


def test_first_rank() -> None:
    assert m.first_rank([False, False, True, True]) == 3
    assert m.first_rank([False]) is None


def test_prf_and_empty_denominators() -> None:
    assert m.prf(3, 1, 2) == {"tp": 3, "fp": 1, "fn": 2, "precision": 0.75, "recall": 0.6, "f1": 0.6667}
    assert m.prf(0, 0, 0)["f1"] == 0.0


def test_percentile_interpolates() -> None:
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile([5], 95) == 5
    assert m.percentile([], 50) == 0.0


def test_passage_matching_ignores_punctuation_and_line_breaks() -> None:
    text = "区行政服务中心不再保留公共资源\n交易管理委员会办公室牌子。"
    assert m.contains_passage(text, "区行政服务中心不再保留公共资源交易管理委员会办公室牌子")
    assert not m.contains_passage(text, "区发改局不再保留")
    assert not m.contains_passage(text, "")


def test_overlaps_pdf_wrapped_clause() -> None:
    label = "投标保证金只接受现金，须从投标人基本账户转出，不接受银行保函或保证保险。"
    pdf = "3.4.2 投标保证金形式 投标保证金只接受现金，须\n从投标人基本账户转出，不\n接受银行保函或保证保险。"
    assert m.overlaps(pdf, label)
    assert m.overlaps("只接受现金", label)  # a short evidence span inside the clause
    assert not m.overlaps("投标有效期为90日，自投标截止之日起计算。", label)


def _item(**kw) -> QAItem:
    base = dict(id="x", question="q", gold=[], gold_passages=[], doc_type="法律", tags=["paraphrase"], note="")
    base.update(kw)
    return QAItem(**base)


def test_gold_matching_by_article_section_and_passage() -> None:
    item = _item(gold=[GoldRef("中华人民共和国招标投标法", "第二十四条")])
    assert matches_item(SimpleHit("中华人民共和国招标投标法", "第二十四条", "…"), item)
    assert not matches_item(SimpleHit("中华人民共和国招标投标法", "第二十三条", "…"), item)
    assert not matches_item(SimpleHit("中华人民共和国政府采购法", "第二十四条", "…"), item)
    sec = _item(gold=[GoldRef("招标文件审查要点", section="T01")])
    assert matches_item(SimpleHit("招标文件审查要点", None, "…", heading="T01 等标期不足"), sec)
    assert not matches_item(SimpleHit("招标文件审查要点", None, "…", heading="T10 保证金退还"), sec)
    pas = _item(gold_passages=["职责划转至区发改局"])
    assert matches_item(SimpleHit("婺城区招标投标领域治理改革方案(2025-2027年)", None, "……等职责划转至区发改局取消……"), pas)


def test_gold_recall_needs_all_parts() -> None:
    item = _item(gold=[GoldRef("中华人民共和国政府采购法", "第三十五条"), GoldRef("中华人民共和国政府采购法", "第五十二条")])
    hits = [SimpleHit("中华人民共和国政府采购法", "第三十五条", "")]
    assert gold_recall(hits, item) == 0.5


def test_aggregate_per_doc_type() -> None:
    rows = [
        {"ranks": {"hybrid": 1}, "recall@10": {"hybrid": 1.0}, "doc_type": "法律", "tags": ["a"]},
        {"ranks": {"hybrid": None}, "recall@10": {"hybrid": 0.0}, "doc_type": "规范性文件", "tags": ["a"]},
    ]
    out = aggregate(rows, ["hybrid"])["hybrid"]
    assert out["hit@1"] == 0.5
    assert out["by_doc_type"]["法律"]["hit@1"] == 1.0
    assert out["by_doc_type"]["规范性文件"]["hit@5"] == 0.0
    assert out["by_tag"]["a"]["n"] == 2
