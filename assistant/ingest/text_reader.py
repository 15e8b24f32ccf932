"""Plain text to `LoadedDocument` blocks: one paragraph per non-blank line; a title first line names it."""

from __future__ import annotations

from assistant.ingest.doctitle import is_title_line, stem_title
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import normalize


def tabbed_rows_as_bars(text: str) -> str:
    """The text with each line of cells apart by tabs that stands beside another such line (a table copied from Word
    or a spreadsheet) written with its cells apart by bars, which `normalize` keeps (it turns tabs into spaces) and
    the review reads as table rows; a lone tabbed line (「第一章<TAB>总则」) is left as it is."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tabbed = ["\t" in ln.strip() for ln in lines]
    beside = [t and ((i > 0 and tabbed[i - 1]) or (i + 1 < len(lines) and tabbed[i + 1])) for i, t in enumerate(tabbed)]
    return "\n".join(f"| {ln.strip().replace(chr(9), ' | ')} |" if b else ln for ln, b in zip(lines, beside, strict=True))


def load_txt(text: str, name: str) -> LoadedDocument:
    blocks = [
        Block(text=line, kind="paragraph", location=Location(paragraph=i))
        for i, line in enumerate(ln for ln in normalize(tabbed_rows_as_bars(text)).split("\n") if ln.strip())
    ]
    title = blocks[0].text.strip() if blocks and is_title_line(blocks[0].text) else stem_title(name)
    return LoadedDocument(path=name, format="txt", title=title, blocks=blocks)
