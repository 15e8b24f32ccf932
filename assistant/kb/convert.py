"""Convert an official text (PDF, DOCX, LawRefBook Markdown) into the knowledge base's Markdown.

The conversion uses the project's own loaders (NFKC, page furniture, Kangxi radicals, doubled
PDF header text), so what ships is exactly what the product would read from the original file.

Output: a YAML provenance header (front matter), `# 标题`, the preamble (公布令, 修订沿革),
`## 第X章 …` / `### 第X节 …` headings and one paragraph per line of the body.

    python -m assistant.kb.convert --corpus ../shared/corpus   # regenerate every converted file

reads each manifest entry that names `converted_from:` and rewrites `knowledge_base/<file>`.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.ingest.loaders import load_file
from assistant.schema import LoadedDocument
from assistant.text_zh import compact_cjk, normalize

log = logging.getLogger(__name__)

#: Fields copied from the manifest entry into the provenance header, in this order.
HEADER_FIELDS = ("title", "doc_number", "issuer", "doc_type", "publish_date", "effective_date", "version",
                 "status", "status_note", "origin", "source_url", "converted_from", "conversion", "omitted")
_STRUCT = re.compile(r"^第([一二三四五六七八九十百零〇]+)(编|分编|章|节)\s*(.*)$")
_LEVEL = {"编": 2, "分编": 2, "章": 2, "节": 3}
_HAN = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
# PDF typesetting puts spaces around Arabic numbers inside Chinese text (「自 2024 年 5 月 1 日」)
_TYPESET_SPACE = re.compile(rf"(?<=[{_HAN}]) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) +(?=[{_HAN}])")
_PREAMBLE_NOISE = {"附件"}


def tidy(line: str) -> str:
    """One converted line: typesetting spaces between Chinese text and numbers removed."""
    return _TYPESET_SPACE.sub("", line.strip())


def _heading(text: str) -> tuple[int, str] | None:
    m = _STRUCT.match(text)
    if m is None or len(text) > 40 or text.endswith(("。", "；", "：")):
        return None
    rest = compact_cjk(m.group(3).strip())
    label = f"第{m.group(1)}{m.group(2)}"
    return _LEVEL[m.group(2)], f"{label} {rest}".strip()


def body_lines(doc: LoadedDocument, title: str, stop_at: str | None = None) -> tuple[list[str], list[str]]:
    """(preamble, body) lines: the body starts at the first 章 heading or 第一条 and ends
    before a line starting with `stop_at` (annexed forms that are not part of the text)."""
    preamble: list[str] = []
    body: list[str] = []
    started = False
    norm_title = compact_cjk(normalize(title))
    for block in doc.blocks:
        for raw in block.text.split("\n"):
            line = tidy(raw)
            if not line or line.startswith("<!--"):
                continue
            if started and stop_at and line.startswith(stop_at):
                return preamble, body
            if not started and (_heading(line) or line.startswith("第一条")):
                started = True
            if not started:
                if compact_cjk(line) in (norm_title, "《" + norm_title + "》") or line in _PREAMBLE_NOISE:
                    continue  # the title line itself, a bare 「附件」 label
                preamble.append(line)
                continue
            head = _heading(line)
            if head is not None:
                body.append("#" * head[0] + " " + head[1])
            elif block.kind == "heading" and block.level == 1:
                continue
            else:
                body.append(line)
    return preamble, body


def render_markdown(entry: dict[str, Any], doc: LoadedDocument) -> str:
    header = {k: str(entry[k]) for k in HEADER_FIELDS if entry.get(k) not in (None, "")}
    stop_at = entry.get("stop_at")
    preamble, body = body_lines(doc, str(entry["title"]), str(stop_at) if stop_at else None)
    out = ["---", yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=1000).strip(), "---", "",
           f"# {entry['title']}", ""]
    for line in preamble:
        out += [line, ""]
    for line in body:
        out += [line, ""]
    return "\n".join(out).rstrip() + "\n"


def convert_entry(entry: dict[str, Any], corpus: Path, kb_dir: Path) -> Path:
    source = corpus / str(entry["converted_from"])
    doc = load_file(source)
    target = kb_dir / str(entry["file"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_markdown(entry, doc), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    from assistant.config import get_settings
    from assistant.kb.sources import read_manifest

    parser = argparse.ArgumentParser(description="把语料中的法规原件转换为知识库 Markdown")
    parser.add_argument("--corpus", type=Path, required=True, help="语料目录（含 regulations/）")
    parser.add_argument("--only", nargs="*", default=None, help="只转换这些 doc_id")
    args = parser.parse_args(argv)
    kb_dir = get_settings().knowledge_base_dir
    done = 0
    for entry in read_manifest(kb_dir):
        if not entry.get("converted_from") or (args.only and entry["doc_id"] not in args.only):
            continue
        target = convert_entry(entry, args.corpus, kb_dir)
        print(f"{entry['doc_id']}: {target}")
        done += 1
    print(f"已转换 {done} 个文件。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
