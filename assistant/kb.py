"""The knowledge base: documents, chunks, dense + keyword indexes, in atomic generations.

Layout under `<data_dir>/index/`:
    CURRENT            name of the generation readers use (replaced atomically)
    gen-NNNN/          catalog.json, chunks.jsonl, bm25.json, chroma/ (embedded mode)
    .lock              held by the one writer (build / add / remove)

Every write builds a complete new generation (unchanged documents' vectors are copied, only
new or changed documents are embedded) and then flips CURRENT with `os.replace`, so a failed
or killed build leaves the previous generation serving. In Chroma-server mode each generation
is its own collection.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.citations import PRC, static_aliases
from assistant.config import LimitsSettings
from assistant.errors import BusyError, NotFoundError, ReadOnlyError, UserError
from assistant.index.bm25_store import BM25Index
from assistant.index.chroma_store import ChromaIndex, http_client, persistent_client
from assistant.kb_sources import PlannedDoc, expand_paths, plan_defaults, plan_user_file
from assistant.schema import Chunk, DocumentMeta
from assistant.text_zh import normalize

if TYPE_CHECKING:
    from assistant.housekeeping import GcResult
    from langchain_core.embeddings import Embeddings

    from assistant.config import ChromaSettings, Settings

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
KEEP_GENERATIONS = 2
CATALOG_VERSION = 1


@dataclass
class DocRecord:
    """A catalog entry: the document's metadata plus where it came from."""

    meta: DocumentMeta
    origin: str = "default"  # "default" (manifest) | "user" (kb add / --source)
    path: str | None = None
    original_status: str = "现行有效"  # status before supersession was applied

    def to_json(self) -> dict[str, Any]:
        return {"meta": self.meta.model_dump(mode="json"), "origin": self.origin, "path": self.path,
                "original_status": self.original_status}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "DocRecord":
        return cls(DocumentMeta.model_validate(data["meta"]), data.get("origin", "default"), data.get("path"),
                   data.get("original_status", data["meta"].get("status", "现行有效")))


def _title_key(title: str, aliases: Iterable[str], table: dict[str, str]) -> str:
    """Grouping key for versions: the canonical full title (aliases.yaml), else the title."""
    title = normalize(title).strip()
    for name in [title, *aliases]:
        name = normalize(name).strip()
        full = table.get(name) or table.get(PRC + name) if not name.startswith(PRC) else table.get(name)
        if full:
            return full
    return title


def apply_versions(records: dict[str, DocRecord], order: list[str]) -> None:
    """Newer versions of the same title supersede older ones (ties: the manifest copy wins).

    The superseded one keeps its text and stays retrievable on request; its status becomes
    已修订 unless it was 已废止. An identical version added twice is de-duplicated the same way
    without changing its status.
    """
    table = static_aliases()
    groups: dict[str, list[str]] = {}
    for doc_id in order:
        rec = records[doc_id]
        rec.meta = rec.meta.model_copy(update={"superseded_by": None, "status": rec.original_status})
        groups.setdefault(_title_key(rec.meta.title, rec.meta.aliases, table), []).append(doc_id)
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


# --------------------------------------------------------------------------- a generation


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
    by_article: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    by_doc: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.refresh_maps()

    def refresh_maps(self) -> None:
        self.by_article = {}
        self.by_doc = {}
        for cid, chunk in self.chunks.items():
            self.by_doc.setdefault(chunk.doc_id, []).append(cid)
            if chunk.article_no is not None:
                self.by_article.setdefault((chunk.doc_id, chunk.article_no), []).append(cid)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class KnowledgeBase:
    """Documents and their indexes; readers see CURRENT, writers build a new generation."""

    def __init__(
        self,
        data_dir: Path,
        embeddings: "Embeddings",
        *,
        kb_dir: Path,
        include_china_law: bool = True,
        chroma: "ChromaSettings | None" = None,
        max_upload_bytes: int | None = None,
        limits: LimitsSettings | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "index"
        self.embeddings = embeddings
        self.kb_dir = Path(kb_dir)
        self.include_china_law = include_china_law
        self.chroma_host = chroma.host if chroma else None
        self.chroma_port = chroma.port if chroma else 8000
        self.collection_prefix = chroma.collection_prefix if chroma else "tender"
        self.max_upload_bytes = max_upload_bytes
        self.limits = limits
        self._gen: Generation | None = None
        self._current_name: str | None = None
        self._lock = threading.RLock()
        self._last_check = 0.0

    @classmethod
    def from_settings(cls, settings: "Settings", embeddings: "Embeddings") -> "KnowledgeBase":
        return cls(
            settings.data_dir,
            embeddings,
            kb_dir=settings.knowledge_base_dir,
            include_china_law=settings.include_china_law,
            chroma=settings.chroma,
            max_upload_bytes=settings.max_upload_bytes,
            limits=settings.limits,
        )

    # ================================================================= readers
    def _read_current(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name and (self.root / name / "catalog.json").exists() else None

    def is_built(self) -> bool:
        return self._read_current() is not None

    def reload(self, force: bool = False) -> bool:
        """Re-open the generation CURRENT points to if it changed; True when it did."""
        with self._lock:
            name = self._read_current()
            self._last_check = time.monotonic()
            if name is None:
                changed = self._gen is not None
                self._gen, self._current_name = None, None
                return changed
            if not force and self._gen is not None and name == self._current_name:
                return False
            self._gen = self._open(name)
            self._current_name = name
            return True

    def generation(self, check_interval: float = 1.0) -> Generation | None:
        """The serving generation (re-checks CURRENT at most every `check_interval` seconds)."""
        if self._gen is None or time.monotonic() - self._last_check > check_interval:
            self.reload()
        return self._gen

    def _require(self) -> Generation:
        gen = self.generation()
        if gen is None:
            raise NotFoundError(
                "知识库尚未建立，请先运行 `tender-assistant kb build`。", f"no generation under {self.root}"
            )
        return gen

    def _collection_name(self, gen_name: str) -> str:
        tag = hashlib.sha1(str(self.data_dir.resolve()).encode()).hexdigest()[:8]
        return f"{self.collection_prefix}-{tag}-{gen_name}"

    def _dense(self, gen_name: str) -> ChromaIndex:
        if self.chroma_host:
            client = http_client(self.chroma_host, self.chroma_port)
            return ChromaIndex(client, self._collection_name(gen_name), self.embeddings)
        client = persistent_client(self.root / gen_name / "chroma")
        return ChromaIndex(client, "chunks", self.embeddings)

    def _open(self, name: str) -> Generation:
        path = self.root / name
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
        return Generation(name, path, records, chunks, self._dense(name), BM25Index(path / "bm25.json"), info)

    # ---------------------------------------------------------------- queries
    def list_documents(self, include_superseded: bool = True) -> list[DocumentMeta]:
        gen = self.generation()
        if gen is None:
            return []
        return [r.meta for r in gen.records.values() if include_superseded or r.meta.is_current]

    def get_document(self, doc_id: str) -> DocumentMeta | None:
        gen = self.generation()
        rec = gen.records.get(doc_id) if gen else None
        return rec.meta if rec else None

    def document_origin(self, doc_id: str) -> str | None:
        gen = self.generation()
        rec = gen.records.get(doc_id) if gen else None
        return rec.origin if rec else None

    def alias_map(self) -> dict[str, str]:
        """alias/short title -> full title, for every document in the knowledge base."""
        gen = self.generation()
        out: dict[str, str] = {}
        if gen is None:
            return out
        for rec in gen.records.values():
            meta = rec.meta
            out.setdefault(normalize(meta.title), meta.title)
            if meta.title.startswith(PRC):
                out.setdefault(meta.title[len(PRC):], meta.title)
            for alias in [*meta.aliases, meta.doc_number or ""]:
                if alias:
                    out.setdefault(normalize(alias), meta.title)
        return out

    def find_documents(self, name: str, include_superseded: bool = True) -> list[DocumentMeta]:
        """Documents whose title, alias or 文号 is `name` (current version first)."""
        gen = self.generation()
        if gen is None or not name:
            return []
        name = normalize(name).strip().strip("《》").strip()
        table = static_aliases()
        wanted = {name, table.get(name, name)}
        if not name.startswith(PRC):
            wanted.add(PRC + name)
        found = []
        for rec in gen.records.values():
            meta = rec.meta
            names = {normalize(meta.title), *(normalize(a) for a in meta.aliases)}
            if meta.doc_number:
                names.add(normalize(meta.doc_number))
            if names & wanted or meta.doc_id == name:
                found.append(meta)
        found.sort(key=lambda m: m.version or "", reverse=True)
        found.sort(key=lambda m: (not m.is_current, m.superseded_by is not None))
        return [m for m in found if include_superseded or m.is_current]

    def resolve_title(self, name: str) -> DocumentMeta | None:
        """The current document for a full title, alias (招标投标法, 87号令) or 文号."""
        docs = self.find_documents(name)
        return docs[0] if docs else None

    def get_article(self, title_or_alias: str, article_no: int, include_superseded: bool = False) -> Chunk | None:
        """The article's chunk (parts of a long article merged), current version unless asked."""
        gen = self.generation()
        if gen is None:
            return None
        for meta in self.find_documents(title_or_alias, include_superseded=include_superseded):
            ids = gen.by_article.get((meta.doc_id, int(article_no)))
            if ids:
                parts = [gen.chunks[i] for i in ids]
                if len(parts) == 1:
                    return parts[0]
                return parts[0].model_copy(update={"text": "\n".join(p.text for p in parts)})
        return None

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        gen = self.generation()
        if gen is None:
            return []
        return [gen.chunks[c] for c in chunk_ids if c in gen.chunks]

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        gen = self.generation()
        return [gen.chunks[c] for c in gen.by_doc.get(doc_id, [])] if gen else []

    def stats(self) -> dict[str, Any]:
        gen = self.generation()
        if gen is None:
            return {"built": False, "documents": 0, "chunks": 0}
        by_type: dict[str, int] = {}
        for rec in gen.records.values():
            by_type[rec.meta.doc_type] = by_type.get(rec.meta.doc_type, 0) + 1
        return {
            "built": True,
            "generation": gen.name,
            "documents": len(gen.records),
            "current_documents": sum(1 for r in gen.records.values() if r.meta.is_current),
            "chunks": len(gen.chunks),
            "by_doc_type": by_type,
            "embedding": gen.info.get("embedding"),
            "built_at": gen.info.get("built_at"),
            "index": f"chroma server {self.chroma_host}:{self.chroma_port}" if self.chroma_host else "chroma embedded",
        }

    # ================================================================= writers
    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fh = (self.root / ".lock").open("a+")
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise
            raise ReadOnlyError(
                f"知识库目录「{self.root}」为只读，无法构建、添加或删除文档（只读模式下仅能检索与问答）。",
                f"writer lock not writable: {self.root / '.lock'}: {exc}",
            ) from exc
        try:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise BusyError(
                    "知识库正在被另一个任务更新（构建、添加或删除文档），请等待其完成后再试。",
                    f"writer lock busy: {self.root / '.lock'}",
                ) from exc
            yield
        finally:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            finally:
                fh.close()

    def ensure_built(self, progress: Progress | None = None) -> dict[str, Any] | None:
        """Build the default knowledge base when none exists yet (first start)."""
        if self.is_built():
            self.generation()
            return None
        log.info("no knowledge base under %s: building the defaults", self.root)
        return self.build(progress=progress)

    def build(
        self, sources: Sequence[Path | str] = (), progress: Progress | None = None, rebuild: bool = False
    ) -> dict[str, Any]:
        """(Re)build from the defaults, the user documents already present, and `sources`."""
        paths = [Path(p) for p in sources]
        with self._writer_lock():
            return self._write(extra_paths=paths, progress=progress, rebuild=rebuild, strict_paths=False)

    def add(self, paths: Sequence[Path | str], progress: Progress | None = None) -> list[DocumentMeta]:
        """Add (or update) user files/folders; returns their metadata."""
        with self._writer_lock():
            summary = self._write(extra_paths=[Path(p) for p in paths], progress=progress, strict_paths=True)
        gen = self._require()
        return [gen.records[d].meta for d in summary["source_doc_ids"] if d in gen.records]

    def remove(self, doc_id: str) -> DocumentMeta:
        """Remove a document (a manifest document stays out until `kb build --rebuild`)."""
        with self._writer_lock():
            gen = self._require()
            if doc_id not in gen.records:
                raise NotFoundError(f"知识库中没有编号为“{doc_id}”的文档。可用 `tender-assistant kb list` 查看。",
                                    f"remove: unknown doc_id {doc_id}")
            meta = gen.records[doc_id].meta
            self._write(extra_paths=[], progress=None, remove={doc_id})
            return meta

    # ---------------------------------------------------------------- the write path
    def _next_name(self) -> str:
        counter = self.root / ".last_gen"
        last = 0
        try:
            last = int(counter.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            pass
        for p in self.root.glob("gen-*"):
            try:
                last = max(last, int(p.name.split("-")[1]))
            except (IndexError, ValueError):
                continue
        nxt = last + 1
        counter.write_text(str(nxt))
        return f"gen-{nxt:04d}"

    def _write(
        self,
        extra_paths: list[Path],
        progress: Progress | None,
        rebuild: bool = False,
        strict_paths: bool = False,
        remove: set[str] | None = None,
    ) -> dict[str, Any]:
        from assistant.embeddings import embedding_signature

        started = time.perf_counter()
        self.reload()
        old = self._gen
        signature = embedding_signature(self.embeddings)
        reuse_vectors = old is not None and not rebuild and old.info.get("embedding") == signature
        excluded = set(old.info.get("excluded_defaults", [])) if old and not rebuild else set()
        remove = remove or set()

        # 1. plan: defaults, known user documents, new paths
        planned: dict[str, PlannedDoc] = {}
        failed: list[dict[str, str]] = []
        defaults, default_failures = plan_defaults(self.kb_dir, self.include_china_law)
        failed.extend(default_failures)
        for p in defaults:
            if p.doc_id in remove:
                excluded.add(p.doc_id)
            if p.doc_id not in excluded:
                planned[p.doc_id] = p
        keep_stored: dict[str, DocRecord] = {}  # user docs whose file is gone: keep what is indexed
        if old is not None:
            for doc_id, rec in old.records.items():
                if rec.origin != "user" or doc_id in remove:
                    continue
                if rec.path and Path(rec.path).is_file():
                    try:
                        planned[doc_id] = plan_user_file(Path(rec.path), doc_id, self.max_upload_bytes, self.limits)
                        continue
                    except OSError as exc:
                        log.warning("cannot re-read %s: %r; keeping the indexed copy", rec.path, exc)
                keep_stored[doc_id] = rec
        source_doc_ids: list[str] = []
        for path in expand_paths(extra_paths):
            plan = plan_user_file(path, None, self.max_upload_bytes, self.limits)
            planned[plan.doc_id] = plan
            keep_stored.pop(plan.doc_id, None)
            source_doc_ids.append(plan.doc_id)

        # 2. load what changed
        records: dict[str, DocRecord] = {}
        new_chunks: dict[str, list[Chunk]] = {}
        unchanged: list[str] = []
        added: list[str] = []
        updated: list[str] = []
        total = len(planned)
        for i, (doc_id, plan) in enumerate(planned.items()):
            if progress:
                progress("load", i, total)
            prev = old.records.get(doc_id) if old else None
            if prev is not None and prev.meta.content_hash == plan.content_hash:
                records[doc_id] = DocRecord(prev.meta, prev.origin, prev.path, prev.original_status)
                if reuse_vectors:
                    unchanged.append(doc_id)
                else:
                    new_chunks[doc_id] = [old.chunks[c] for c in old.by_doc.get(doc_id, [])]  # type: ignore[union-attr]
                    updated.append(doc_id)
                continue
            try:
                meta, chunks = plan.loader()
            except Exception as exc:  # one bad document must not stop a build
                if strict_paths and doc_id in source_doc_ids:
                    raise
                message = exc.message if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
                log.warning("skipping %s: %s", plan.source, getattr(exc, "detail", repr(exc)))
                failed.append({"source": plan.source, "error": message})
                if prev is not None:  # keep the indexed copy of a document that no longer loads
                    records[doc_id] = prev
                    (unchanged if reuse_vectors else updated).append(doc_id)
                    if not reuse_vectors:
                        new_chunks[doc_id] = [old.chunks[c] for c in old.by_doc.get(doc_id, [])]  # type: ignore[union-attr]
                continue
            meta = meta.model_copy(update={"content_hash": plan.content_hash, "chunk_count": len(chunks)})
            records[doc_id] = DocRecord(meta, plan.origin, plan.path, meta.status)
            new_chunks[doc_id] = chunks
            (updated if prev is not None else added).append(doc_id)
        for doc_id, rec in keep_stored.items():
            records[doc_id] = rec
            if reuse_vectors:
                unchanged.append(doc_id)
            else:
                new_chunks[doc_id] = [old.chunks[c] for c in old.by_doc.get(doc_id, [])]  # type: ignore[union-attr]
                updated.append(doc_id)
        if progress:
            progress("load", total, total)
        removed = sorted(set(old.records) - set(records)) if old else []

        # 3. versions
        apply_versions(records, list(records))
        status_changed = old is None or any(
            doc_id not in old.records
            or old.records[doc_id].meta.model_dump() != rec.meta.model_dump()
            for doc_id, rec in records.items()
        )
        nothing_to_do = (
            old is not None and reuse_vectors and not added and not updated and not removed and not status_changed
            and set(old.info.get("excluded_defaults", [])) == excluded
        )
        summary: dict[str, Any] = {
            "added": len(added), "updated": len(updated), "unchanged": len(unchanged), "removed": len(removed),
            "added_docs": added, "updated_docs": updated, "removed_docs": removed, "failed": failed,
            "source_doc_ids": source_doc_ids,
        }
        if nothing_to_do:
            summary.update(generation=old.name, documents=len(records), chunks=len(old.chunks), embedded=0,  # type: ignore[union-attr]
                           seconds=round(time.perf_counter() - started, 2))
            return summary

        # 4. write the new generation
        name = self._next_name()
        gen_dir = self.root / name
        gen_dir.mkdir(parents=True)
        dense: ChromaIndex | None = None
        try:
            dense = self._dense(name)
            bm25 = BM25Index(gen_dir / "bm25.json")
            all_chunks: dict[str, Chunk] = {}
            for doc_id, rec in records.items():
                meta = rec.meta
                src = new_chunks.get(doc_id)
                if src is None:
                    src = [old.chunks[c] for c in old.by_doc.get(doc_id, [])]  # type: ignore[union-attr]
                for chunk in src:
                    all_chunks[chunk.chunk_id] = chunk.model_copy(
                        update={"status": meta.status, "is_current": meta.is_current, "title": meta.title,
                                "doc_type": meta.doc_type, "effective_date": meta.effective_date}
                    )
            # copy unchanged documents' vectors and tokens
            if unchanged and old is not None:
                for records_batch in old.dense.export(unchanged):
                    dense.import_records(records_batch)
                copy_ids = [c for d in unchanged for c in old.by_doc.get(d, [])]
                bm25.import_tokens(old.bm25.tokens_of(copy_ids), old.bm25.metadata_of(copy_ids))
            # embed new and changed documents
            to_embed = [all_chunks[c.chunk_id] for d in new_chunks for c in new_chunks[d]]
            before = getattr(self.embeddings, "embedded_documents", None)
            dense.upsert(to_embed, progress=progress)
            if progress:
                progress("keywords", 0, 1)
            bm25.upsert(to_embed)
            bm25.save()
            if progress:
                progress("keywords", 1, 1)
            expected = len(all_chunks)
            if dense.count() != expected or bm25.count() != expected:
                raise RuntimeError(f"index size mismatch: dense={dense.count()} bm25={bm25.count()} chunks={expected}")
            with (gen_dir / "chunks.jsonl.tmp").open("w", encoding="utf-8") as fh:
                for chunk in all_chunks.values():
                    fh.write(chunk.model_dump_json() + "\n")
            os.replace(gen_dir / "chunks.jsonl.tmp", gen_dir / "chunks.jsonl")
            catalog = {
                "version": CATALOG_VERSION,
                "generation": name,
                "embedding": signature,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "excluded_defaults": sorted(excluded),
                "documents": [rec.to_json() for rec in records.values()],
            }
            _write_json(gen_dir / "catalog.json", catalog)
            # flip CURRENT atomically: from here on readers see the new generation
            tmp = self.root / "CURRENT.tmp"
            tmp.write_text(name, encoding="utf-8")
            os.replace(tmp, self.root / "CURRENT")
        except BaseException:
            log.error("build of %s failed; %s keeps serving", name, self._current_name or "nothing")
            if dense is not None and self.chroma_host:
                dense.drop()
            shutil.rmtree(gen_dir, ignore_errors=True)
            raise
        embedded = len(to_embed)
        if before is not None:
            embedded = getattr(self.embeddings, "embedded_documents") - before
        self.reload(force=True)
        self._prune()
        summary.update(generation=name, documents=len(records), chunks=len(all_chunks), embedded=embedded,
                       seconds=round(time.perf_counter() - started, 2))
        log.info("knowledge base %s: %s", name, {k: v for k, v in summary.items() if not k.endswith("docs")})
        return summary

    def gc(self, upload_max_age_s: float = 7 * 24 * 3600) -> "GcResult":
        """`kb gc`: partial generations, generations beyond retention, old review uploads/exports."""
        from assistant.housekeeping import GcResult, clean_uploads, plan_generations, remove_generations

        result = GcResult()
        with self._writer_lock():  # never races a build writing its new generation
            plan = plan_generations(self.root, self._read_current(), KEEP_GENERATIONS - 1)
            self._drop_collections(plan.partial + plan.old)
            remove_generations(self.root, plan.partial + plan.old, result)
        clean_uploads(self.data_dir, upload_max_age_s, result)
        log.info("gc: %s", result.to_dict())
        return result

    def _drop_collections(self, names: list[str]) -> None:
        if not self.chroma_host:
            return
        for name in names:
            try:
                http_client(self.chroma_host, self.chroma_port).delete_collection(self._collection_name(name))
            except Exception as exc:  # noqa: BLE001 — a collection already gone is fine
                log.debug("prune collection %s: %r", name, exc)

    def _prune(self) -> None:
        """Keep the current generation and the newest complete one before it (readers may still use it).

        Partial generations (a killed write) never count against retention: they are removed too.
        """
        from assistant.housekeeping import plan_generations

        plan = plan_generations(self.root, self._read_current(), KEEP_GENERATIONS - 1)
        for p in (self.root / n for n in plan.partial + plan.old):
            if self.chroma_host:
                try:
                    http_client(self.chroma_host, self.chroma_port).delete_collection(self._collection_name(p.name))
                except Exception as exc:
                    log.debug("prune collection %s: %r", p.name, exc)
            shutil.rmtree(p, ignore_errors=True)

    # ---------------------------------------------------------------- retrieval support
    def allowed_doc_ids(
        self,
        *,
        doc_types: Iterable[str] | None = None,
        status: Iterable[str] | None = None,
        titles: Iterable[str] | None = None,
        include_superseded: bool = False,
    ) -> set[str] | None:
        """Doc ids passing the filters; None when every document passes (no filter needed)."""
        gen = self._require()
        types = set(doc_types or [])
        statuses = set(status or [])
        title_docs: set[str] | None = None
        if titles:
            title_docs = set()
            for t in titles:
                t_norm = normalize(t).strip().strip("《》")
                matched = {m.doc_id for m in self.find_documents(t, include_superseded=True)}
                matched |= {d for d, r in gen.records.items() if t_norm and t_norm in r.meta.title}
                current = {d for d in matched if gen.records[d].meta.is_current}
                # a title naming only an old version asks for it; otherwise the current one
                title_docs |= (current if current and not include_superseded else matched)
        allowed = set()
        for doc_id, rec in gen.records.items():
            meta = rec.meta
            if types and meta.doc_type not in types:
                continue
            if statuses and meta.status not in statuses:
                continue
            if title_docs is not None and doc_id not in title_docs:
                continue
            # superseded documents only when asked for (flag, a status filter, or by title)
            if not meta.is_current and not include_superseded and not statuses and title_docs is None:
                continue
            allowed.add(doc_id)
        if len(allowed) == len(gen.records):
            return None
        return allowed
