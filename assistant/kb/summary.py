"""What a knowledge-base build changed, in the words the CLI and the web panel both print."""

from __future__ import annotations

from typing import Any


def build_summary_zh(s: dict[str, Any]) -> str:
    """The counts of one build (kb.build's summary), then a note naming bundled documents the user removed
    that this build did not restore. Failures are listed by each interface in its own layout."""
    def count(key: str) -> int:
        value = s.get(key, 0)
        return len(value) if isinstance(value, list) else int(value or 0)

    seconds = f"{float(s.get('seconds') or 0):.1f}".removesuffix(".0")
    lines = [
        f"新增 {count('added')} 个、更新 {count('updated')} 个、未变 {count('unchanged')} 个、删除 {count('removed')} 个文档；"
        f"共 {count('documents')} 个文档、{count('chunks'):,} 个条目，本次生成向量 {count('embedded'):,} 条，用时 {seconds} 秒。"
    ]
    excluded = s.get("excluded_defaults") or []
    if excluded:
        names = "、".join(f"《{d['title']}》（{d['doc_id']}）" for d in excluded)
        lines.append(f"注意：随软件提供的文档{names}已被删除，本次未恢复，问答和审查不会引用它"
                     f"{'们' if len(excluded) > 1 else ''}。如需恢复请运行 tender-assistant kb build --rebuild。")
    return "\n".join(lines)
