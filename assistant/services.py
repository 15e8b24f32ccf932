"""Wiring: the only place that turns Settings into concrete objects.

Shells (CLI, app.py, MCP, eval) build one `Services` and ask it for what they need; each
object is built lazily on first use and then shared (models and indexes are expensive).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings, get_settings, redact_url

if TYPE_CHECKING:  # imported lazily at run time: nothing heavy is built at import
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

    from assistant.article_notes import Note
    from assistant.collusion.pipeline import CollusionAnalyzer
    from assistant.kb import KnowledgeBase
    from assistant.qa.chain import QAChain
    from assistant.qa.understanding import Lexicon
    from assistant.retrieval import HybridRetriever, Planner
    from assistant.review.catalogue import Catalogue
    from assistant.review.exemplar import ExemplarStep
    from assistant.review.pipeline import Reviewer


#: the services `overrides` may replace (each is a lazily built attribute below)
SERVICE_NAMES = frozenset({"embeddings", "kb", "retriever", "llm", "qa", "reviewer"})


class Services:
    """Lazily built, shared application objects for one Settings.

    `overrides` swaps single services, e.g. in tests `Services(settings, overrides={"llm": fake})`:
    everything built later (the Q&A chain, the reviewer) is wired to the replacement.
    """

    def __init__(self, settings: Settings | None = None, overrides: Mapping[str, object] | None = None) -> None:
        self.settings = settings or get_settings()
        self._lock = threading.RLock()
        from assistant.titles import use_knowledge_base_dir

        use_knowledge_base_dir(self.settings.knowledge_base_dir)
        self._register_user_words()

        unknown = set(overrides or {}) - SERVICE_NAMES
        if unknown:
            raise ValueError(f"unknown services to override: {sorted(unknown)}; known: {sorted(SERVICE_NAMES)}")
        # cached_property reads the instance dict first: an override is simply a pre-built value
        self.__dict__.update(overrides or {})

    @cached_property
    def embeddings(self) -> Embeddings:
        from assistant.embeddings import make_embeddings

        return make_embeddings(self.settings.embedding)

    @cached_property
    def kb(self) -> KnowledgeBase:
        from assistant.kb import KnowledgeBase

        with self._lock:
            return KnowledgeBase.from_settings(self.settings, self.embeddings)

    @cached_property
    def retriever(self) -> HybridRetriever:
        from assistant.retrieval import HybridRetriever

        retriever = HybridRetriever(self.kb, self.settings.retrieval, limits=self.settings.limits,
                                     planner=self.query_planner)
        if self.settings.retrieval.use_article_notes:
            from assistant.article_notes import NoteIndex
            from assistant.embeddings import embedding_signature
            from assistant.kb.vector_cache import CACHE_DIR

            notes = self.article_notes
            if notes:
                retriever.notes = NoteIndex(notes, self.embeddings, cache_dir=self.settings.data_dir / "cache",
                                            signature=embedding_signature(self.embeddings),
                                            shipped_dir=self.settings.knowledge_base_dir / CACHE_DIR)
        return retriever

    @cached_property
    def article_notes(self) -> list[Note]:
        """The article notes (knowledge_base/article_notes/): retrieval keys, and later changes told to users."""
        from assistant.article_notes import NOTES_DIR, load_notes

        return load_notes(self.settings.knowledge_base_dir / NOTES_DIR)

    @cached_property
    def lexicon(self) -> Lexicon:
        """The question lexicon (knowledge_base/qa_lexicon.yaml): practice words, regimes, scope words,
        the answer gate's words."""
        from assistant.qa.understanding import LEXICON_FILE, Lexicon

        return Lexicon.load(self.settings.knowledge_base_dir / LEXICON_FILE)

    def _register_user_words(self) -> None:
        """The lexicon's practice words join the tokenizer before anything is tokenized, so the keyword
        index built here and the questions asked here split text the same way (they did not when the
        words were added only when the first question was planned: an index built in a fresh process
        lacked them, and the questions carried them)."""
        from assistant.text_zh import add_user_words

        if self.settings.retrieval.understand_questions:
            add_user_words(self.lexicon.user_words())

    @cached_property
    def query_planner(self) -> Planner | None:
        """Question understanding for retrieval (knowledge_base/qa_lexicon.yaml), or None when off."""
        from assistant.qa.understanding import make_planner

        r = self.settings.retrieval
        if not r.understand_questions:
            return None
        return make_planner(self.lexicon, self.kb.title_of, regime_boost=r.regime_boost, off_regime_penalty=r.off_regime_penalty,
                            specific_boost=r.specific_rule_boost, dense_core_only=r.dense_core_only)

    @cached_property
    def llm(self) -> BaseChatModel | None:
        from assistant.llm import make_chat_model

        return make_chat_model(self.settings.llm)

    @cached_property
    def qa(self) -> QAChain:
        from assistant.qa import refusal
        from assistant.qa.chain import QAChain

        s = self.settings
        return QAChain(
            self.retriever,
            self.kb,
            self.llm,
            prompts_dir=s.prompts_dir,
            k=max(6, s.retrieval.k),
            mask_personal_data=s.llm.mask_personal_data and s.llm.backend == "openai",
            include_superseded=s.retrieval.include_superseded,
            refusal_policy=refusal.RefusalPolicy.for_embedding(s.embedding.backend, s.retrieval.refusal_threshold,
                                                                  self.lexicon),
            limits=s.limits,
            changed_articles=[n for n in self.article_notes if n.later_change],
            article_topics=[n for n in self.article_notes if n.topic],
        )

    @cached_property
    def reviewer(self) -> Reviewer:
        from assistant.review.catalogue import load_catalogue
        from assistant.review.checklist import load_checklist
        from assistant.review.pipeline import Reviewer

        s = self.settings
        path = Path(s.knowledge_base_dir) / "review_rules.yaml"
        checklist = Path(s.knowledge_base_dir) / "review_checklist.yaml"
        catalogue = load_catalogue(path if path.exists() else None)
        llm = self.llm if s.llm.backend != "none" else None
        return Reviewer(
            catalogue,
            kb=lambda: self.kb,
            llm=llm,
            exemplar=self._exemplar(catalogue, llm is not None),
            use_llm=s.review.use_llm,
            max_semantic_clauses=s.review.max_semantic_clauses,
            max_bytes=s.max_upload_bytes,
            mask_personal_data=s.llm.mask_personal_data and s.llm.backend == "openai",
            limits=s.limits,
            checklist=load_checklist(checklist if checklist.exists() else None),
        )

    def _exemplar(self, catalogue: Catalogue, llm_configured: bool) -> ExemplarStep | None:
        """The example-clause step: on when asked, or (auto) when an LLM can confirm its candidates."""
        s = self.settings
        if not (s.review.exemplar == "on" or (s.review.exemplar == "auto" and llm_configured)):
            return None
        from assistant.embeddings import embedding_signature
        from assistant.kb.vector_cache import CachedEmbeddings, VectorCache
        from assistant.review.exemplar import ExemplarStep

        # the shipped rules' example vectors come with the passage vectors: no embedding at first use
        shipped = VectorCache.load(Path(s.knowledge_base_dir), embedding_signature(self.embeddings))
        return ExemplarStep(catalogue, CachedEmbeddings(self.embeddings, shipped), cache_dir=Path(s.data_dir) / "cache",
                            model_name=f"{s.embedding.backend}:{s.embedding.model or ''}")

    @cached_property
    def collusion(self) -> CollusionAnalyzer:
        from assistant.collusion.data import CollusionData
        from assistant.collusion.legal import kb_law_texts, kb_lookup
        from assistant.collusion.pipeline import CollusionAnalyzer

        s = self.settings
        data = CollusionData.load(Path(s.knowledge_base_dir) / "collusion")
        return CollusionAnalyzer(data, lookup=kb_lookup(lambda: self.kb), max_bytes=s.max_upload_bytes,
                                 law_texts=kb_law_texts(lambda: self.kb))

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
