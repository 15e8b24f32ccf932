"""Shipped passage vectors: a fresh install builds its index without embedding the defaults.

`knowledge_base/vectors/<model>.npz` holds, for one embedding model, the sha256 of each
embedded passage text (`index_text(chunk)`) and of each example clause of the review rules (the
exemplar step), with its vector as float16. At build time the
embeddings are wrapped in `CachedEmbeddings`: passages found in the cache are not embedded
again, everything else (changed text, user documents) goes to the model.

Regenerate after changing shipped documents (one command, about 3-4 minutes on 2 cores):

    python -m assistant.kb.vector_cache
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

CACHE_DIR = "vectors"


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def cache_path(kb_dir: Path, signature: str) -> Path:
    """`<kb_dir>/vectors/<signature>.npz` (signature made file-name safe)."""
    return Path(kb_dir) / CACHE_DIR / (re.sub(r"[^A-Za-z0-9._-]+", "_", signature) + ".npz")


class VectorCache:
    """text hash -> float16 vector for one embedding model."""

    def __init__(self, signature: str, vectors: dict[bytes, np.ndarray] | None = None) -> None:
        self.signature = signature
        self.vectors: dict[bytes, np.ndarray] = vectors or {}

    @classmethod
    def load(cls, kb_dir: Path, signature: str) -> VectorCache:
        path = cache_path(kb_dir, signature)
        if not path.exists():
            return cls(signature)
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["signature"]) != signature:
                    log.warning("vector cache %s is for %s, not %s; ignored", path, data["signature"], signature)
                    return cls(signature)
                keys, vecs = data["keys"], data["vectors"]
                if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1:] != (32,):
                    raise ValueError(f"keys must be an (n, 32) uint8 array, not {keys.dtype} {keys.shape}")
        except (OSError, KeyError, ValueError) as exc:
            log.warning("vector cache %s unreadable (%r); embedding everything", path, exc)
            return cls(signature)
        return cls(signature, {k.tobytes(): v for k, v in zip(keys, vecs, strict=True)})

    def save(self, kb_dir: Path) -> Path:
        path = cache_path(kb_dir, self.signature)
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vectors)
        matrix = np.stack([self.vectors[k] for k in keys]).astype(np.float16) if keys else np.zeros((0, 0), np.float16)
        tmp = path.with_suffix(".tmp.npz")
        # keys as raw (n, 32) bytes: a numpy "S32" array would drop a digest's trailing NUL bytes
        key_matrix = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
        np.savez_compressed(tmp, signature=np.array(self.signature), keys=key_matrix, vectors=matrix)
        tmp.replace(path)
        return path

    def __len__(self) -> int:
        return len(self.vectors)

    def __contains__(self, text: str) -> bool:
        return text_key(text) in self.vectors


class CachedEmbeddings(Embeddings):
    """Embeddings that take passage vectors from a `VectorCache` and embed only the rest."""

    def __init__(self, inner: Embeddings, cache: VectorCache) -> None:
        self.inner = inner
        self.cache = cache
        self.embedded_documents = 0  # passages the model actually embedded
        self.from_cache = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float] | None] = [None] * len(texts)
        missing: list[int] = []
        for i, text in enumerate(texts):
            vec = self.cache.vectors.get(text_key(text))
            if vec is None:
                missing.append(i)
            else:
                out[i] = vec.astype(np.float32).tolist()
        self.from_cache += len(texts) - len(missing)
        if missing:
            fresh = self.inner.embed_documents([texts[i] for i in missing])
            self.embedded_documents += len(missing)
            for i, fresh_vec in zip(missing, fresh, strict=True):
                out[i] = list(fresh_vec)
        return [v if v is not None else [] for v in out]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def shipped_passages(kb_dir: Path, include_china_law: bool = True) -> list[str]:
    """The embedded text of every chunk of the default documents (no embedding work)."""
    from assistant.index.base import index_text
    from assistant.kb.sources import plan_defaults

    planned, failed = plan_defaults(kb_dir, include_china_law)
    if failed:
        log.warning("default documents that failed to plan: %s", failed)
    texts: list[str] = []
    for item in planned:
        meta, chunks = item.loader()
        texts.extend(index_text(c.model_copy(update={"title": meta.title})) for c in chunks)
    return texts


def shipped_examples(kb_dir: Path) -> list[str]:
    """The embedded text of every example clause of the shipped review rules (the exemplar step)."""
    from assistant.review.catalogue import load_catalogue
    from assistant.review.exemplar import example_texts

    path = Path(kb_dir) / "review_rules.yaml"
    return example_texts(load_catalogue(path)) if path.exists() else []


def regenerate(kb_dir: Path, embeddings: Embeddings, signature: str, batch: int = 64,
               texts: Sequence[str] | None = None) -> tuple[Path, int, int]:
    """Embed every shipped passage and rule example not yet cached; drop entries none uses. Returns
    (path, texts, newly embedded)."""
    if texts is None:
        texts = [*shipped_passages(kb_dir), *shipped_examples(kb_dir)]
    texts = list(dict.fromkeys(texts))
    old = VectorCache.load(kb_dir, signature)
    cache = VectorCache(signature, {k: v for t in texts if (k := text_key(t)) in old.vectors for v in [old.vectors[k]]})
    todo = [t for t in texts if text_key(t) not in cache.vectors]
    for start in range(0, len(todo), batch):
        part = todo[start:start + batch]
        for text, vec in zip(part, embeddings.embed_documents(part), strict=True):
            cache.vectors[text_key(text)] = np.asarray(vec, dtype=np.float16)
        print(f"已生成 {min(start + batch, len(todo))}/{len(todo)} 条向量", file=sys.stderr)
        if (start // batch) % 4 == 3:
            cache.save(kb_dir)  # an interrupted run keeps its progress
    return cache.save(kb_dir), len(texts), len(todo)


def seed_from_index(kb_dir: Path, chroma_dir: Path, signature: str) -> int:
    """Add vectors from an existing index built with the same model (its stored passage texts are
    the keys); returns how many were added. For a quick regeneration from a built data dir."""
    from assistant.index.chroma_store import persistent_client

    client = persistent_client(chroma_dir)
    collection = client.get_collection("chunks")
    cache = VectorCache.load(kb_dir, signature)
    added = 0
    res = collection.get(include=["embeddings", "documents"])
    for text, vec in zip(res["documents"], res["embeddings"], strict=True):
        key = text_key(text)
        if key not in cache.vectors:
            cache.vectors[key] = np.asarray(vec, dtype=np.float16)
            added += 1
    cache.save(kb_dir)
    return added


def main(argv: list[str] | None = None) -> int:
    from assistant.config import get_settings
    from assistant.embeddings import embedding_signature, make_embeddings

    parser = argparse.ArgumentParser(description="重新生成随软件提供的默认文档向量缓存")
    parser.add_argument("--seed-index", type=Path, default=None,
                        help="先从一个用同一模型建好的索引（数据目录下 index/gen-NNNN/chroma 的副本）取向量")
    args = parser.parse_args(argv)
    settings = get_settings()
    embeddings = make_embeddings(settings.embedding)
    signature = embedding_signature(embeddings)
    if args.seed_index:
        print(f"从已有索引取得 {seed_from_index(settings.knowledge_base_dir, args.seed_index, signature)} 条向量。",
              file=sys.stderr)
    started = time.perf_counter()
    path, n, new = regenerate(settings.knowledge_base_dir, embeddings, signature)
    print(f"向量缓存 {path}：{n} 条（本次新生成 {new} 条），用时 {time.perf_counter() - started:.0f} 秒。")
    notes = regenerate_notes(settings.knowledge_base_dir, embeddings, signature)
    if notes is not None:
        print(f"条旨向量 {notes}。")
    return 0


def regenerate_notes(kb_dir: Path, embeddings: Embeddings, signature: str) -> Path | None:
    """The article notes' vectors (query side) next to the passage cache; older note files are removed."""
    from assistant.article_notes import NOTES_DIR, NoteIndex, load_notes

    notes = load_notes(Path(kb_dir) / NOTES_DIR)
    if not notes:
        return None
    index = NoteIndex(notes, embeddings, signature=signature)
    folder = Path(kb_dir) / CACHE_DIR
    path = folder / index.file_name()
    if index.load_file(path) is None:
        index.save(folder, index.embed())
    for old in folder.glob("article_notes-*.npy"):
        if old != path:
            old.unlink()
    return path


if __name__ == "__main__":
    sys.exit(main())
