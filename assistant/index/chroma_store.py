"""Dense index: Chroma through langchain-chroma (embedded persistent store or a Chroma server).

Cosine space, so `score = 1 - distance` is the cosine similarity of (normalised) vectors.
Besides the `ChunkIndex` contract it can export/import raw vectors: a new knowledge-base
generation copies the unchanged documents' vectors instead of embedding them again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import GetResult
from langchain_core.embeddings import Embeddings

from assistant.errors import BackendError, StorageFullError
from assistant.index.base import Where, chunk_metadata, index_text
from assistant.schema import Chunk

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
_WRITE_BATCH = 256


def _client_settings() -> Any:
    from chromadb.config import Settings as ChromaClientSettings

    return ChromaClientSettings(anonymized_telemetry=False, allow_reset=False)


def persistent_client(path: Path) -> Any:
    """An embedded Chroma client storing under `path`.

    On a read-only data directory (a deployment shipping the index on a read-only volume) Chroma
    cannot open its SQLite file in place ("attempt to write a readonly database"): the generation
    is copied once to a private temporary folder and opened there (copy-on-open, see
    `readonly_copy`). Generations are immutable once written, so the copy never goes stale.
    """
    import chromadb

    from assistant.housekeeping import is_disk_full, is_writable

    evict_deleted_systems()
    if path.is_dir() and not is_writable(path):
        path = readonly_copy(path)
    else:
        path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=_client_settings())
    except Exception as exc:  # SQLite needs a little room even to open the store
        if not is_disk_full(exc):
            raise
        raise StorageFullError(f"磁盘空间不足，无法打开向量索引（{path}）。请清理磁盘空间后重试。",
                               f"opening chroma at {path}: {exc!r}", reason="磁盘空间不足") from exc


def evict_deleted_systems() -> int:
    """Stop Chroma's cached systems for folders that no longer exist (pruned generations).

    Why: chromadb keeps one System per persist directory in a class-level cache for the life of
    the process. Every import writes a new generation, so a long-running server accumulated the
    in-memory segments of every generation it ever opened (soak: 555 MB -> 1.4 GB in 5 minutes).
    A pruned generation's folder is gone; nothing can read it any more.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    cache = getattr(SharedSystemClient, "_identifier_to_system", None)
    if not isinstance(cache, dict):
        return 0
    evicted = 0
    for identifier in list(cache):
        if identifier.startswith("/") and not Path(identifier).exists():
            system = cache.pop(identifier, None)
            if system is None:
                continue
            try:
                system.stop()
            except (RuntimeError, OSError, ValueError) as exc:
                log.debug("stopping chroma system for %s: %r", identifier, exc)
            evicted += 1
    if evicted:
        log.info("released %d Chroma systems of pruned generations", evicted)
    return evicted


def readonly_copy(path: Path) -> Path:
    """A private writable copy of a read-only Chroma folder (reused while the source is unchanged)."""
    import hashlib
    import shutil
    import tempfile
    import time

    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(path.rglob("*")) if p.is_file())
    key = hashlib.sha1(f"{path.resolve()}|{stamp}".encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"tender-assistant-ro-{os.getuid()}" / key
    if not (target / ".complete").exists():
        started = time.perf_counter()
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(path, target)
        (target / ".complete").touch()
        # read-only serving is a supported mode, not a problem to show on the console
        log.info("index %s is read-only: opened a copy at %s (%.2f s)", path, target, time.perf_counter() - started)
    return target


def unreachable(host: str, port: int, exc: BaseException) -> BackendError:
    """The one error for a Chroma server that cannot be reached (CLI exit 5, REST 503, web, /health)."""
    return BackendError(
        f"无法连接 Chroma 向量库服务 {host}:{port}，请确认服务已启动（chroma run），"
        "或改用内置向量库（不配置 Chroma 服务地址）。",
        f"chroma server {host}:{port} unreachable: {exc!r}",
        reason="无法连接向量库服务",
    )


def http_client(host: str, port: int) -> Any:
    """A client of a Chroma server (`chroma run`); fails early with a Chinese message when down."""
    import chromadb

    try:
        client = chromadb.HttpClient(host=host, port=port, settings=_client_settings())
        client.heartbeat()
    except Exception as exc:
        raise unreachable(host, port, exc) from exc
    return client


def _server_address(client: Any) -> tuple[str, int] | None:
    """(host, port) of a Chroma server client; None for the embedded store."""
    settings = client.get_settings()
    host = getattr(settings, "chroma_server_host", None)
    return (host, int(settings.chroma_server_http_port or 0)) if host else None


def to_chroma_where(where: Where | None) -> dict[str, Any] | None:
    """Translate a `Where` filter into Chroma's filter language."""
    if not where:
        return None
    clauses: list[dict[str, Any]] = []
    for key, value in where.items():
        if isinstance(value, (list, tuple, set, frozenset)):
            values = list(value)
            clauses.append({key: {"$in": values}} if len(values) != 1 else {key: values[0]})
        else:
            clauses.append({key: value})
    if len(clauses) == 1:
        return clauses[0]
    return {"$and": clauses}


class ChromaIndex:
    """`ChunkIndex` over one Chroma collection."""

    def __init__(self, client: Any, collection_name: str, embeddings: Embeddings,
                 ef_search: int | None = None) -> None:
        from langchain_chroma import Chroma

        self.client = client
        self.collection_name = collection_name
        self.embeddings = embeddings
        self.server = _server_address(client)
        from chromadb.api.collection_configuration import CreateHNSWConfiguration

        hnsw = CreateHNSWConfiguration(space="cosine")
        if ef_search is not None:
            hnsw["ef_search"] = ef_search
        self.store = Chroma(
            collection_name=collection_name,
            embedding_function=embeddings,
            client=client,
            collection_configuration={"hnsw": hnsw},
        )
        self._collection = self.store._collection
        if ef_search is not None:
            self._ensure_ef_search(ef_search)

    def _ensure_ef_search(self, ef_search: int) -> None:
        """Collections built before the setting existed (or with another value) take the configured width.

        The configuration passed above only applies when the collection is created; ``ef_search`` is
        a query-time parameter that Chroma lets an existing collection change.
        """
        current = (self._collection.configuration or {}).get("hnsw") or {}
        if current.get("ef_search") == ef_search:
            return
        try:
            self._collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
        except Exception as exc:  # a read-only server or an old server: searching still works, less exactly
            log.warning("could not set HNSW ef_search=%d on %s: %r", ef_search, self.collection_name, exc)

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """A server that went away after the index was opened is a BackendError, not an internal error."""
        import httpx

        try:
            yield
        except httpx.TransportError as exc:
            if self.server is None:
                raise
            raise unreachable(*self.server, exc) from exc

    # ---------------------------------------------------------------- contract
    def upsert(self, chunks: Sequence[Chunk], progress: Progress | None = None) -> None:
        total = len(chunks)
        for start in range(0, total, _WRITE_BATCH):
            batch = chunks[start : start + _WRITE_BATCH]
            texts = [index_text(c) for c in batch]
            vectors: list[Sequence[float] | Sequence[int]] = list(self.embeddings.embed_documents(texts))
            with self._reachable():
                self._collection.upsert(
                    ids=[c.chunk_id for c in batch],
                    embeddings=vectors,
                    documents=texts,
                    metadatas=[chunk_metadata(c) for c in batch],
                )
            if progress:
                progress("embed", min(start + len(batch), total), total)

    def delete_doc(self, doc_id: str) -> int:
        with self._reachable():
            ids = self._collection.get(where={"doc_id": doc_id}, include=[])["ids"]
            if ids:
                self._collection.delete(ids=ids)
        return len(ids)

    def query(
        self, query: str | Sequence[float], k: int = 10, where: Where | None = None
    ) -> list[tuple[str, float]]:
        vector = self.embeddings.embed_query(query) if isinstance(query, str) else list(query)
        return self.query_batch([vector], k, where)[0]

    def count(self) -> int:
        with self._reachable():
            return int(self._collection.count())

    def ids(self) -> list[str]:
        with self._reachable():
            return list(self._collection.get(include=[])["ids"])

    # ---------------------------------------------------------------- extras
    def query_batch(
        self, vectors: Sequence[Sequence[float]] | Sequence[np.ndarray], k: int = 10, where: Where | None = None
    ) -> list[list[tuple[str, float]]]:
        """Nearest chunks for many query vectors in one call (batch search mode)."""
        if not vectors:
            return []
        n = self.count()
        if n == 0 or k <= 0:
            return [[] for _ in vectors]
        queries: list[Sequence[float] | Sequence[int]] = [list(map(float, v)) for v in vectors]
        with self._reachable():
            res = self._collection.query(
                query_embeddings=queries,
                n_results=min(k, n),
                where=to_chroma_where(where),
                include=["distances"],
            )
        out: list[list[tuple[str, float]]] = []
        for ids, dists in zip(res["ids"], res["distances"] or [], strict=False):
            out.append([(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=False)])
        return out

    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id (to score candidates the dense search did not return)."""
        if not ids:
            return {}
        with self._reachable():
            res = self._collection.get(ids=list(ids), include=["embeddings"])
        vectors = res["embeddings"]
        if vectors is None:
            return {}
        return {cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(res["ids"], vectors, strict=False)}

    def export(self, doc_ids: Sequence[str] | None = None, batch: int = 1000) -> Iterator[GetResult]:
        """Yield stored records (ids, embeddings, documents, metadatas) in batches."""
        where = to_chroma_where({"doc_id": list(doc_ids)}) if doc_ids is not None else None
        if doc_ids is not None and not doc_ids:
            return
        offset = 0
        while True:
            with self._reachable():
                res = self._collection.get(
                    where=where, include=["embeddings", "documents", "metadatas"], limit=batch, offset=offset
                )
            if not res["ids"]:
                return
            yield res
            offset += len(res["ids"])

    def import_records(self, records: GetResult) -> None:
        """Add records produced by `export` (no embedding work)."""
        ids = records["ids"]
        embeddings, documents, metadatas = records["embeddings"], records["documents"], records["metadatas"]
        if embeddings is None or documents is None or metadatas is None:
            raise ValueError("exported records lack embeddings, documents or metadatas")
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            batch_vectors: list[Sequence[float] | Sequence[int]] = [list(map(float, v)) for v in embeddings[start:end]]
            with self._reachable():
                self._collection.upsert(
                    ids=ids[start:end],
                    embeddings=batch_vectors,
                    documents=documents[start:end],
                    metadatas=metadatas[start:end],
                )

    def drop(self) -> None:
        """Delete the whole collection."""
        try:
            self.client.delete_collection(self.collection_name)
        except Exception as exc:  # already gone
            log.debug("drop collection %s: %r", self.collection_name, exc)
