"""Wiring: the only place that turns Settings into concrete objects.

Shells (CLI, app.py, MCP, eval) build one `Services` and ask it for what they need; each
object is built lazily on first use and then shared (models and indexes are expensive).
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assistant.config import Settings, get_settings, redact_url

if TYPE_CHECKING:  # imported lazily at run time: nothing heavy is built at import
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

    from assistant.collusion.pipeline import CollusionAnalyzer
    from assistant.kb import KnowledgeBase
    from assistant.qa.chain import QAChain
    from assistant.retrieval import HybridRetriever
    from assistant.review.pipeline import Reviewer


class Services:
    """Lazily built, shared application objects for one Settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._lock = threading.RLock()

    @cached_property
    def embeddings(self) -> "Embeddings":
        from assistant.embeddings import make_embeddings

        return make_embeddings(self.settings.embedding)

    @cached_property
    def kb(self) -> "KnowledgeBase":
        from assistant.kb import KnowledgeBase

        with self._lock:
            return KnowledgeBase.from_settings(self.settings, self.embeddings)

    @cached_property
    def retriever(self) -> "HybridRetriever":
        from assistant.retrieval import HybridRetriever

        return HybridRetriever(self.kb, self.settings.retrieval)

    @cached_property
    def llm(self) -> "BaseChatModel | None":
        from assistant.llm import make_chat_model

        return make_chat_model(self.settings.llm)

    @cached_property
    def qa(self) -> "QAChain":
        from assistant.qa.chain import QAChain

        return QAChain.from_services(self)

    @cached_property
    def reviewer(self) -> "Reviewer":
        from assistant.review.pipeline import Reviewer

        return Reviewer.from_services(self)

    @cached_property
    def collusion(self) -> "CollusionAnalyzer":
        from assistant.collusion.pipeline import CollusionAnalyzer

        return CollusionAnalyzer.from_services(self)

    def describe(self) -> dict[str, Any]:
        """What is active (for the 系统 tab, /health and eval records); never includes secrets."""
        s = self.settings
        return {
            "data_dir": str(s.data_dir),
            "embedding_backend": s.embedding.backend,
            "embedding_model": s.embedding.model,
            "llm_backend": s.llm.backend,
            "llm_model": s.llm.model if s.llm.backend != "none" else None,
            "llm_base_url": redact_url(s.llm.base_url) if s.llm.backend == "openai" else None,
            "chroma": f"server {s.chroma.host}:{s.chroma.port}" if s.chroma.host else "embedded",
        }
