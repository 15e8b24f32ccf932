"""Imports of users' own documents (fix5): drafts for comment and issuers from organ data."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_testdata import small_settings

from assistant.embeddings import FakeEmbeddings
from assistant.kb import KnowledgeBase
from assistant.qa.context import superseded_note
from assistant.schema import DRAFT_STATUS, Hit

# a test file written for this test (not a real draft): the small KB's law, as a later draft
LAW_DRAFT = """中华人民共和国测试招标法
（修订草案征求意见稿，2030年1月1日公布）
第一条 为了规范招标投标活动，制定本法。
第二条 依法必须进行招标的项目，投标文件编制时间最短不得少于十五日。
"""


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase.from_settings(small_settings(tmp_path), FakeEmbeddings())
    kb.build()
    return kb


def test_draft_of_a_shipped_law_is_its_own_document_not_a_version(kb: KnowledgeBase, tmp_path: Path) -> None:
    src = tmp_path / "draft.txt"
    src.write_text(LAW_DRAFT, encoding="utf-8")
    [draft] = kb.add([src])
    law = kb.get_document("test-law")
    assert law is not None and law.is_current and law.superseded_by is None
    assert (draft.status, draft.superseded_by, draft.is_current) == (DRAFT_STATUS, None, False)
    # answers prefer the enacted law: by default only the law is searched
    allowed = kb.allowed_doc_ids()
    assert allowed is None or (draft.doc_id not in allowed and "test-law" in allowed)
    assert draft.doc_id in (kb.allowed_doc_ids(status=[DRAFT_STATUS]) or set())


def test_older_draft_is_not_marked_as_revised(kb: KnowledgeBase, tmp_path: Path) -> None:
    src = tmp_path / "old_draft.txt"
    src.write_text(LAW_DRAFT.replace("2030年", "2010年"), encoding="utf-8")
    [draft] = kb.add([src])
    assert (draft.status, draft.superseded_by) == (DRAFT_STATUS, None)
    assert kb.get_document("test-law").is_current  # type: ignore[union-attr]


def test_answer_note_says_a_draft_has_no_legal_force() -> None:
    hit = Hit(chunk_id="c", doc_id="d", title="中华人民共和国测试招标法", article="第一条", text="为了规范。", score=1.0,
              doc_type="其他", status=DRAFT_STATUS, is_current=False)
    note = superseded_note(hit)
    assert "征求意见稿" in note and "不具有法律效力" in note
