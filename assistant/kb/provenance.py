"""What users are told about where a document comes from (`kb show`, the web citation panel).

A bundled document names the collection its text was taken from, its official publication when
known, and what could not be verified about its status or version (the manifest's `status_note`);
a user's document names the file it was imported from. Never a path of this machine.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.schema import DocumentMeta


def source_file(meta: DocumentMeta) -> str:
    """The file name a user document was imported from."""
    return Path(meta.source).name


_REPO_AT = re.compile(r"^(?P<repo>[\w.\-]+/[\w.\-]+)@(?P<commit>[0-9a-f]{7,40})$")
_REPO_DIR = re.compile(r"^(?P<repo>[\w.\-]+/[\w.\-]+) (?P<dir>\S+/)$")


def text_source_zh(text_source: str) -> str:
    """The manifest's `origin` for people: 「LawRefBook/Laws@2f4c5c2」 → 「GitHub 开源仓库 LawRefBook/Laws（提交 2f4c5c2）」."""
    if m := _REPO_AT.match(text_source):
        return f"GitHub 开源仓库 {m['repo']}（提交 {m['commit']}）"
    if m := _REPO_DIR.match(text_source):
        return f"GitHub 开源仓库 {m['repo']} 的 {m['dir']} 目录"
    return text_source


def provenance_lines(meta: DocumentMeta) -> list[str]:
    """「文本来源：…」「官方发布：…」「说明：…」 of a bundled document, 「来源：用户导入的文件 …」 of a user's."""
    if meta.is_user_document:
        return [f"来源：用户导入的文件“{source_file(meta)}”"]
    lines = [f"文本来源：{text_source_zh(meta.text_source)}" if meta.text_source else "来源：随软件提供"]
    if meta.official_url:
        lines.append(f"官方发布：{meta.official_url}")
    if meta.status_note:
        lines.append(f"说明：{meta.status_note}")
    return lines
