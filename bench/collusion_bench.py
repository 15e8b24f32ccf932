"""Benchmark: 投标文件雷同分析 of 15 bids × ~100 pages (target ≤ 30 s on the 2-core machine).

    python bench/collusion_bench.py [--bids 15] [--pages 100] [--seed 7]

Generates one tender with a planted ring (eval/collusion/generator.py; ~30 % of bids as PDF), then
times reading + analysis end to end (`CollusionAnalyzer.analyze`). Pages are counted as real PDF pages
and, for DOCX, as 700 characters per page. Prints a JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bids", type=int, default=15)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from assistant.collusion.data import CollusionData
    from assistant.collusion.pipeline import CollusionAnalyzer
    from assistant.collusion.reader import read_path
    from assistant.evaluation.collusion_suite import load_generator

    gen = load_generator(ROOT / "eval")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        truth = gen.generate(folder, seed=args.seed, n_bids=args.bids, collusion=True, pages=args.pages)
        t_gen = time.perf_counter() - t0
        analyzer = CollusionAnalyzer(CollusionData.load(ROOT / "knowledge_base" / "collusion"))
        bids = [folder / f for f in truth.bid_files]
        t1 = time.perf_counter()
        report = analyzer.analyze(folder / truth.tender_file, bids)
        elapsed = time.perf_counter() - t1
        pages = []
        for b in bids:
            d = read_path(b)
            pages.append(d.pages if d.pages else max(1, round(sum(len(u.text) for u in d.units) / 700)))
    top = report.pairs[0] if report.pairs else None
    ring = {x for r in truth.rings for x in r}
    print(json.dumps({
        "bench": "collusion", "bids": len(bids), "pdf_bids": sum(b.suffix == ".pdf" for b in bids),
        "pages_min": min(pages), "pages_mean": round(sum(pages) / len(pages), 1), "pages_total": sum(pages),
        "seconds": round(elapsed, 2), "analysis_only_s": report.elapsed_s, "target_s": 30, "ok": elapsed <= 30,
        "generate_s": round(t_gen, 1), "top_pair_in_ring": bool(top and top.a in ring and top.b in ring),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
