"""The index adapter protocol shared by the dense (Chroma) and keyword (BM25) indexes.

One contract, one test suite (tests/test_index_contract.py) for every adapter: the knowledge
base only talks to this protocol, so adapters can be swapped or added without touching it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from assistant.schema import Chunk

#: A metadata filter: field -> value (equality) or list of values (membership).
#: Fields: doc_id, doc_type, status, title, is_current, article_no.
Where = Mapping[str, Any]

FILTER_FIELDS = ("doc_id", "doc_type", "status", "title", "is_current", "article_no")


@runtime_checkable
class ChunkIndex(Protocol):
    """A searchable set of chunks keyed by chunk_id."""

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        """Insert or replace chunks (by chunk_id)."""

    def delete_doc(self, doc_id: str) -> int:
        """Remove every chunk of a document; returns how many were removed."""

    def query(
        self, query: str | Sequence[float], k: int = 10, where: Where | None = None
    ) -> list[tuple[str, float]]:
        """Best `k` chunks as (chunk_id, score), higher = better."""

    def count(self) -> int:
        """Number of chunks stored."""

    def ids(self) -> list[str]:
        """All chunk ids stored."""


def chunk_metadata(chunk: Chunk) -> dict[str, str | int | float | bool]:
    """Flat, None-free metadata of a chunk (Chroma rejects None and nested values)."""
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "article": chunk.article,
        "article_no": chunk.article_no,
        "heading": chunk.heading,
        "doc_type": chunk.doc_type,
        "status": chunk.status,
        "effective_date": chunk.effective_date,
        "is_current": chunk.is_current,
    }
    for key, value in chunk.location.model_dump().items():
        meta[f"loc_{key}"] = value
    return {k: v for k, v in meta.items() if v is not None}


def index_text(chunk: Chunk) -> str:
    """The text embedded / tokenised for a chunk: title and article label give context."""
    head = f"《{chunk.title}》"
    if chunk.article:
        head += chunk.article
    elif chunk.heading:
        head += " " + chunk.heading
    section = chunk.location.section
    if section:
        head += f"（{section}）"
    return f"{head}\n{chunk.text}"


def matches(meta: Mapping[str, Any], where: Where | None) -> bool:
    """Python evaluation of a `Where` filter (used by adapters without native filters)."""
    if not where:
        return True
    for key, want in where.items():
        have = meta.get(key)
        if isinstance(want, (list, tuple, set, frozenset)):
            if have not in want:
                return False
        elif have != want:
            return False
    return True
