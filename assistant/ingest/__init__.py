"""Ingest: read files (`loaders`, one reader module per format), split them into citable chunks
(`chunker`), infer metadata.

Names are resolved lazily so `import assistant.ingest` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["chunk_document", "infer_metadata", "load_bytes", "load_file"]

_WHERE = {
    "load_file": "assistant.ingest.loaders",
    "load_bytes": "assistant.ingest.loaders",
    "chunk_document": "assistant.ingest.chunker",
    "infer_metadata": "assistant.ingest.metadata",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
