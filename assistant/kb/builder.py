"""The write path: build a complete new generation, then flip CURRENT atomically.

Steps (each a method): plan the sources -> load what changed -> apply versions -> write the
indexes (copy unchanged vectors, embed the rest) -> write chunks and catalog -> flip CURRENT.
A failure anywhere before the flip removes the half-written generation; the previous one keeps
serving.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import StorageFullError, UserError
from assistant.housekeeping import is_disk_full
from assistant.index.bm25_store import BM25Index
from assistant.index.chroma_store import ChromaIndex
from assistant.kb.generation import CATALOG_VERSION, Generation, write_chunks, write_json
from assistant.kb.records import DocRecord, apply_versions, content_fingerprint
from assistant.kb.sources import (
    PlannedDoc,
    expand_paths,
    plan_defaults,
    plan_user_file,
    unreadable_reason,
    user_doc_id,
)
from assistant.kb.vector_cache import CachedEmbeddings, VectorCache
from assistant.schema import Chunk
from assistant.text_zh import tokenizer_signature
from assistant.titles import static_aliases

if TYPE_CHECKING:
    from assistant.kb.store import KnowledgeBase

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class BuildPlan:
    """Step 1: what the next generation should contain."""

    planned: dict[str, PlannedDoc] = field(default_factory=dict)
    keep_stored: dict[str, DocRecord] = field(default_factory=dict)  # user docs whose file is gone
    source_doc_ids: list[str] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)
    #: bundled documents the user removed (kept out until `kb build --rebuild`): doc_id -> title
    excluded_titles: dict[str, str] = field(default_factory=dict)
    failed: list[dict[str, str]] = field(default_factory=list)


@dataclass
class LoadResult:
    """Step 2: records of the next generation and the chunks that need embedding."""

    records: dict[str, DocRecord] = field(default_factory=dict)
    new_chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: added files whose content an indexed document already has: {source, doc_id, title} of that document
    duplicates: list[dict[str, str]] = field(default_factory=list)


class GenerationBuilder:
    """One write of the knowledge base (the caller holds the writer lock)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        rebuild: bool = False,
        strict_paths: bool = False,
        remove: set[str] | None = None,
        progress: Progress | None = None,
        overrides: dict[str, str] | None = None,
    ) -> None:
        from assistant.embeddings import embedding_signature

        self.kb = kb
        self.strict_paths = strict_paths
        self.remove = remove or set()
        self.progress = progress
        self.overrides = overrides or {}  # metadata the user set for the added paths
        kb.reload()
        self.old: Generation | None = kb.current_generation()
        self.signature = embedding_signature(kb.embeddings)
        self.reuse_vectors = self.old is not None and not rebuild and self.old.info.get("embedding") == self.signature
        self.rebuild = rebuild
        self.embedder: CachedEmbeddings | None = None  # loaded only when something must be embedded

    def _tick(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(stage, done, total)

    def _old_chunks(self, doc_id: str) -> list[Chunk]:
        old = self.old
        return [old.chunks[c] for c in old.by_doc.get(doc_id, [])] if old else []

    # ---------------------------------------------------------------- 1. plan
    def plan(self, extra_paths: list[Path]) -> BuildPlan:
        old, kb = self.old, self.kb
        plan = BuildPlan()
        plan.excluded = set(old.info.get("excluded_defaults", [])) if old and not self.rebuild else set()
        defaults, default_failures = plan_defaults(kb.kb_dir, kb.include_china_law)
        plan.failed.extend(default_failures)
        for p in defaults:
            if p.doc_id in self.remove:
                plan.excluded.add(p.doc_id)
            if p.doc_id not in plan.excluded:
                plan.planned[p.doc_id] = p
            else:
                old_rec = old.records.get(p.doc_id) if old else None
                plan.excluded_titles[p.doc_id] = old_rec.meta.title if old_rec else (p.title_hint or p.doc_id)
        if old is not None:
            for doc_id, rec in old.records.items():
                if rec.origin != "user" or doc_id in self.remove:
                    continue
                if rec.path and Path(rec.path).is_file():
                    try:
                        plan.planned[doc_id] = plan_user_file(Path(rec.path), doc_id, kb.max_upload_bytes, kb.limits,
                                                              rec.overrides)
                        continue
                    except OSError as exc:
                        log.warning("cannot re-read %s: %r; keeping the indexed copy", rec.path, exc)
                plan.keep_stored[doc_id] = rec
        for path in expand_paths(extra_paths):
            did = user_doc_id(path)
            kept = plan.planned[did].overrides if did in plan.planned else {}  # re-added without options
            user = plan_user_file(path, did, kb.max_upload_bytes, kb.limits, self.overrides or kept)
            plan.planned[user.doc_id] = user
            plan.keep_stored.pop(user.doc_id, None)
            plan.source_doc_ids.append(user.doc_id)
        return plan

    # ---------------------------------------------------------------- 2. load
    def _reuse(self, out: LoadResult, doc_id: str, rec: DocRecord) -> None:
        """Carry a document over from the old generation (vectors copied, or re-embedded)."""
        out.records[doc_id] = rec
        if self.reuse_vectors:
            out.unchanged.append(doc_id)
        else:
            out.new_chunks[doc_id] = self._old_chunks(doc_id)
            out.updated.append(doc_id)

    def load(self, plan: BuildPlan) -> LoadResult:
        old = self.old
        out = LoadResult()
        total = len(plan.planned)
        for i, (doc_id, item) in enumerate(plan.planned.items()):
            self._tick("load", i, total)
            prev = old.records.get(doc_id) if old else None
            if prev is not None and prev.meta.content_hash == item.content_hash:
                self._reuse(out, doc_id, prev.copy())
                continue
            try:
                meta, chunks = item.loader()
            except Exception as exc:  # one bad document must not stop a build
                if self.strict_paths and doc_id in plan.source_doc_ids:
                    raise
                log.warning("skipping %s: %s", item.source, getattr(exc, "detail", repr(exc)))
                plan.failed.append({"source": item.source, "error": unreadable_reason(exc)})
                if prev is not None:  # keep the indexed copy of a document that no longer loads
                    self._reuse(out, doc_id, prev)
                continue
            meta = meta.model_copy(update={"content_hash": item.content_hash, "chunk_count": len(chunks)})
            out.records[doc_id] = DocRecord(meta, item.origin, item.path, meta.status, item.overrides)
            out.new_chunks[doc_id] = chunks
            (out.updated if prev is not None else out.added).append(doc_id)
        for doc_id, rec in plan.keep_stored.items():
            self._reuse(out, doc_id, rec)
        self._tick("load", total, total)
        out.removed = sorted(set(old.records) - set(out.records)) if old else []
        return out

    def drop_duplicates(self, plan: BuildPlan, loaded: LoadResult) -> None:
        """A newly added file with the same articles as an indexed document is not added twice."""
        new = [d for d in plan.source_doc_ids if d in loaded.added]
        if not new:
            return
        known: dict[str, str] = {}
        for doc_id in loaded.records:
            if doc_id not in new:
                known.setdefault(self._fingerprint(loaded, doc_id), doc_id)
        for doc_id in new:
            fp = self._fingerprint(loaded, doc_id)
            same = known.get(fp) if fp else None
            if same is None:
                known[fp] = doc_id
                continue
            source = loaded.records.pop(doc_id).meta.source
            loaded.new_chunks.pop(doc_id, None)
            loaded.added.remove(doc_id)
            plan.source_doc_ids.remove(doc_id)
            loaded.duplicates.append({"source": source, "doc_id": same, "title": loaded.records[same].meta.title})
            log.info("%s has the content of %s: not added", source, same)

    def _fingerprint(self, loaded: LoadResult, doc_id: str) -> str:
        chunks = loaded.new_chunks.get(doc_id)
        return content_fingerprint(chunks if chunks is not None else self._old_chunks(doc_id))

    # ---------------------------------------------------------------- 3. versions
    def apply_versions(self, loaded: LoadResult, excluded: set[str]) -> bool:
        """Mark superseded versions; True when nothing differs from the serving generation."""
        old = self.old
        apply_versions(loaded.records, list(loaded.records), static_aliases(self.kb.kb_dir))
        status_changed = old is None or any(
            doc_id not in old.records or old.records[doc_id].meta.model_dump() != rec.meta.model_dump()
            for doc_id, rec in loaded.records.items()
        )
        return (
            old is not None and self.reuse_vectors and not loaded.added and not loaded.updated
            and not loaded.removed and not status_changed
            and set(old.info.get("excluded_defaults", [])) == excluded
            and self._same_tokenizer()
        )

    def _same_tokenizer(self) -> bool:
        """The serving generation's keyword tokens were cut with today's lexicon (qa_lexicon.yaml's words)."""
        return self.old is not None and self.old.info.get("tokenizer") == tokenizer_signature()

    # ---------------------------------------------------------------- 4. write
    def _final_chunks(self, loaded: LoadResult) -> dict[str, Chunk]:
        """Every chunk of the new generation, with its document's current fields."""
        all_chunks: dict[str, Chunk] = {}
        for doc_id, rec in loaded.records.items():
            meta = rec.meta
            src = loaded.new_chunks.get(doc_id)
            if src is None:
                src = self._old_chunks(doc_id)
            for chunk in src:
                all_chunks[chunk.chunk_id] = chunk.model_copy(
                    update={"status": meta.status, "is_current": meta.is_current, "title": meta.title,
                            "doc_type": meta.doc_type, "effective_date": meta.effective_date}
                )
        return all_chunks

    def _fill_indexes(self, loaded: LoadResult, all_chunks: dict[str, Chunk], dense: ChromaIndex,
                      bm25: BM25Index) -> int:
        """Copy unchanged documents' vectors and tokens, embed the rest; returns how many embedded."""
        old = self.old
        if loaded.unchanged and old is not None:
            for records_batch in old.dense.export(loaded.unchanged):
                dense.import_records(records_batch)
            copy_ids = [c for d in loaded.unchanged for c in old.by_doc.get(d, [])]
            if self._same_tokenizer():
                bm25.import_tokens(old.bm25.tokens_of(copy_ids), old.bm25.metadata_of(copy_ids))
            else:  # the lexicon changed since: cut the unchanged documents' text again
                bm25.upsert([all_chunks[c] for c in copy_ids])
        to_embed = [all_chunks[c.chunk_id] for d in loaded.new_chunks for c in loaded.new_chunks[d]]
        dense.upsert(to_embed, progress=self.progress)
        self._tick("keywords", 0, 1)
        bm25.upsert(to_embed)
        bm25.save()
        self._tick("keywords", 1, 1)
        expected = len(all_chunks)
        if dense.count() != expected or bm25.count() != expected:
            raise RuntimeError(f"index size mismatch: dense={dense.count()} bm25={bm25.count()} chunks={expected}")
        return self.embedder.embedded_documents if self.embedder is not None else len(to_embed)

    def write(self, loaded: LoadResult, excluded: set[str]) -> tuple[str, int, int]:
        """Write and publish a new generation; returns (name, chunks, embedded)."""
        kb = self.kb
        name = kb.next_generation_name()
        gen_dir = kb.root / name
        gen_dir.mkdir(parents=True)
        dense: ChromaIndex | None = None
        try:
            self.embedder = CachedEmbeddings(kb.embeddings, VectorCache.load(kb.kb_dir, self.signature))
            dense = kb.dense_index(name, self.embedder)
            bm25 = BM25Index(gen_dir / "bm25.json")
            all_chunks = self._final_chunks(loaded)
            embedded = self._fill_indexes(loaded, all_chunks, dense, bm25)
            write_chunks(gen_dir / "chunks.jsonl", all_chunks.values())
            write_json(gen_dir / "catalog.json", {
                "version": CATALOG_VERSION,
                "generation": name,
                "embedding": self.signature,
                "tokenizer": tokenizer_signature(),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "excluded_defaults": sorted(excluded),
                "documents": [rec.to_json() for rec in loaded.records.values()],
            })
            # flip CURRENT atomically: from here on readers see the new generation
            tmp = kb.root / "CURRENT.tmp"
            tmp.write_text(name, encoding="utf-8")
            os.replace(tmp, kb.root / "CURRENT")
        except BaseException as exc:
            # a Ctrl-C, or a failure the shell explains in Chinese, is not shown twice: log file only
            disk_full = is_disk_full(exc)
            quiet = disk_full or isinstance(exc, (KeyboardInterrupt, UserError))
            log.log(logging.INFO if quiet else logging.ERROR, "build of %s failed (%r); %s keeps serving",
                    name, exc, self.old.name if self.old else "nothing")
            if dense is not None and kb.chroma_host:
                dense.drop()
            shutil.rmtree(gen_dir, ignore_errors=True)
            if disk_full:
                raise StorageFullError(
                    f"磁盘空间不足，知识库未改动（数据目录：{kb.data_dir}）。"
                    "请清理磁盘空间后重试。",
                    f"disk full while writing {gen_dir}: {exc!r}",
                    reason="磁盘空间不足",
                ) from exc
            raise
        return name, len(all_chunks), embedded

    # ---------------------------------------------------------------- all steps
    def run(self, extra_paths: list[Path]) -> dict[str, Any]:
        started = time.perf_counter()
        plan = self.plan(extra_paths)
        loaded = self.load(plan)
        self.drop_duplicates(plan, loaded)
        nothing_to_do = self.apply_versions(loaded, plan.excluded)
        summary: dict[str, Any] = {
            "added": len(loaded.added), "updated": len(loaded.updated), "unchanged": len(loaded.unchanged),
            "removed": len(loaded.removed), "added_docs": loaded.added, "updated_docs": loaded.updated,
            "removed_docs": loaded.removed, "failed": plan.failed, "source_doc_ids": plan.source_doc_ids,
            "duplicates": loaded.duplicates,
            "excluded_defaults": [{"doc_id": d, "title": t} for d, t in sorted(plan.excluded_titles.items())],
        }
        if nothing_to_do and self.old is not None:
            summary.update(generation=self.old.name, documents=len(loaded.records), chunks=len(self.old.chunks),
                           embedded=0, seconds=round(time.perf_counter() - started, 2))
            return summary
        name, n_chunks, embedded = self.write(loaded, plan.excluded)
        self.kb.reload(force=True)
        self.kb.prune()
        from_cache = self.embedder.from_cache if self.embedder is not None else 0
        summary.update(generation=name, documents=len(loaded.records), chunks=n_chunks, embedded=embedded,
                       from_cache=from_cache,
                       seconds=round(time.perf_counter() - started, 2))
        log.info("knowledge base %s: %s", name, {k: v for k, v in summary.items() if not k.endswith("docs")})
        return summary


def duplicate_note(dup: dict[str, str]) -> str:
    """The warning for a file not added because its content is already in the knowledge base."""
    return f"“{Path(dup['source']).name}”的内容与已导入的《{dup['title']}》（{dup['doc_id']}）相同，未重复导入。"
