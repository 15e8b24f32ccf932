"""Knowledge base: incremental builds, versions, atomic generations, writer lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_testdata import PURCHASE, old_version, small_settings

from assistant.embeddings import FakeEmbeddings
from assistant.errors import InputFileError, NotFoundError, UserError
from assistant.kb import KnowledgeBase
from assistant.kb.summary import build_summary_zh


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.from_settings(small_settings(tmp_path), FakeEmbeddings())


def test_build_then_second_build_embeds_nothing(kb: KnowledgeBase) -> None:
    first = kb.build()
    assert first["added"] == 2 and first["embedded"] == first["chunks"] > 0
    second = kb.build()
    assert second["embedded"] == 0 and second["unchanged"] == 2
    assert second["generation"] == first["generation"]


def test_adding_one_document_embeds_only_it(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    new = tmp_path / "extra.md"
    new.write_text("# 测试评标规则\n\n第一条 评标委员会成员人数为五人以上单数。\n\n第二条 专家不得少于三分之二。\n", encoding="utf-8")
    before = kb.embeddings.embedded_documents  # type: ignore[attr-defined]
    summary = kb.build(sources=[new])
    assert summary["added"] == 1 and summary["unchanged"] == 2
    added = kb.resolve_title("测试评标规则")
    assert added is not None and added.chunk_count >= 2
    assert summary["embedded"] == added.chunk_count == kb.embeddings.embedded_documents - before  # type: ignore[attr-defined]
    assert kb.get_article("测试评标规则", 2) is not None
    # the user document survives later default builds
    assert kb.build()["embedded"] == 0
    assert any(m.title == "测试评标规则" for m in kb.list_documents())


def test_changed_file_is_re_embedded(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    path = tmp_path / "knowledge_base" / "purchase.md"
    path.write_text(PURCHASE + "\n第十八条 新增条文。\n", encoding="utf-8")
    summary = kb.build()
    assert summary["updated"] == 1 and summary["unchanged"] == 1
    assert summary["embedded"] == kb.get_document("test-purchase").chunk_count  # type: ignore[union-attr]
    assert kb.get_article("99号令", 18).text.endswith("新增条文。")  # type: ignore[union-attr]


def test_lookup_by_title_alias_and_number(kb: KnowledgeBase) -> None:
    kb.build()
    assert kb.resolve_title("测试招标法").doc_id == "test-law"  # type: ignore[union-attr]
    assert kb.resolve_title("《中华人民共和国测试招标法》").doc_id == "test-law"  # type: ignore[union-attr]
    assert kb.resolve_title("财政部令第99号").doc_id == "test-purchase"  # type: ignore[union-attr]
    art = kb.get_article("测招法", 5)
    assert art is not None and art.article == "第五条" and "百分之二" in art.text
    assert kb.get_article("测招法", 99) is None
    assert kb.resolve_title("不存在的法") is None


def test_newer_version_supersedes_older(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    old = tmp_path / "old_purchase.md"
    old.write_text(old_version("2000"), encoding="utf-8")
    (meta,) = kb.add([old])
    assert meta.superseded_by == "test-purchase" and meta.status == "已修订" and not meta.is_current
    assert kb.get_document("test-purchase").is_current  # type: ignore[union-attr]
    # current version by default; the old text only on request
    assert "七个工作日" in kb.get_article("测试采购办法", 1).text  # type: ignore[union-attr]
    docs = kb.find_documents("测试采购办法", include_superseded=True)
    assert next(d.doc_id for d in docs) == "test-purchase" and len(docs) == 2
    assert kb.allowed_doc_ids() == {"test-law", "test-purchase"}
    assert kb.allowed_doc_ids(include_superseded=True) is None


def test_newer_user_version_supersedes_the_default(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    newer = tmp_path / "new_purchase.md"
    newer.write_text(old_version("2030").replace("十五日", "五个工作日"), encoding="utf-8")
    (meta,) = kb.add([newer])
    assert meta.is_current
    assert kb.get_document("test-purchase").superseded_by == meta.doc_id  # type: ignore[union-attr]
    assert "五个工作日" in kb.get_article("测试采购办法", 1).text  # type: ignore[union-attr]
    # removing the newer one brings the default back as current
    kb.remove(meta.doc_id)
    assert kb.get_document("test-purchase").is_current  # type: ignore[union-attr]


def test_failed_build_keeps_the_old_generation_serving(kb: KnowledgeBase, tmp_path: Path, monkeypatch) -> None:
    kb.build()
    gen_before = kb.stats()["generation"]
    reader = KnowledgeBase(kb.data_dir, FakeEmbeddings(), kb_dir=kb.kb_dir, include_china_law=False)
    assert reader.get_article("测招法", 2) is not None
    new = tmp_path / "boom.md"
    new.write_text("# 爆炸规则\n\n第一条 这一条会在生成向量时失败。\n", encoding="utf-8")

    def boom(texts):
        raise RuntimeError("embedding backend died")

    monkeypatch.setattr(kb.embeddings, "embed_documents", boom)
    with pytest.raises(RuntimeError):
        kb.build(sources=[new])
    assert (kb.root / "CURRENT").read_text().strip() == gen_before
    assert sorted(p.name for p in kb.root.glob("gen-*")) == [gen_before]
    assert reader.reload() is False and reader.get_article("测招法", 2) is not None
    assert kb.resolve_title("爆炸规则") is None
    monkeypatch.undo()
    summary = kb.build(sources=[new])  # next attempt works and gets a fresh generation name
    assert summary["generation"] != gen_before and kb.resolve_title("爆炸规则") is not None
    assert reader.reload() is True and reader.resolve_title("爆炸规则") is not None


def test_generations_are_pruned(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    for i in range(3):
        f = tmp_path / f"u{i}.md"
        f.write_text(f"# 用户规则{i}\n\n第一条 第{i}份用户文件。\n", encoding="utf-8")
        kb.add([f])
    gens = sorted(p.name for p in kb.root.glob("gen-*"))
    assert len(gens) == 2 and (kb.root / "CURRENT").read_text().strip() == gens[-1]


def test_second_writer_gets_a_chinese_error(kb: KnowledgeBase) -> None:
    kb.build()
    other = KnowledgeBase(kb.data_dir, FakeEmbeddings(), kb_dir=kb.kb_dir, include_china_law=False)
    with kb._writer_lock(), pytest.raises(UserError, match="正在被另一个任务更新"):
        other.build()


def test_remove_and_errors(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="尚未建立"):
        kb.remove("x")
    kb.build()
    with pytest.raises(NotFoundError, match="没有编号"):
        kb.remove("nope")
    meta = kb.remove("test-law")
    assert meta.title == "中华人民共和国测试招标法" and kb.get_document("test-law") is None
    assert kb.build()["embedded"] == 0 and kb.get_document("test-law") is None  # stays removed
    assert kb.build(rebuild=True)["embedded"] > 0 and kb.get_document("test-law") is not None
    with pytest.raises(InputFileError, match="找不到文件"):
        kb.add([tmp_path / "missing.docx"])
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"")
    with pytest.raises(InputFileError):
        kb.add([bad])
    assert kb.get_document("test-law") is not None  # nothing lost


def test_ensure_built_and_folder_sources(tmp_path: Path) -> None:
    kb = KnowledgeBase.from_settings(small_settings(tmp_path), FakeEmbeddings())
    assert not kb.is_built() and kb.list_documents() == [] and kb.stats()["built"] is False
    assert kb.ensure_built()["added"] == 2
    assert kb.ensure_built() is None
    folder = tmp_path / "more"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("测试文本规则\n\n第一条 文本文件也能加入。\n", encoding="utf-8")
    (folder / "ignored.xyz").write_text("x", encoding="utf-8")
    calls: list[tuple[str, int, int]] = []
    summary = kb.build(sources=[folder], progress=lambda s, d, t: calls.append((s, d, t)))
    assert summary["added"] == 1 and {c[0] for c in calls} >= {"load", "embed"}
    assert kb.stats()["documents"] == 3


def test_switching_embedding_backend_re_embeds_everything(tmp_path: Path) -> None:
    settings = small_settings(tmp_path)
    KnowledgeBase.from_settings(settings, FakeEmbeddings()).build()
    other = KnowledgeBase.from_settings(settings, FakeEmbeddings(dim=128))
    summary = other.build()
    assert summary["embedded"] == summary["chunks"]


from test_index_contract import chroma_server  # noqa: E402,F401  (session fixture: a real `chroma run`)


@pytest.mark.integration
def test_server_mode_generations_are_collections(tmp_path: Path, chroma_server) -> None:  # noqa: F811
    host, port = chroma_server
    settings = small_settings(tmp_path, chroma={"host": host, "port": port, "collection_prefix": "kbtest"})
    kb = KnowledgeBase.from_settings(settings, FakeEmbeddings())
    first = kb.build()
    assert first["embedded"] > 0 and kb.get_article("测招法", 5) is not None
    for i in range(2):
        f = tmp_path / f"s{i}.md"
        f.write_text(f"# 服务端规则{i}\n\n第一条 服务端第{i}份文件。\n", encoding="utf-8")
        kb.add([f])
    from assistant.index.chroma_store import http_client

    names = {c.name if hasattr(c, "name") else str(c) for c in http_client(host, port).list_collections()}
    ours = sorted(n for n in names if n.startswith(kb._collection_name("")[:-1]))
    assert len(ours) == 2  # previous generations pruned, two kept
    assert kb._gen.dense.count() == kb.stats()["chunks"]  # type: ignore[union-attr]
    from assistant.retrieval import HybridRetriever

    hit = HybridRetriever(kb, settings.retrieval).search("服务端第1份文件", k=1)[0]
    assert hit.title == "服务端规则1"


@pytest.mark.usefixtures("fast_cli_env")
def test_ctrl_c_during_kb_build_is_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run_cli_main

    assert run_cli_main(["kb", "build"], tmp_path, capsys)[0] == 0

    def interrupt(self, texts):
        raise KeyboardInterrupt

    monkeypatch.setattr(FakeEmbeddings, "embed_documents", interrupt)
    code, _, err = run_cli_main(["kb", "build", "--rebuild"], tmp_path, capsys)
    assert code == 130
    assert err.strip().splitlines()[-1] == "已中断，原索引继续可用。"
    assert "错误" not in err and "问题" not in err


def test_build_names_bundled_documents_the_user_removed(kb: KnowledgeBase) -> None:
    kb.build()
    kb.remove("test-law")
    summary = kb.build()
    assert summary["excluded_defaults"] == [{"doc_id": "test-law", "title": "中华人民共和国测试招标法"}]
    assert kb.get_document("test-law") is None  # named, not silently restored
    from assistant.commands.kb import _summary_text

    text = _summary_text(summary)
    assert "《中华人民共和国测试招标法》（test-law）已被删除" in text and "kb build --rebuild" in text
    assert kb.build(rebuild=True)["excluded_defaults"] == []


def test_cli_and_web_word_a_build_summary_alike() -> None:
    from assistant.commands.kb import _summary_text
    from assistant.ui.render import rebuild_result_html

    summary = {"added": ["a", "b"], "updated": [], "unchanged": 3, "removed": 0, "documents": 5, "chunks": 1992,
               "embedded": 0, "seconds": 5.17, "failed": [{"source": "/x/坏.docx", "error": "无法读取"}],
               "excluded_defaults": [{"doc_id": "d1", "title": "某办法"}]}
    body = "新增 2 个、更新 0 个、未变 3 个、删除 0 个文档；共 5 个文档、1,992 个条目，本次生成向量 0 条，用时 5.2 秒。"
    cli = _summary_text(summary)
    assert cli.startswith("知识库已更新：" + body) and "未能读取：/x/坏.docx：无法读取" in cli
    assert "《某办法》（d1）已被删除" in cli
    web = rebuild_result_html(build_summary_zh(summary), [("坏.docx", "无法读取")])
    assert "索引已更新：" + body in web and "《某办法》（d1）已被删除" in web


def test_a_lexicon_change_recuts_the_keyword_tokens_of_unchanged_documents(kb: KnowledgeBase,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An install built before a qa_lexicon.yaml change must not keep the old cut: the next build cuts the
    unchanged documents' text again (vectors are reused, nothing is embedded)."""
    from assistant import text_zh

    kb.build()
    word = "相互串通投标报价"

    def has_word() -> bool:
        gen = kb.current_generation()
        assert gen is not None
        return any(word in toks for toks in gen.bm25.tokens_of(gen.bm25.ids()).values())

    assert not has_word()
    monkeypatch.setattr(text_zh, "_user_words", [*text_zh._user_words])
    monkeypatch.setattr(text_zh, "_jieba_tokenizer", None)  # rebuilt with the new word, undone after the test
    text_zh.add_user_words([word])
    summary = kb.build()
    assert summary["embedded"] == 0 and summary["unchanged"] == 2
    assert has_word()
    assert kb.build()["generation"] == summary["generation"]  # same lexicon again: nothing to do
