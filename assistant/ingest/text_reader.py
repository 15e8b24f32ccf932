"""Plain text to `LoadedDocument` blocks: one paragraph per non-blank line."""

from __future__ import annotations

from assistant.ingest.doctitle import stem_title
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import normalize


def load_txt(text: str, name: str) -> LoadedDocument:
    blocks = [
        Block(text=line, kind="paragraph", location=Location(paragraph=i))
        for i, line in enumerate(ln for ln in normalize(text).split("\n") if ln.strip())
    ]
    return LoadedDocument(path=name, format="txt", title=stem_title(name), blocks=blocks)
