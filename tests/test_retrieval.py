"""Hybrid retrieval over a small KB (fake embeddings) + the real default KB (integration)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from kb_testdata import old_version, small_settings

from assistant.article_notes import NoteIndex, load_notes
from assistant.embeddings import FakeEmbeddings
from assistant.kb import KnowledgeBase
from assistant.retrieval import HybridRetriever, expand_query


@pytest.fixture
def retriever(tmp_path: Path) -> HybridRetriever:
    settings = small_settings(tmp_path)
    kb = KnowledgeBase.from_settings(settings, FakeEmbeddings())
    kb.build()
    return HybridRetriever(kb, settings.retrieval)


def test_search_returns_filled_hits(retriever: HybridRetriever) -> None:
    hits = retriever.search("投标保证金不得超过估算价的百分之几", k=3)
    top = hits[0]
    assert (top.title, top.article) == ("中华人民共和国测试招标法", "第五条")
    assert "百分之二" in top.text and top.doc_type == "法律" and top.status == "现行有效"
    assert top.location.get("section") == "第二章 投标"
    assert 0 <= top.dense_score <= 1 and top.bm25_score > 0 and set(top.via) <= {"dense", "bm25"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(hits) == 3


@pytest.mark.parametrize("query", ["测招法第五条", "测招法第5条", "《中华人民共和国测试招标法》第 五 条是什么", "测试招标法第五条第二款"])
def test_direct_article_lookup_with_numeral_variants(retriever: HybridRetriever, query: str) -> None:
    hits = retriever.search(query, k=3)
    assert hits[0].article == "第五条" and hits[0].via[0] == "direct" and hits[0].score == 1.0
    assert len({h.chunk_id for h in hits}) == len(hits)


def test_direct_lookup_by_order_number_alias(retriever: HybridRetriever) -> None:
    hits = retriever.lookup_articles("99号令第十七条和财政部令第99号第1条")
    assert [(h.title, h.article) for h in hits] == [("测试采购办法", "第十七条"), ("测试采购办法", "第一条")]
    assert retriever.lookup_articles("测招法第九十九条") == []  # never invent an article


def test_filters(retriever: HybridRetriever) -> None:
    hits = retriever.search("七个工作日", k=5, doc_types=["法律"])
    assert hits and all(h.doc_type == "法律" for h in hits)
    hits = retriever.search("七个工作日", k=5, titles=["99号令"])
    assert hits and all(h.title == "测试采购办法" for h in hits)
    assert retriever.search("七个工作日", k=5, status=["已废止"]) == []
    assert retriever.search("七个工作日", k=5, doc_types=["地方性法规"]) == []


def test_superseded_versions_only_on_request(retriever: HybridRetriever, tmp_path: Path) -> None:
    old = tmp_path / "old.md"
    old.write_text(old_version("2000"), encoding="utf-8")
    (meta,) = retriever.kb.add([old])
    query = "收到供应商的书面质疑后多少日内答复"
    default = retriever.search(query, k=10)
    assert all(h.doc_id != meta.doc_id for h in default)
    with_old = retriever.search(query, k=10, include_superseded=True)
    old_hits = [h for h in with_old if h.doc_id == meta.doc_id]
    assert old_hits and not old_hits[0].is_current and old_hits[0].status == "已修订"
    current_rank = next(i for i, h in enumerate(with_old) if h.doc_id == "test-purchase")
    assert current_rank < with_old.index(old_hits[0])  # current version preferred
    by_status = retriever.search(query, k=10, status=["已修订"])
    assert by_status and all(h.doc_id == meta.doc_id for h in by_status)


def test_batch_equals_single_and_modes(retriever: HybridRetriever) -> None:
    queries = ["投标保证金最多交多少", "中标通知书发出后多久签合同", "测招法第二条"]
    batch = retriever.search_batch(queries, k=3)
    for q, hits in zip(queries, batch, strict=False):
        assert [h.chunk_id for h in hits] == [h.chunk_id for h in retriever.search(q, k=3)]
    assert all(h.via == ["bm25"] for h in retriever.search_batch(["保证金"], 3, mode="bm25")[0])
    assert all(h.via == ["dense"] for h in retriever.search_batch(["保证金"], 3, mode="dense")[0])
    assert retriever.search_batch([], 3) == []


def test_retriever_follows_a_rebuild_by_another_writer(retriever: HybridRetriever, tmp_path: Path) -> None:
    other = KnowledgeBase(retriever.kb.data_dir, FakeEmbeddings(), kb_dir=retriever.kb.kb_dir, include_china_law=False)
    f = tmp_path / "n.md"
    f.write_text("# 新增评审规则\n\n第一条 评审专家应当回避利害关系人。\n", encoding="utf-8")
    other.add([f])
    retriever.kb.reload()
    assert retriever.search("评审专家回避", k=1)[0].title == "新增评审规则"


def test_query_expansion_is_general_vocabulary() -> None:
    assert "招标文件" in expand_query("发标后最快几天可以开标")
    assert "串通投标" in expand_query("围标怎么认定")
    assert expand_query("施工许可证") == "施工许可证"


@pytest.mark.integration
def test_real_default_kb_flagship_questions(real_services) -> None:
    r = real_services.retriever
    top = r.search("发标后最快几天可以开标", k=5)[0]
    assert (top.title, top.article) == ("中华人民共和国招标投标法", "第二十四条")
    assert "不得少于二十日" in top.text
    direct = r.search("民法典第五百八十六条", k=1)[0]
    assert direct.article == "第五百八十六条" and direct.via[0] == "direct"
    if real_services.kb.resolve_title("招标投标法实施条例") is not None:
        for q in ("招标投标法实施条例第三十二条", "招投标法实施条例第32条"):
            hit = r.search(q, k=1)[0]
            assert (hit.title, hit.article) == ("中华人民共和国招标投标法实施条例", "第三十二条")
    if real_services.kb.resolve_title("87号令") is not None:
        hit = r.search("87号令第十七条", k=1)[0]
        assert (hit.title, hit.article) == ("政府采购货物和服务招标投标管理办法", "第十七条")


# ------------------------------------------------------------------ issue 12: notes and planner


def test_article_note_pulls_its_article_first(retriever: HybridRetriever, tmp_path: Path) -> None:
    from assistant.article_notes import NoteIndex, load_notes

    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    (notes_dir / "t.yaml").write_text(
        "document: 中华人民共和国测试招标法\narticles:\n"
        "  第五条: {topic: 押金上限, questions: [交多少押金才算合规呢], anchors: [百分之二]}\n", encoding="utf-8")
    question = "交多少押金才算合规呢"  # shares no words with the article's text

    def rank(hits: list) -> int:  # type: ignore[type-arg]
        return next(i for i, h in enumerate(hits) if (h.title, h.article) == ("中华人民共和国测试招标法", "第五条"))

    before = rank(retriever.search(question, k=10))
    retriever.notes = NoteIndex(load_notes(notes_dir), retriever.kb.embeddings, cache_dir=tmp_path / "cache")
    hits = retriever.search(question, k=10)
    # the note is one weighted part of the fused score (tuned on the real dev set), not a veto
    assert rank(hits) < before and "note" in hits[rank(hits)].via
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    # the vectors were cached on disk: a new index loads them instead of embedding again
    assert list((tmp_path / "cache").glob("article_notes-*.npy"))


def test_planner_routes_and_rewrites_the_query(retriever: HybridRetriever) -> None:
    from assistant.retrieval import QueryPlan

    plain = retriever.search("七个工作日", k=5)
    other = next(h for h in plain if h.title != plain[0].title)
    retriever.planner = lambda text: QueryPlan(dense_text=text, bm25_text=text, title_boosts={other.title: 0.9})
    routed = retriever.search("七个工作日", k=5)
    assert routed[0].title == other.title


def _test_law_notes(retriever: HybridRetriever, tmp_path: Path, third_questions: str) -> NoteIndex:
    """A note index over the test law's 第一条 and 第三条 (禁止串通投标, asked as ``third_questions``)."""

    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    (notes_dir / "t.yaml").write_text(
        "document: 中华人民共和国测试招标法\narticles:\n"
        "  第一条: {topic: 立法目的, questions: [这部法律为什么制定？], anchors: []}\n"
        f"  第三条: {{topic: 禁止串通投标, questions: [{third_questions}], anchors: []}}\n",
        encoding="utf-8")
    return NoteIndex(load_notes(notes_dir), retriever.kb.embeddings, cache_dir=tmp_path / "cache")


def test_note_keywords_find_the_article_the_vectors_miss(retriever: HybridRetriever, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    question = "帮别人陪标要担责吗"  # 陪标 is in the note, not in the article's text
    index = _test_law_notes(retriever, tmp_path, "找人陪标算不算违法？, 围标怎么认定？")
    assert max(index.lexical_scores(question).items(), key=lambda x: x[1])[0] == 1
    # the vectors favour the wrong note: only the keyword match can bring 第三条 in
    monkeypatch.setattr(index, "article_scores", lambda vector: {0: 0.9, 1: 0.1})
    retriever.notes = index

    def third(hits: list) -> tuple[int, float]:  # type: ignore[type-arg]
        found = [(i, h.rank_score) for i, h in enumerate(hits) if h.article == "第三条" and h.title.endswith("测试招标法")]
        return found[0] if found else (len(hits), 0.0)

    retriever.settings.note_lexical_weight = 0.0
    rank_off, score_off = third(retriever.search(question, k=10))
    retriever.settings.note_lexical_weight = 0.7
    rank_on, score_on = third(retriever.search(question, k=10))
    # the note evidence is one weighted part of the fused score: note_weight x 0.7 / (1 + note_weight) more
    expected = retriever.settings.note_weight * 0.7 / (1 + retriever.settings.note_weight)
    assert score_on - score_off == pytest.approx(expected, abs=0.01)
    assert rank_on <= rank_off


def test_negative_note_keyword_weight_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from assistant.config import Settings

    monkeypatch.setenv("ASSISTANT_RETRIEVAL__NOTE_LEXICAL_WEIGHT", "-1")
    with pytest.raises(ValidationError, match="note_lexical_weight"):
        Settings()


def test_note_dense_view_lifts_an_article_whose_note_matches_and_imputes_the_rest() -> None:
    import numpy as np

    from assistant.retrieval import _note_dense_view

    dense = np.array([0.90, 0.88, 0.89])
    note = np.array([0.95, np.nan, 0.90])  # article 0's note matches well, article 1 has no note
    out = _note_dense_view(dense, note, margin=0.02, impute=0.0)
    assert out[0] == pytest.approx(0.93) and out[1] == pytest.approx(0.88) and out[2] == pytest.approx(0.89)
    # an article without a note gets `impute` times the noted candidates' mean gain (here (0.03 + 0) / 2)
    out = _note_dense_view(dense, note, margin=0.02, impute=2.0)
    assert out[1] == pytest.approx(0.88 + 2 * 0.015) and out[0] == pytest.approx(0.93)
    # a margin as large as the cosines switches the view off; no notes at all leaves the cosines alone
    assert np.allclose(_note_dense_view(dense, note, margin=1.0, impute=0.0), dense)
    assert np.allclose(_note_dense_view(dense, np.full(3, np.nan), margin=0.0, impute=4.0), dense)


def test_note_dense_view_ranks_the_article_whose_note_matches(retriever: HybridRetriever, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    index = _test_law_notes(retriever, tmp_path, "找人陪标算不算违法？")
    # the question reads like 第三条's typical question far more than like any article's text
    monkeypatch.setattr(index, "article_scores", lambda vector: {0: 0.0, 1: 5.0})
    retriever.notes = index
    retriever.settings.note_lexical_weight = 0.0
    retriever.settings.note_dense_impute = 1.0

    def third(hits: list) -> tuple[int, float]:  # type: ignore[type-arg]
        found = [(i, h.rank_score) for i, h in enumerate(hits) if h.article == "第三条" and h.title.endswith("测试招标法")]
        return found[0] if found else (len(hits), 0.0)

    from assistant.retrieval import QueryPlan

    def routed(own: str) -> Callable[[str], QueryPlan]:
        # a question routed to a regime whose own documents are ``own`` (a positive boost)
        return lambda t: QueryPlan(dense_text=t, bm25_text=t, title_boosts={own: 0.01}, regime="工程招标")

    retriever.planner = routed("中华人民共和国测试招标法")
    retriever.settings.note_dense_margin = 1.0  # off
    rank_off, score_off = third(retriever.search("七个工作日", k=10))
    retriever.settings.note_dense_margin = 0.02
    rank_on, score_on = third(retriever.search("七个工作日", k=10))
    assert score_on > score_off and rank_on < rank_off
    # not for a question routed to no regime, nor for a document outside the regime's own ones
    for planner in (lambda t: QueryPlan(dense_text=t, bm25_text=t), routed("中华人民共和国其他法")):
        retriever.planner = planner
        retriever.settings.note_dense_margin = 1.0
        without = third(retriever.search("七个工作日", k=10))
        retriever.settings.note_dense_margin = 0.02
        assert third(retriever.search("七个工作日", k=10)) == without


def test_note_dense_margin_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from assistant.config import Settings

    monkeypatch.setenv("ASSISTANT_RETRIEVAL__NOTE_DENSE_MARGIN", "1.5")
    with pytest.raises(ValidationError, match="note_dense_margin"):
        Settings()
