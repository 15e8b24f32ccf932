"""Plain text to `LoadedDocument` blocks: one paragraph per non-blank line; a title first line names it."""

from __future__ import annotations

from assistant.ingest.doctitle import is_title_line, stem_title
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import normalize


def load_txt(text: str, name: str) -> LoadedDocument:
    blocks = [
        Block(text=line, kind="paragraph", location=Location(paragraph=i))
        for i, line in enumerate(ln for ln in normalize(text).split("\n") if ln.strip())
    ]
    title = blocks[0].text.strip() if blocks and is_title_line(blocks[0].text) else stem_title(name)
    return LoadedDocument(path=name, format="txt", title=title, blocks=blocks)
