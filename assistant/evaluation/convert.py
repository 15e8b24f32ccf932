"""Convert practitioner Q&A (问/答/法律依据) into the policy-Q&A evaluation format.

法律依据 reads like 「《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十九条第五款 …」,
sometimes with several references. Every 《title》第N条 becomes a gold reference; titles and
aliases (87号令, 政府采购法) are mapped to the knowledge-base title through the alias table and,
when a knowledge base is given, `kb.resolve_title`. Items without any article number (notices,
问答) are skipped and counted: they cannot be scored by article.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.datasets import DatasetError

if TYPE_CHECKING:
    from assistant.kb import KnowledgeBase

_REF = re.compile(r"《([^》]{2,60})》\s*(?:[（(][^）)]{0,30}[）)])?\s*(?:[：:]\s*)?第([一二三四五六七八九十百零〇两0-9]+)条")


def map_title(raw: str, kb: KnowledgeBase | None = None) -> tuple[str, bool]:
    """(title, found_in_kb): the canonical title for a name as written in 法律依据."""
    from assistant.citations import canonical_title, static_aliases

    title = canonical_title(raw, static_aliases()) or raw
    if kb is not None:
        for name in (title, raw):
            meta = kb.resolve_title(name)
            if meta is not None:
                return meta.title, True
        return title, False
    return title, False


def convert_practitioner(src: Path, kb: KnowledgeBase | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(items, summary) — items are policy-Q&A records; summary counts what was kept and why not."""
    from assistant.text_zh import article_label, parse_article_no

    try:
        data = json.loads(src.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"无法读取实务问答文件：{src}", str(exc)) from exc
    if not isinstance(data, list):
        raise DatasetError(f"实务问答文件应为 JSON 数组：{src}", "top level is not a list")
    items: list[dict[str, Any]] = []
    skipped_no_article: list[int] = []
    not_in_kb: set[str] = set()
    for i, rec in enumerate(data, 1):
        question = str(rec.get("问") or "").strip()
        basis = str(rec.get("法律依据") or "")
        if not question:
            continue
        gold: list[dict[str, str]] = []
        for m in _REF.finditer(basis):
            no = parse_article_no(f"第{m.group(2)}条")
            if not no:
                continue
            title, found = map_title(m.group(1), kb)
            if kb is not None and not found:
                not_in_kb.add(title)
            ref = {"title": title, "article": article_label(no)}
            if ref not in gold:
                gold.append(ref)
        if not gold:
            skipped_no_article.append(i)
            continue
        items.append({
            "id": f"prac-{i:03d}", "question": question, "gold": gold, "gold_passages": [],
            "doc_type": "实务问答", "tags": ["practitioner"] + (["multi-source"] if len(gold) > 1 else []),
            "note": basis[:80].replace("\n", " "), "reference_answer": str(rec.get("答") or "")[:500],
        })
    summary = {"source": str(src), "records": len(data), "items": len(items),
               "skipped_without_article": skipped_no_article, "titles_not_in_kb": sorted(not_in_kb)}
    return items, summary


def write_jsonl(items: list[dict[str, Any]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in items), encoding="utf-8")
