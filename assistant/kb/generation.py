"""One generation on disk: catalog.json, chunks.jsonl, bm25.json, chroma/ (embedded mode)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.index.bm25_store import BM25Index
from assistant.index.chroma_store import ChromaIndex
from assistant.kb.catalogue import Catalogue
from assistant.kb.records import DocRecord
from assistant.schema import Chunk

CATALOG_VERSION = 1


@dataclass
class Generation:
    """One complete, immutable snapshot of the knowledge base (what CURRENT points to)."""

    name: str
    path: Path
    records: dict[str, DocRecord]
    chunks: dict[str, Chunk]
    dense: ChromaIndex
    bm25: BM25Index
    info: dict[str, Any] = field(default_factory=dict)
    catalogue: Catalogue = field(init=False)

    def __post_init__(self) -> None:
        self.catalogue = Catalogue(self.records, self.chunks)

    @property
    def by_article(self) -> dict[tuple[str, int], list[str]]:
        return self.catalogue.by_article

    @property
    def by_doc(self) -> dict[str, list[str]]:
        return self.catalogue.by_doc


def write_json(path: Path, data: Any) -> None:
    """Write `data` durably: a temporary file, fsync, then an atomic rename."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_chunks(path: Path, chunks: Iterable[Chunk]) -> None:
    """chunks.jsonl, one chunk per line (temporary file, then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for chunk in chunks:
            fh.write(chunk.model_dump_json() + "\n")
    os.replace(tmp, path)


def read_generation(path: Path) -> tuple[dict[str, DocRecord], dict[str, Chunk], dict[str, Any]]:
    """The records, chunks and build info stored in a generation folder."""
    with (path / "catalog.json").open(encoding="utf-8") as fh:
        catalog = json.load(fh)
    records = {d["meta"]["doc_id"]: DocRecord.from_json(d) for d in catalog["documents"]}
    chunks: dict[str, Chunk] = {}
    with (path / "chunks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                chunk = Chunk.model_validate_json(line)
                chunks[chunk.chunk_id] = chunk
    info = {k: v for k, v in catalog.items() if k != "documents"}
    return records, chunks, info
