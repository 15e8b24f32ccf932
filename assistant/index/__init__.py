"""Index adapters (dense Chroma, keyword BM25) behind one protocol, `ChunkIndex`."""

from assistant.index.base import ChunkIndex, Where, chunk_metadata, index_text, matches

__all__ = ["ChunkIndex", "Where", "chunk_metadata", "index_text", "matches"]
