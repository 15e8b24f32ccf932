"""Q&A numbers: latency of `ask` (none mode), refusal calibration, practitioner citation recall.

    python bench/qa_bench.py latency      [--data-dir D] [-n 20]
    python bench/qa_bench.py calibrate    [--data-dir D]          # eval/dev in-scope vs out-of-scope
    python bench/qa_bench.py practitioner [--data-dir D] [--add-regulations]

`--data-dir` reuses a built knowledge base (default: a fresh one under /tmp is built with the
real e5 model, which takes a few minutes). Prints JSON lines plus a readable table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from assistant.schema import Citation  # noqa: E402
from assistant.services import Services  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared"
DEV = PROJECT_ROOT / "eval" / "dev"


def services_for(data_dir: Path, backend: str = "none", add_regulations: bool = False) -> Services:

    settings = Settings(_env_file=None, data_dir=data_dir, llm={"backend": backend})
    services = Services(settings)
    if add_regulations and (SHARED / "corpus" / "regulations").exists():
        services.kb.build(sources=[SHARED / "corpus" / "regulations"])
    else:
        services.kb.ensure_built()
    return services


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------- latency


def bench_latency(data_dir: Path, n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    services = services_for(data_dir)
    qa = services.qa
    questions = [q["question"] for q in read_jsonl(DEV / "qa_dev.jsonl")][:n]
    t1 = time.perf_counter()
    first = qa.ask(questions[0])
    t_first = time.perf_counter() - t1
    times = []
    for q in questions:
        t = time.perf_counter()
        qa.ask(q)
        times.append(time.perf_counter() - t)
    embed = []
    for q in questions:
        t = time.perf_counter()
        services.embeddings.embed_query(q)
        embed.append(time.perf_counter() - t)
    times.sort()
    import os

    return {
        "load_avg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "embed_query_p50_s": round(sorted(embed)[len(embed) // 2], 3),
        "bench": "qa_latency_none_mode", "startup_s": round(t1 - t0, 2), "first_answer_s": round(t_first, 3),
        "n": len(times), "mean_s": round(statistics.mean(times), 3), "p50_s": round(times[len(times) // 2], 3),
        "p95_s": round(times[min(len(times) - 1, int(len(times) * 0.95))], 3), "max_s": round(times[-1], 3),
        "first_answer_refused": first.refused,
    }


# --------------------------------------------------------------------------- calibration


def collect_features(services: Services, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from assistant.qa import refusal

    qa = services.qa
    out = []
    for row in rows:
        hits = qa._retrieve(row["question"])
        ev = refusal.assess(row["question"], hits, services.kb, policy=qa.refusal_policy)
        expected = row.get("expected") or []
        found = None
        if expected and hits:
            e = expected[0]
            found = any(h.title == e["title"] and (e.get("article") in (None, h.article)) for h in hits[:6])
        out.append({
            "id": row["id"], "scope": row["scope"], "split": row.get("split", "dev"), "question": row["question"], "sufficient": ev.sufficient,
            "reason": ev.reason, "top_dense": ev.top_dense, "coverage": round(ev.coverage, 3),
            "missing_terms": ev.missing_terms, "gold_in_top6": found, "foreign_terms": ev.foreign_terms,
            "n_terms": len(ev.key_terms), "in_domain": ev.in_domain,
            "top": [f"{h.title}{h.article or ''}" for h in hits[:2]],
        })
    return out


def decide(f: dict[str, Any], dense_t: float, cov_t: float, cov_foreign: float, foreign_max: float,
           cov_domain: float = 0.2) -> bool:
    """Re-apply the refusal rule of refusal.assess with other thresholds."""
    if f["reason"] in ("document_not_in_kb", "future_policy", "no_hits", "other_locality"):
        return False
    if f["reason"] == "direct_article":
        return True
    n_terms = max(1, f["n_terms"])
    if not f["in_domain"] and len(f["foreign_terms"]) / n_terms >= foreign_max:
        return False
    if (f["top_dense"] or 0.0) < dense_t:
        return False
    if f["in_domain"]:
        return f["coverage"] >= cov_domain
    return f["coverage"] >= (cov_foreign if f["foreign_terms"] else cov_t)


def bench_calibrate(data_dir: Path) -> dict[str, Any]:
    from assistant.qa import refusal

    services = services_for(data_dir)
    feats = collect_features(services, read_jsonl(DEV / "qa_dev.jsonl") + read_jsonl(DEV / "out_of_scope_dev.jsonl"))
    ins = [f for f in feats if f["scope"] == "in" and f["split"] == "dev"]
    outs = [f for f in feats if f["scope"] == "out" and f["split"] == "dev"]
    hold_in = [f for f in feats if f["scope"] == "in" and f["split"] == "holdout"]
    hold_out = [f for f in feats if f["scope"] == "out" and f["split"] == "holdout"]
    grid = []
    for dense_t in (0.0, 0.84, 0.85, 0.86, 0.88):
        for cov_t in (0.4, 0.5, 0.6, 0.7):
            for cov_foreign in (0.6, 0.75, 0.9):
                for foreign_max in (0.34, 0.5, 0.67):
                    fr = sum(not decide(f, dense_t, cov_t, cov_foreign, foreign_max) for f in ins)
                    fa = sum(decide(f, dense_t, cov_t, cov_foreign, foreign_max) for f in outs)
                    grid.append({"dense": dense_t, "coverage": cov_t, "coverage_foreign": cov_foreign,
                                 "foreign_max": foreign_max, "false_refusals": fr, "false_answers": fa})
    grid.sort(key=lambda g: (g["false_answers"] * 2 + g["false_refusals"], -g["foreign_max"], g["coverage"]))
    current = {
        "dense": refusal.DENSE_THRESHOLD, "coverage": refusal.COVERAGE_THRESHOLD,
        "coverage_foreign": refusal.COVERAGE_WITH_FOREIGN, "foreign_max": refusal.FOREIGN_MAX,
        "coverage_in_domain": refusal.COVERAGE_IN_DOMAIN,
        "false_refusals": sum(not f["sufficient"] for f in ins), "false_answers": sum(f["sufficient"] for f in outs),
        "in_scope": len(ins), "out_of_scope": len(outs),
        "holdout": {"in_scope": len(hold_in), "false_refusals": sum(not f["sufficient"] for f in hold_in),
                    "out_of_scope": len(hold_out), "false_answers": sum(f["sufficient"] for f in hold_out)},
    }
    print("\nsplit scope id          ok  reason              dense  cov   question", file=sys.stderr)
    for f in feats:
        ok = f["sufficient"] == (f["scope"] == "in")
        if ok and "--verbose" not in sys.argv:
            continue
        print(f"{f['split'][:4]:5} {f['scope']:5} {f['id']:11} {'✓' if ok else '✗'}   {f['reason']:19} {f['top_dense'] or 0:.3f}  {f['coverage']:.2f}  "
              f"{f['question'][:30]}  missing={f['missing_terms'][:4]} foreign={f['foreign_terms']} top={f['top'][:1]}", file=sys.stderr)
    return {"bench": "qa_refusal_calibration", "current": current, "best_grid": grid[:5],
            "gold_in_top6": sum(bool(f["gold_in_top6"]) for f in ins), "features": feats}


# --------------------------------------------------------------------------- practitioner recall


def gold_refs(services: Services, basis: str) -> list[tuple[str, int]]:
    from assistant.citations import find_article_refs

    refs = find_article_refs(basis, services.kb.alias_map())
    return list(dict.fromkeys((r.name, r.article_no) for r in refs))


def citation_exists(services: Services, c: Citation) -> bool:
    """The cited article exists in the KB with the same text (or the cited chunk exists)."""
    if c.article_no is not None:
        chunk = services.kb.get_article(c.title, c.article_no, include_superseded=True)
        return chunk is not None and (chunk.text == c.text or c.text in chunk.text or chunk.text in c.text)
    return bool(services.kb.get_chunks([c.chunk_id]))


def bench_practitioner(data_dir: Path, add_regulations: bool, backends: list[str]) -> dict[str, Any]:
    from assistant.citations import find_article_refs
    from assistant.qa.chain import QAChain

    services = services_for(data_dir, add_regulations=add_regulations)
    data = json.loads((SHARED / "datasets" / "practitioner_qa.json").read_text(encoding="utf-8"))
    results: dict[str, Any] = {"bench": "qa_practitioner_recall", "questions": len(data)}
    for backend in backends:
        from assistant.llm import make_chat_model

        llm = make_chat_model(services.settings.llm.model_copy(update={"backend": backend}))
        qa = QAChain(services.retriever, services.kb, llm, prompts_dir=services.settings.prompts_dir)
        n_gold = n_gold_kb = hit_any = hit_any_kb = refs_total = refs_hit = 0
        bad_answers = refused = 0
        t0 = time.perf_counter()
        for row in data:
            gold = gold_refs(services, row["法律依据"])
            gold_kb = [g for g in gold if services.kb.get_article(g[0], g[1]) is not None]
            answer = qa.ask(row["问"])
            refused += answer.refused
            cited = {(c.title, c.article_no) for c in answer.citations}
            cited_names = set()
            for c in answer.citations:
                meta = services.kb.resolve_title(c.title)
                cited_names.add((meta.title if meta else c.title, c.article_no))

            def is_cited(
                g: tuple[str, int],
                cited: set[tuple[str, int | None]] = cited,
                cited_names: set[tuple[str, int | None]] = cited_names,
            ) -> bool:
                meta = services.kb.resolve_title(g[0])
                return (meta.title if meta else g[0], g[1]) in cited_names or g in cited

            if gold:
                n_gold += 1
                hit_any += any(is_cited(g) for g in gold)
            if gold_kb:
                n_gold_kb += 1
                hit_any_kb += any(is_cited(g) for g in gold_kb)
                refs_total += len(gold_kb)
                refs_hit += sum(is_cited(g) for g in gold_kb)
            nonexistent = [c for c in answer.citations if not citation_exists(services, c)]
            prose_bad = [r for r in find_article_refs(answer.answer, services.kb.alias_map())
                         if services.kb.get_article(r.name, r.article_no) is None]
            bad_answers += bool(nonexistent or prose_bad)
        results[backend] = {
            "questions_with_article_gold": n_gold, "questions_with_gold_in_kb": n_gold_kb,
            "recall_any_gold": round(hit_any / max(1, n_gold), 3),
            "recall_any_gold_in_kb": round(hit_any_kb / max(1, n_gold_kb), 3),
            "recall_per_gold_ref_in_kb": round(refs_hit / max(1, refs_total), 3),
            "refused": refused, "answers_with_nonexistent_citation": bad_answers,
            "nonexistent_citation_rate": round(bad_answers / len(data), 3),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["latency", "calibrate", "practitioner"])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/qa-bench-kb"))
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--add-regulations", action="store_true", help="add ../shared/corpus/regulations first")
    parser.add_argument("--backends", default="none,fake")
    parser.add_argument("--verbose", action="store_true", help="calibrate: print every question, not only errors")
    args = parser.parse_args()
    if args.what == "latency":
        result = bench_latency(args.data_dir, args.n)
    elif args.what == "calibrate":
        result = bench_calibrate(args.data_dir)
        result = {k: v for k, v in result.items() if k != "features"}
    else:
        result = bench_practitioner(args.data_dir, args.add_regulations, args.backends.split(","))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
