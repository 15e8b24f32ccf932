"""The "other locality" refusal follows what the knowledge base holds (issue #11, item 4)."""

from __future__ import annotations

from pathlib import Path

from kb_testdata import small_settings

from assistant.embeddings import FakeEmbeddings
from assistant.kb import KnowledgeBase
from assistant.qa import refusal


def test_a_place_is_answered_once_its_rules_are_imported(tmp_path: Path) -> None:
    kb = KnowledgeBase.from_settings(small_settings(tmp_path), FakeEmbeddings())
    kb.build()
    question = "义乌市政府采购限额标准是多少？"
    assert refusal.other_localities(question, kb) == ["义乌"]
    assert refusal.other_localities(question) == ["义乌"]  # without a KB: the static list
    doc = tmp_path / "义乌市政府采购限额标准.md"
    doc.write_text(
        "# 义乌市政府采购限额标准\n\n义乌市财政局\n\n一、分散采购限额标准：货物和服务项目50万元，工程项目60万元。\n",
        encoding="utf-8",
    )
    kb.add([doc])
    assert refusal.other_localities(question, kb) == []
    # other places are still refused, and the refusal names the local documents the KB holds
    assert refusal.other_localities("宁波市的政府集中采购目录包括哪些项目？", kb) == ["宁波"]
    assert "义乌市政府采购限额标准" in [m.title for m in refusal.local_documents(kb)]
