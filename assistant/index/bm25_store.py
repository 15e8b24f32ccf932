"""Keyword index: Okapi BM25 over jieba tokens (`text_zh.tokenize`), persisted as JSON.

Our own small implementation (postings + numpy) because we need what rank-bm25 lacks:
delete by document, metadata filters, scoring an arbitrary candidate set (for fusion with
the dense scores), and a plain-JSON file per knowledge-base generation.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.base import Where, chunk_metadata, index_text, matches
from assistant.schema import Chunk

Tokenizer = Callable[[str], list[str]]


def default_tokenizer() -> Tokenizer:
    """`text_zh.tokenize` (jieba, stopwords dropped)."""
    from assistant.text_zh import tokenize

    return tokenize


class BM25Index:
    """`ChunkIndex` with BM25 scores (higher = better; raw, not normalised)."""

    def __init__(
        self,
        path: Path | None = None,
        tokenizer: Tokenizer | None = None,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> None:
        self.path = path
        self.k1 = k1
        self.b = b
        self._tokenizer = tokenizer
        self._tokens: dict[str, list[str]] = {}
        self._meta: dict[str, dict[str, Any]] = {}
        self._stale = True
        if path is not None and path.exists():
            self._load(path)

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = default_tokenizer()
        return self._tokenizer

    # ---------------------------------------------------------------- contract
    def upsert(self, chunks: Sequence[Chunk]) -> None:
        for chunk in chunks:
            self._tokens[chunk.chunk_id] = self.tokenizer(index_text(chunk))
            self._meta[chunk.chunk_id] = chunk_metadata(chunk)
        self._stale = True

    def delete_doc(self, doc_id: str) -> int:
        gone = [cid for cid, meta in self._meta.items() if meta.get("doc_id") == doc_id]
        for cid in gone:
            del self._tokens[cid]
            del self._meta[cid]
        if gone:
            self._stale = True
        return len(gone)

    def query(
        self, query: str | Sequence[float], k: int = 10, where: Where | None = None
    ) -> list[tuple[str, float]]:
        if not isinstance(query, str):
            raise TypeError("BM25Index.query needs text, not a vector")
        scores = self._score_all(self.tokenizer(query))
        if scores is None:
            return []
        allowed = self._mask(where)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        top = positive[np.argsort(-scores[positive], kind="stable")][:k]
        return [(self._ids[i], float(scores[i])) for i in top]

    def count(self) -> int:
        return len(self._tokens)

    def ids(self) -> list[str]:
        return list(self._tokens)

    # ---------------------------------------------------------------- extras
    def score(self, query: str, chunk_ids: Sequence[str]) -> dict[str, float]:
        """BM25 scores of given chunks (0 for chunks without query terms or unknown ids)."""
        scores = self._score_all(self.tokenizer(query))
        if scores is None:
            return {cid: 0.0 for cid in chunk_ids}
        return {cid: float(scores[self._pos[cid]]) if cid in self._pos else 0.0 for cid in chunk_ids}

    def tokens_of(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        return {cid: self._tokens[cid] for cid in chunk_ids if cid in self._tokens}

    def import_tokens(self, tokens: dict[str, list[str]], metas: dict[str, dict[str, Any]]) -> None:
        """Add pre-tokenised chunks (copied from the previous generation)."""
        self._tokens.update(tokens)
        self._meta.update({cid: metas[cid] for cid in tokens})
        self._stale = True

    def metadata_of(self, chunk_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {cid: self._meta[cid] for cid in chunk_ids if cid in self._meta}

    def save(self, path: Path | None = None) -> Path:
        target = path or self.path
        if target is None:
            raise ValueError("BM25Index.save needs a path")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        payload = {"k1": self.k1, "b": self.b, "tokens": self._tokens, "meta": self._meta}
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False)
        os.replace(tmp, target)
        self.path = target
        return target

    # ---------------------------------------------------------------- internals
    def _load(self, path: Path) -> None:
        with path.open(encoding="utf-8") as fh:
            payload = json.load(fh)
        self.k1 = payload.get("k1", self.k1)
        self.b = payload.get("b", self.b)
        self._tokens = payload["tokens"]
        self._meta = payload["meta"]
        self._stale = True

    def _rebuild(self) -> None:
        self._ids = list(self._tokens)
        self._pos = {cid: i for i, cid in enumerate(self._ids)}
        n = len(self._ids)
        self._doclen = np.array([len(self._tokens[c]) for c in self._ids], dtype=np.float64)
        self._avgdl = float(self._doclen.mean()) if n else 0.0
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, cid in enumerate(self._ids):
            for term, tf in Counter(self._tokens[cid]).items():
                docs, tfs = postings.setdefault(term, ([], []))
                docs.append(i)
                tfs.append(tf)
        self._postings = {
            t: (np.array(d, dtype=np.int64), np.array(f, dtype=np.float64)) for t, (d, f) in postings.items()
        }
        # Lucene-style idf: always positive, so very common terms still count a little.
        self._idf = {t: math.log(1.0 + (n - len(d) + 0.5) / (len(d) + 0.5)) for t, (d, _) in self._postings.items()}
        self._norm = self.k1 * (1.0 - self.b + self.b * self._doclen / (self._avgdl or 1.0))
        self._stale = False

    def _score_all(self, query_tokens: list[str]) -> np.ndarray | None:
        if self._stale:
            self._rebuild()
        if not self._ids or not query_tokens:
            return None
        scores = np.zeros(len(self._ids), dtype=np.float64)
        for term, qtf in Counter(query_tokens).items():
            posting = self._postings.get(term)
            if posting is None:
                continue
            docs, tfs = posting
            scores[docs] += qtf * self._idf[term] * tfs * (self.k1 + 1.0) / (tfs + self._norm[docs])
        return scores

    def _mask(self, where: Where | None) -> np.ndarray | None:
        if not where:
            return None
        return np.array([matches(self._meta[cid], where) for cid in self._ids], dtype=bool)
