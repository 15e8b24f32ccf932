"""Single-question embedding latency of the built-in e5 engine: one thread vs every core, same process.

The web app, the REST API and MCP embed one question per request. `embedding.single_query_threads`
(default 1) sets how many OpenMP threads the engine uses for it; batches always use every core. This
script times the real development questions (eval/dev/real_qa_dev.jsonl) both ways, alternating rounds
so that a busy machine slows both alike, and prints the medians and their ratio.

    python bench/query_threads_bench.py            # 3 rounds
    python bench/query_threads_bench.py --rounds 5 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.embeddings import E5Embeddings  # noqa: E402

DEV = ROOT / "eval" / "dev" / "real_qa_dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    cores = os.cpu_count() or 1
    setups = {"1 thread": E5Embeddings(single_query_threads=1), f"{cores} threads (all cores)": E5Embeddings(single_query_threads=0)}
    for emb in setups.values():
        emb.embed_query(questions[0])  # load the model once, warm
    times: dict[str, list[float]] = {name: [] for name in setups}
    for _ in range(args.rounds):
        for name, emb in setups.items():
            for q in questions:
                t = time.perf_counter()
                emb.embed_query(q)
                times[name].append((time.perf_counter() - t) * 1000)
    stats = {name: {"median_ms": round(statistics.median(v), 1), "p90_ms": round(sorted(v)[int(0.9 * len(v))], 1)}
             for name, v in times.items()}
    one, every = (stats[name]["median_ms"] for name in setups)
    result = {"questions": len(questions), "rounds": args.rounds, "cores": cores, "load_avg_1min": round(os.getloadavg()[0], 2),
              "setups": stats, "all_cores_over_one_thread": round(every / one, 2)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{len(questions)} real questions x {args.rounds} rounds, {cores} cores, load {result['load_avg_1min']}")
    for name, s in stats.items():
        print(f"{name:24s} median {s['median_ms']:7.1f} ms   p90 {s['p90_ms']:7.1f} ms")
    print(f"all cores / one thread (median): {result['all_cores_over_one_thread']}")


if __name__ == "__main__":
    main()
