"""Q&A suite: citation precision/recall, non-existent citations, refusal accuracy, latency.

- citation precision: cited sources that are gold / all cited sources (in-scope, answered items);
- citation recall: in-scope items whose answer cites at least one gold source / in-scope items
  (refused in-scope items count as misses, so a refusing product cannot score well);
- non-existent citation rate: citations (and article references in the answer text) that do not
  resolve to a stored chunk / all citations — must be 0;
- refusal accuracy: (out-of-scope refused + in-scope answered) / all; false refusals reported apart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from assistant.evaluation.datasets import OOSItem, QAItem
from assistant.evaluation.metrics import contains_passage, percentile, ratio, squash
from assistant.evaluation.retrieval_suite import matches_ref

if TYPE_CHECKING:
    from assistant.schema import Answer, Citation
    from assistant.services import Services

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


def citation_is_gold(c: Citation, item: QAItem) -> bool:
    if any(matches_ref(c, g) for g in item.gold):
        return True
    return any(contains_passage(c.text, p) for p in item.gold_passages)


def citation_exists(c: Citation, services: Services) -> bool:
    """The cited chunk is stored and its text is the stored text (no invented articles)."""
    kb = services.kb
    chunk = None
    if c.chunk_id:
        got = kb.get_chunks([c.chunk_id])
        chunk = got[0] if got else None
    if chunk is None and c.article_no:
        chunk = kb.get_article(c.title, c.article_no)
    if chunk is None:
        return False
    if c.article and chunk.article and c.article != chunk.article:
        return False
    return squash(c.text)[:40] in squash(chunk.cited_text) if c.text else True


def text_refs_missing(answer: Answer, services: Services) -> tuple[list[str], list[str]]:
    """Article references in the answer text that the KB cannot resolve: (invented, quoted).

    "quoted" ones sit inside the text of a cited chunk (e.g. a 审查要点 entry naming 87号令,
    which is not indexed by default); "invented" ones are the answer's own words — those are
    non-existent citations.
    """
    from assistant.citations import find_article_refs, resolve_ref
    from assistant.text_zh import normalize

    text = normalize(answer.answer)
    cited = [squash(c.text) for c in answer.citations]
    invented: list[str] = []
    quoted: list[str] = []
    for ref in find_article_refs(answer.answer, services.kb.alias_map()):
        if resolve_ref(ref, services.kb) is not None:
            continue
        label = f"{ref.raw_title}第{ref.article_no}条"
        snippet = squash(text[ref.span[0]:ref.span[1]])
        (quoted if snippet and any(snippet in c for c in cited) else invented).append(label)
    return invented, quoted


def _absent_ok(item: OOSItem, services: Services) -> bool:
    """An out-of-scope item stays valid only while none of its near-miss documents is in the KB."""
    return not any(services.kb.resolve_title(t) is not None for t in item.requires_absent)


def run(services: Services, items: Sequence[QAItem], oos: Sequence[OOSItem],
        progress: Progress | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    qa = services.qa
    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    cited_total = cited_gold = 0
    nonexistent = 0
    quoted_unresolved = 0
    answered_in = recalled = 0
    total = len(items) + len(oos)
    skipped: list[str] = []

    def ask(question: str) -> tuple[Answer, float]:
        t0 = time.perf_counter()
        ans = qa.ask(question)
        dt = time.perf_counter() - t0
        latencies.append(dt)
        return ans, dt

    done = 0
    for item in items:
        ans, dt = ask(item.question)
        cites = list(ans.citations)
        gold_flags = [citation_is_gold(c, item) for c in cites]
        exists = [citation_exists(c, services) for c in cites]
        missing_text, quoted_refs = text_refs_missing(ans, services) if not ans.refused else ([], [])
        nonexistent += exists.count(False) + len(missing_text)
        quoted_unresolved += len(quoted_refs)
        if not ans.refused:
            answered_in += 1
            cited_total += len(cites)
            cited_gold += sum(gold_flags)
        hit = (not ans.refused) and any(gold_flags)
        recalled += hit
        rows.append({
            "suite": "qa", "id": item.id, "question": item.question, "scope": "in", "doc_type": item.doc_type,
            "refused": ans.refused, "mode": ans.mode, "latency_s": round(dt, 3),
            "citations": [f"《{c.title}》{c.article or c.heading or ''}" for c in cites],
            "citation_gold": gold_flags, "citation_exists": exists, "text_refs_missing": missing_text, "quoted_refs_not_in_kb": quoted_refs,
            "gold_cited": hit, "gold": [g.__dict__ for g in item.gold], "gold_passages": item.gold_passages,
            "answer": ans.answer[:400], "flags": ans.flags, "note": item.note,
        })
        done += 1
        if progress:
            progress("问答评测", done, total)
    oos_refused = oos_n = 0
    for oos_item in oos:
        done += 1
        if not _absent_ok(oos_item, services):
            skipped.append(oos_item.id)
            if progress:
                progress("问答评测", done, total)
            continue
        ans, dt = ask(oos_item.question)
        oos_n += 1
        oos_refused += ans.refused
        exists = [citation_exists(c, services) for c in ans.citations]
        nonexistent += exists.count(False)
        cited_total += 0  # citations on out-of-scope answers are wrong answers, not citation precision
        rows.append({
            "suite": "qa", "id": oos_item.id, "question": oos_item.question, "scope": "out", "category": oos_item.category,
            "refused": ans.refused, "mode": ans.mode, "latency_s": round(dt, 3),
            "citations": [f"《{c.title}》{c.article or c.heading or ''}" for c in ans.citations],
            "citation_exists": exists, "answer": ans.answer[:400], "note": oos_item.note,
        })
        if progress:
            progress("问答评测", done, total)

    all_citations = sum(len(r["citations"]) for r in rows) + sum(len(r.get("text_refs_missing", [])) for r in rows)
    false_refusals = len(items) - answered_in
    metrics = {
        "n_in_scope": len(items),
        "n_out_of_scope": oos_n,
        "out_of_scope_skipped": skipped,
        "citation_precision": ratio(cited_gold, cited_total),
        "citation_recall": ratio(recalled, len(items)),
        "nonexistent_citations": nonexistent,
        "nonexistent_citation_rate": ratio(nonexistent, all_citations),
        "quoted_refs_not_in_kb": quoted_unresolved,
        "refusal_accuracy": ratio(oos_refused + answered_in, len(items) + oos_n),
        "out_of_scope_refusal_rate": ratio(oos_refused, oos_n),
        "false_refusal_rate": ratio(false_refusals, len(items)),
        "false_refusals": false_refusals,
        "latency_p50_s": round(percentile(latencies, 50), 3),
        "latency_p95_s": round(percentile(latencies, 95), 3),
        "latency_max_s": round(max(latencies), 3) if latencies else 0.0,
        "mode": rows[0]["mode"] if rows else None,
        "latencies_s": [round(x, 3) for x in latencies],
    }
    return metrics, rows
