"""Imports of users' own documents (fix5): drafts for comment and issuers from organ data."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_testdata import small_settings

from assistant.embeddings import FakeEmbeddings
from assistant.errors import ConfigError
from assistant.ingest.loaders import load_bytes
from assistant.ingest.metadata import infer_metadata
from assistant.ingest.organs import FILE_NAME, organ_table
from assistant.kb import KnowledgeBase
from assistant.qa.context import superseded_note
from assistant.schema import DRAFT_STATUS, Hit
from assistant.titles import DEFAULT_KB_DIR as SHIPPED_KB
from assistant.titles import use_knowledge_base_dir
from assistant.ui.render import document_rows

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



def test_web_document_list_marks_a_draft(kb: KnowledgeBase, tmp_path: Path) -> None:
    src = tmp_path / "draft.txt"
    src.write_text(LAW_DRAFT, encoding="utf-8")
    [draft] = kb.add([src])
    rows = {row[-1]: row for row in document_rows(kb.list_documents())}
    assert rows[draft.doc_id][6] == DRAFT_STATUS
    assert rows["test-law"][6] == "现行有效"

# ---------------------------------------------------------------- issuers from organs.yaml

# a test notice written for this test: the 文号 of a real notice of 浙江省财政厅, no issuer in the text
CODED_NOTICE = """关于公布政府集中采购目录及标准（2023年版）的通知
浙财采监〔2022〕13号
各市、县（市、区）人民政府，省政府直属各单位：
《政府集中采购目录及标准（2023年版）》已经省政府同意，现予以公布，请认真贯彻执行。
"""


def test_issuer_of_an_imported_notice_comes_from_its_number_code() -> None:
    meta = infer_metadata(load_bytes(CODED_NOTICE.encode("utf-8"), "目录.txt"))
    assert meta.doc_number == "浙财采监〔2022〕13号"
    assert meta.issuer == "浙江省财政厅"


def test_unlisted_number_code_names_no_issuer() -> None:
    meta = infer_metadata(load_bytes(CODED_NOTICE.replace("浙财采监", "浙财采购").encode("utf-8"), "目录.txt"))
    assert meta.doc_number == "浙财采购〔2022〕13号"
    assert meta.issuer is None


def test_decree_organs_come_from_the_data_file(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("organs:\n  - name: 测试部\n    decree: true\n", encoding="utf-8")
    table = organ_table(tmp_path)
    assert table.decree_number is not None
    m = table.decree_number.search("中华人民共和国测试部令\n第 5 号")
    assert m is not None and m.groups() == ("测试部", "5")
    assert table.issuer_of_number("测试部令第5号") == "测试部"
    assert organ_table(SHIPPED_KB).issuer_of_number("测试部令第5号") is None


@pytest.mark.parametrize("text", [
    "organs: 财政部\n",
    "organs:\n  - short_names: [发改委]\n",
    "organs:\n  - name: 财政部\n    prefixes: 财库\n",
    "organs:\n  - name: 财政部\n    decree: 是\n",
    "organs:\n  - name: 财政部\n    prefix: [财库]\n",
    "organs: [\n",
])
def test_malformed_organ_file_fails_in_chinese(tmp_path: Path, text: str) -> None:
    (tmp_path / FILE_NAME).write_text(text, encoding="utf-8")
    use_knowledge_base_dir(tmp_path)
    with pytest.raises(ConfigError) as err:
        infer_metadata(load_bytes(CODED_NOTICE.encode("utf-8"), "目录.txt"))
    assert err.value.message.startswith("发文机关数据文件格式不正确（")
    assert str(tmp_path / FILE_NAME) in err.value.message and "Error" not in err.value.message
