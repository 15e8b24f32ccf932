"""Catalogue records (a document's metadata plus its origin) and version supersession."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.schema import DRAFT_STATUS, Chunk, DocumentMeta
from assistant.text_zh import normalize
from assistant.titles import PRC, static_aliases


@dataclass
class DocRecord:
    """A catalog entry: the document's metadata plus where it came from."""

    meta: DocumentMeta
    origin: str = "default"  # "default" (manifest) | "user" (kb add / --source)
    path: str | None = None
    original_status: str = "现行有效"  # status before supersession was applied
    #: metadata the user set at import (`kb add --title/--doc-type`); kept when the file is re-read
    overrides: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"meta": self.meta.model_dump(mode="json"), "origin": self.origin, "path": self.path,
                "original_status": self.original_status, "overrides": self.overrides}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocRecord:
        return cls(DocumentMeta.model_validate(data["meta"]), data.get("origin", "default"), data.get("path"),
                   data.get("original_status", data["meta"].get("status", "现行有效")),
                   dict(data.get("overrides") or {}))

    def copy(self) -> DocRecord:
        return DocRecord(self.meta, self.origin, self.path, self.original_status, dict(self.overrides))


def _title_key(title: str, aliases: Iterable[str], table: dict[str, str]) -> str:
    """Grouping key for versions: the canonical full title (alias table), else the title."""
    title = normalize(title).strip()
    for name in [title, *aliases]:
        name = normalize(name).strip()
        full = table.get(name) or table.get(PRC + name) if not name.startswith(PRC) else table.get(name)
        if full:
            return full
    return title


def apply_versions(records: dict[str, DocRecord], order: list[str], table: dict[str, str] | None = None) -> None:
    """Newer versions of the same title supersede older ones (ties: the manifest copy wins).

    The superseded one keeps its text and stays retrievable on request; its status becomes
    已修订 unless it was 已废止. An identical version added twice is de-duplicated the same way
    without changing its status. A draft (征求意见稿) is no version of the enacted text: it stands
    alone, neither superseding nor superseded.
    """
    table = static_aliases() if table is None else table
    groups: dict[str, list[str]] = {}
    for doc_id in order:
        rec = records[doc_id]
        rec.meta = rec.meta.model_copy(update={"superseded_by": None, "status": rec.original_status})
        key = doc_id if rec.original_status == DRAFT_STATUS else _title_key(rec.meta.title, rec.meta.aliases, table)
        groups.setdefault(key, []).append(doc_id)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        rank = {d: i for i, d in enumerate(ids)}
        best = max(
            ids,
            key=lambda d: (records[d].meta.version or "", records[d].origin == "default", -rank[d]),
        )
        for doc_id in ids:
            if doc_id == best:
                continue
            rec = records[doc_id]
            newer = (records[best].meta.version or "") > (rec.meta.version or "")
            status = rec.original_status
            if newer and status != "已废止":
                status = "已修订"
            rec.meta = rec.meta.model_copy(update={"superseded_by": best, "status": status})


def content_fingerprint(chunks: Iterable[Chunk]) -> str:
    """What makes two imports the same document: their article texts (labels, spaces and
    punctuation widths normalised; titles and file names ignored), else all their entries' texts."""
    chunks = list(chunks)
    body = [c for c in chunks if c.article] or chunks
    texts = []
    for c in body:
        text = normalize(c.text)
        if c.article and text.startswith(c.article):
            text = text[len(c.article):]
        texts.append(re.sub(r"\s+", "", text))
    return hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest() if any(texts) else ""
