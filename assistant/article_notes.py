"""Article notes: a topic heading (条旨) and the questions an article answers, in users' words.

The notes live as data in ``knowledge_base/article_notes/*.yaml``. They are *retrieval keys*,
not citable text: a question that resembles a note's questions pulls the note's article into the
candidates and adds to its score; the answer always quotes the article itself.

Note vectors are embedded once (as queries: notes are questions) and cached on disk, keyed by
the embedding model and the note texts, so a rebuild or a new process does not embed them again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.index.bm25_store import BM25Index

log = logging.getLogger(__name__)

NOTES_DIR = "article_notes"


class NotesError(ValueError):
    """A notes file is malformed (message in Chinese, details in the log)."""


@dataclass(frozen=True)
class Note:
    document: str  # title or alias as written in the file
    article: str  # 第二十二条
    article_no: int
    topic: str
    questions: tuple[str, ...]
    anchors: tuple[str, ...]
    #: a later change of the article by another document (mostly one the knowledge base does not hold), told to
    #: users whenever the article is cited (财库〔2022〕19号 raised 46号文第九条's 6%—10%; the 民法典 repealed the
    #: 合同法 that 政府采购法第四十三条 names); not a retrieval key
    later_change: str = ""

    @property
    def parts(self) -> list[str]:
        """The topic and each question (the non-empty ones)."""
        return [t for t in (self.topic, *self.questions) if t]

    @property
    def text(self) -> str:
        """The topic with the questions, as one text."""
        return "；".join(self.parts)

    @property
    def keys(self) -> list[str]:
        """The texts matched against a question: the whole note and each of its parts (the topic,
        every question), so a question close to one typical question is not diluted by the others.
        Measured on the real development set (92 questions): hit@5 0.761 -> 0.793."""
        parts = self.parts
        return [self.text, *parts] if len(parts) > 1 else parts


def load_notes(directory: Path) -> list[Note]:
    import yaml

    from assistant.text_zh import article_label, parse_article_no

    notes: list[Note] = []
    if not directory.is_dir():
        return notes
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            log.error("cannot read article notes %s: %s", path, exc)
            raise NotesError(f"条文说明文件无法读取：{path.name}") from exc
        doc = str(data.get("document") or "").strip()
        arts = data.get("articles") or {}
        if not doc or not isinstance(arts, dict):
            raise NotesError(f"条文说明文件缺少 document 或 articles：{path.name}")
        for label, spec in arts.items():
            no = parse_article_no(str(label))
            if no is None or not isinstance(spec, dict):
                raise NotesError(f"条文说明文件中的条号「{label}」无法识别：{path.name}")
            _check_spec(spec, label, path.name)
            notes.append(Note(doc, article_label(no), no, str(spec.get("topic") or ""),
                              tuple(str(q) for q in spec.get("questions") or ()),
                              tuple(str(a) for a in spec.get("anchors") or ()), str(spec.get("later_change") or "").strip()))
    return notes


_TEXT_FIELDS = ("topic", "later_change")
_LIST_FIELDS = ("questions", "anchors")


def _check_spec(spec: dict[str, Any], label: object, file: str) -> None:
    """A misspelt field or a wrong shape fails the load instead of silently dropping a note's part."""
    unknown = sorted(set(map(str, spec)) - {*_TEXT_FIELDS, *_LIST_FIELDS})
    if unknown:
        raise NotesError(f"条文说明文件 {file} 第「{label}」条有未知字段：{'、'.join(unknown)}"
                         f"（可用字段：{'、'.join((*_TEXT_FIELDS, *_LIST_FIELDS))}）")
    for key in _TEXT_FIELDS:
        if spec.get(key) is not None and not isinstance(spec[key], str):
            raise NotesError(f"条文说明文件 {file} 第「{label}」条的 {key} 应为一段文字")
    for key in _LIST_FIELDS:
        value = spec.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            raise NotesError(f"条文说明文件 {file} 第「{label}」条的 {key} 应为文字列表")


def later_changes(notes: Sequence[Note], title_of: Callable[[str], str | None]) -> dict[tuple[str, str], str]:
    """(document title, 第N条) -> the later change users are told of when that article is cited."""
    out: dict[tuple[str, str], str] = {}
    for n in notes:
        if n.later_change and (title := title_of(n.document)) is not None:
            out[(title, n.article)] = n.later_change
    return out


class NoteIndex:
    """Dense similarity between a question and the note keys, per article."""

    def __init__(self, notes: Sequence[Note], embeddings: Embeddings, cache_dir: Path | None = None,
                 signature: str = "", shipped_dir: Path | None = None) -> None:
        self.notes = list(notes)
        self.embeddings = embeddings
        self.cache_dir = cache_dir
        #: read-only vectors shipped with the knowledge base (`python -m assistant.kb.vector_cache` writes them)
        self.shipped_dir = shipped_dir
        self.signature = signature
        self._keys: list[tuple[int, str]] = [(i, k) for i, n in enumerate(self.notes) for k in n.keys if k]
        # the note of each key row, and the notes that have keys: fixed with the keys, used by every query
        self._owners = np.fromiter((i for i, _ in self._keys), dtype=np.int64, count=len(self._keys))
        self._keyed = np.unique(self._owners)
        self._matrix: np.ndarray | None = None
        self._build_lock = threading.Lock()  # the vector matrix and the keyword index are built once
        self._lexical: BM25Index | None = None

    def _digest(self) -> str:
        h = hashlib.sha256(self.signature.encode("utf-8"))
        for _, k in self._keys:
            h.update(k.encode("utf-8") + b"\0")
        return h.hexdigest()[:16]

    def file_name(self) -> str:
        """The cache file of these notes' vectors for this embedding model."""
        return f"article_notes-{self._digest()}.npy"

    def load_file(self, path: Path) -> np.ndarray | None:
        if not path.exists():
            return None
        try:
            m = np.load(path)
        except (OSError, ValueError, EOFError) as exc:
            log.warning("article-note vector cache %s unreadable (%s)", path, exc)
            return None
        return m.astype(np.float32) if m.shape[0] == len(self._keys) else None

    def embed(self) -> np.ndarray:
        """Embed every note key now (no cache)."""
        from assistant.embeddings import embed_queries

        texts = [k for _, k in self._keys]
        if not texts:
            return np.zeros((0, 1), np.float32)
        return np.asarray(embed_queries(self.embeddings, texts), dtype=np.float32)

    def save(self, folder: Path, m: np.ndarray) -> Path:
        """Write the cache file atomically (a temporary file, then a rename): another process may be
        reading it (a half-written .npy once failed a concurrent search with EOFError in the soak)."""
        path = folder / self.file_name()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with tmp.open("wb") as fh:
                np.save(fh, m.astype(np.float16))
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def matrix(self) -> np.ndarray:
        if self._matrix is not None:
            return self._matrix
        with self._build_lock:  # the first concurrent requests embed the notes once, not each
            if self._matrix is not None:
                return self._matrix
            self._matrix = self._load_or_embed()
            return self._matrix

    def _load_or_embed(self) -> np.ndarray:
        for folder in (self.shipped_dir, self.cache_dir):
            found = self.load_file(folder / self.file_name()) if folder is not None else None
            if found is not None:
                return found
        # stored as float16: score with that precision now too, so a fresh and a cached run rank alike
        m = self.embed().astype(np.float16).astype(np.float32)
        if self.cache_dir is not None:
            try:
                self.save(self.cache_dir, m)
            except OSError as exc:  # only a speed-up (e.g. a read-only data dir): not a problem to show
                log.info("cannot write article-note vector cache in %s: %s", self.cache_dir, exc)
        return m

    def lexical_scores(self, text: str, k: int = 30) -> dict[int, float]:
        """note index -> keyword (BM25) match of the question with the note's text, 0..1 (best = 1).

        The notes use practitioners' words (撤回标书, 开标当天, 顺延), so shared words find the
        article even where the question's embedding lands elsewhere.
        """
        if not self.notes:
            return {}
        found = self._keyword_index().query(text, k)
        if not found:
            return {}
        top = found[0][1]
        return {int(i): score / top for i, score in found}

    def _keyword_index(self) -> BM25Index:
        """The notes' keyword index, built once (the lock is taken only until it exists, as for the matrix)."""
        if self._lexical is not None:
            return self._lexical
        with self._build_lock:
            if self._lexical is None:
                from assistant.index.bm25_store import BM25Index

                index = BM25Index()
                ids = [str(i) for i in range(len(self.notes))]
                index.import_tokens({i: index.tokenizer(n.text) for i, n in zip(ids, self.notes, strict=True)},
                                    {i: {} for i in ids})
                self._lexical = index
            return self._lexical

    def article_scores(self, vector: np.ndarray) -> dict[int, float]:
        """note index -> best similarity of the question to any of that note's keys."""
        if not self._keys:
            return {}
        sims = self.matrix() @ vector.astype(np.float32)
        best = np.full(len(self.notes), -np.inf, dtype=np.float32)
        np.maximum.at(best, self._owners, sims)
        return dict(zip(self._keyed.tolist(), best[self._keyed].tolist(), strict=True))
