"""`KnowledgeBase`: readers see the generation CURRENT names; writers build a new one.

Layout under `<data_dir>/index/`:
    CURRENT            name of the generation readers use (replaced atomically)
    gen-NNNN/          catalog.json, chunks.jsonl, bm25.json, chroma/ (embedded mode)
    .lock              held by the one writer (build / add / remove)

Every write builds a complete new generation (unchanged documents' vectors are copied, only
new or changed documents are embedded; see `builder.py`) and then flips CURRENT with
`os.replace`, so a failed or killed build leaves the previous generation serving. In
Chroma-server mode each generation is its own collection.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import LimitsSettings
from assistant.errors import BusyError, NotFoundError, ReadOnlyError
from assistant.index.bm25_store import BM25Index
from assistant.index.chroma_store import ChromaIndex, evict_deleted_systems, http_client, persistent_client
from assistant.kb.builder import GenerationBuilder, Progress
from assistant.kb.generation import Generation, read_generation
from assistant.schema import Chunk, DocumentMeta

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.config import ChromaSettings, Settings
    from assistant.housekeeping import GcResult

log = logging.getLogger(__name__)

KEEP_GENERATIONS = 2



def removal_note(meta: DocumentMeta) -> str | None:
    """What removing a bundled (shipped) document means for the user; None for a user's own document.

    One text for every interface (CLI `kb remove`, REST DELETE): a later build does not restore it.
    """
    if meta.is_user_document:
        return None
    return ("这是随软件提供的文档，问答和招标文件审查的法律依据可能引用它；之后的 kb build 不会自动恢复，"
            "如需恢复请运行 tender-assistant kb build --rebuild。")

class KnowledgeBase:
    """Documents and their indexes; readers see CURRENT, writers build a new generation."""

    def __init__(
        self,
        data_dir: Path,
        embeddings: Embeddings,
        *,
        kb_dir: Path,
        include_china_law: bool = True,
        chroma: ChromaSettings | None = None,
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
        self.ef_search = chroma.ef_search if chroma else None
        self.max_upload_bytes = max_upload_bytes
        self.limits = limits
        self._gen: Generation | None = None
        self._current_name: str | None = None
        self._lock = threading.RLock()
        self._last_check = 0.0

    @classmethod
    def from_settings(cls, settings: Settings, embeddings: Embeddings) -> KnowledgeBase:
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

    def current_generation(self) -> Generation | None:
        """The generation last opened, without re-checking CURRENT."""
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

    def dense_index(self, gen_name: str, embeddings: Embeddings | None = None) -> ChromaIndex:
        """The vector index of a generation (its own collection in server mode); a writer passes
        embeddings backed by the shipped vector cache."""
        emb = embeddings or self.embeddings
        if self.chroma_host:
            client = http_client(self.chroma_host, self.chroma_port)
            return ChromaIndex(client, self._collection_name(gen_name), emb, ef_search=self.ef_search)
        client = persistent_client(self.root / gen_name / "chroma")
        return ChromaIndex(client, "chunks", emb, ef_search=self.ef_search)

    def _open(self, name: str) -> Generation:
        path = self.root / name
        records, chunks, info = read_generation(path)
        return Generation(name, path, records, chunks, self.dense_index(name), BM25Index(path / "bm25.json"), info)

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
        return gen.catalogue.alias_map() if gen else {}

    def find_documents(self, name: str, include_superseded: bool = True) -> list[DocumentMeta]:
        """Documents whose title, alias or 文号 is `name` (current version first)."""
        gen = self.generation()
        return gen.catalogue.find_documents(name, include_superseded) if gen else []

    def resolve_title(self, name: str) -> DocumentMeta | None:
        """The current document for a full title, alias (招标投标法, 87号令) or 文号."""
        docs = self.find_documents(name)
        return docs[0] if docs else None

    def title_of(self, name: str) -> str | None:
        """The knowledge-base title of a document named by title, alias or 文号 (None when absent)."""
        meta = self.resolve_title(name)
        return meta.title if meta is not None else None

    def get_article(self, title_or_alias: str, article_no: int, include_superseded: bool = False) -> Chunk | None:
        """The article's chunk (parts of a long article merged), current version unless asked."""
        gen = self.generation()
        return gen.catalogue.get_article(title_or_alias, article_no, include_superseded) if gen else None

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        gen = self.generation()
        return gen.catalogue.get_chunks(chunk_ids) if gen else []

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        gen = self.generation()
        return gen.catalogue.doc_chunks(doc_id) if gen else []

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

    def check_vector_store(self) -> None:
        """Raise BackendError when the serving generation's vector store cannot be reached (/health)."""
        gen = self.generation()
        if gen is not None:
            gen.dense.count()

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
            return GenerationBuilder(self, rebuild=rebuild, progress=progress).run(paths)

    def add(self, paths: Sequence[Path | str], progress: Progress | None = None,
            overrides: dict[str, str] | None = None) -> list[DocumentMeta]:
        """Add (or update) user files/folders; returns their metadata (for a file whose content is
        already indexed, that document's). `overrides`: see `add_report`."""
        docs, duplicates = self.add_report(paths, progress, overrides)
        return self.with_holders(docs, duplicates)

    def with_holders(self, docs: list[DocumentMeta], duplicates: list[dict[str, str]]) -> list[DocumentMeta]:
        """`docs`, then the indexed documents that hold the content of the files not added (`add_report`)."""
        gen = self._require()
        held = [gen.records[d["doc_id"]].meta for d in duplicates if d["doc_id"] in gen.records]
        return docs + [m for m in held if m not in docs]

    def add_report(self, paths: Sequence[Path | str], progress: Progress | None = None,
                   overrides: dict[str, str] | None = None) -> tuple[list[DocumentMeta], list[dict[str, str]]]:
        """The added documents, and the files not added because an indexed document has the same
        content ({source, doc_id, title} of that document). `overrides` (title, doc_type; see
        `sources.user_overrides`) replace the inferred metadata of every added file."""
        with self._writer_lock():
            summary = GenerationBuilder(self, strict_paths=True, progress=progress,
                                        overrides=overrides).run([Path(p) for p in paths])
        gen = self._require()
        return [gen.records[d].meta for d in summary["source_doc_ids"] if d in gen.records], summary["duplicates"]

    def remove(self, doc_id: str) -> DocumentMeta:
        """Remove a document (a manifest document stays out until `kb build --rebuild`)."""
        with self._writer_lock():
            gen = self._require()
            if doc_id not in gen.records:
                raise NotFoundError(f"知识库中没有编号为“{doc_id}”的文档。可用 `tender-assistant kb list` 查看。",
                                    f"remove: unknown doc_id {doc_id}")
            meta = gen.records[doc_id].meta
            GenerationBuilder(self, remove={doc_id}).run([])
            return meta

    def next_generation_name(self) -> str:
        counter = self.root / ".last_gen"
        last = 0
        with contextlib.suppress(FileNotFoundError, ValueError):
            last = int(counter.read_text().strip() or 0)
        for p in self.root.glob("gen-*"):
            try:
                last = max(last, int(p.name.split("-")[1]))
            except (IndexError, ValueError):
                continue
        nxt = last + 1
        counter.write_text(str(nxt))
        return f"gen-{nxt:04d}"

    def gc(self, upload_max_age_s: float = 7 * 24 * 3600) -> GcResult:
        """`kb gc`: partial generations, generations beyond retention, old review uploads/exports."""
        from assistant.housekeeping import GcResult, clean_uploads, plan_generations, remove_generations

        result = GcResult()
        with self._writer_lock():  # never races a build writing its new generation
            plan = plan_generations(self.root, self._read_current(), KEEP_GENERATIONS - 1)
            self._drop_collections(plan.partial + plan.old)
            remove_generations(self.root, plan.partial + plan.old, result)
            if not self.chroma_host:
                evict_deleted_systems()
        clean_uploads(self.data_dir, upload_max_age_s, result)
        log.info("gc: %s", result.to_dict())
        return result

    def _drop_collections(self, names: list[str]) -> None:
        if not self.chroma_host:
            return
        for name in names:
            try:
                http_client(self.chroma_host, self.chroma_port).delete_collection(self._collection_name(name))
            except Exception as exc:  # a collection already gone is fine
                log.debug("prune collection %s: %r", name, exc)

    def prune(self) -> None:
        """Keep the current generation and the newest complete one before it (readers may still use it).

        Partial generations (a killed write) never count against retention: they are removed too.
        """
        from assistant.housekeeping import plan_generations

        plan = plan_generations(self.root, self._read_current(), KEEP_GENERATIONS - 1)
        for p in (self.root / n for n in plan.partial + plan.old):
            if self.chroma_host:
                try:
                    http_client(self.chroma_host, self.chroma_port).delete_collection(self._collection_name(p.name))
                except Exception as exc:  # a missing collection on the server is not an error here
                    log.debug("prune collection %s: %r", p.name, exc)
            shutil.rmtree(p, ignore_errors=True)
        if not self.chroma_host:
            # release the pruned generations' Chroma systems now, not at the next open (issue 18)
            evict_deleted_systems()

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
        return self._require().catalogue.allowed_doc_ids(
            doc_types=doc_types, status=status, titles=titles, include_superseded=include_superseded
        )
