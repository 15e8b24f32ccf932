"""Choose retrieval ranking settings by cross-validation on the real development set only.

For a small grid of values of one or more `RetrievalSettings` fields (e.g. ``note_dense_margin``),
this script ranks every in-scope dev question (eval/dev/real_qa_dev.jsonl) with the product
retriever and records the gold article's rank. It then runs k-fold cross-validation with
deterministic folds (sha1 of the item id): on k-1 folds it picks the grid point with the best
hit@1 (ties: better MRR@10, then the first grid point listed, so list the current value first) and
scores hit@1 on the held fold. The sum over held folds is the cross-validated hit@1, printed next to
the current setting's hit@1 and each grid point's full-dev hit@1.

The synthetic retrieval set (eval/datasets/policy_qa.jsonl, written by the team) is scored for every
grid point as a regression check, never to choose. This script never reads the held-out real sets
(eval/datasets/real_qa.jsonl, eval/datasets/real_out_of_scope.jsonl).

    python eval/real/rank_cv.py --data-dir DATA --param note_dense_margin=1.0,0.1,0.15 [--param ...]
        [--folds 5] [--guard] [--knowledge-base-dir DIR]

With --knowledge-base-dir the knowledge-base data (article notes, lexicon) is read from DIR instead of the
shipped knowledge_base/: pass the copy eval/real/unseen_wording.py makes without the note questions that
resemble a dev question, to choose weights for wording the notes were not written against.

With --guard the choice is restricted to grid points that keep the synthetic guard rails (hit@1 at
most 0.005 lower, hit@5 not lower than the first grid point), so the cross-validated figure is that of
a setting that could ship.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
K = 10


def ranks(retriever: Any, items: list[Any]) -> list[int | None]:
    from assistant.evaluation.metrics import first_rank
    from assistant.evaluation.retrieval_suite import matches_item

    lists = retriever.search_batch([it.question for it in items], K)
    return [first_rank([matches_item(h, it) for h in hits]) for it, hits in zip(items, lists, strict=True)]


def score(rs: list[int | None]) -> tuple[int, float]:
    """(hits at rank 1, sum of reciprocal ranks)."""
    return sum(r == 1 for r in rs), sum(1.0 / r for r in rs if r)


def cross_validate(ids: list[str], table: list[list[int | None]], k: int) -> tuple[int, list[int]]:
    """Held-fold hit@1 count summed over folds, and each fold's chosen grid point."""
    from assistant.evaluation.metrics import fold_of

    total = 0
    chosen: list[int] = []
    for f in range(k):
        train = [i for i, x in enumerate(ids) if fold_of(x, k) != f]
        test = [i for i, x in enumerate(ids) if fold_of(x, k) == f]
        best = max(range(len(table)), key=lambda g: (*score([table[g][i] for i in train]), -g))
        chosen.append(best)
        total += score([table[best][i] for i in test])[0]
    return total, chosen


def _parse(spec: str) -> tuple[str, list[Any]]:
    name, _, values = spec.partition("=")
    out: list[Any] = []
    for v in values.split(","):
        v = v.strip()
        out.append(int(v) if v.lstrip("-").isdigit() else float(v))
    return name.strip(), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--param", action="append", required=True, help="FIELD=v1,v2,... (current value first)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--guard", action="store_true",
                    help="choose only among grid points whose synthetic hit@1 is at most 0.005 below the first "
                         "point's and whose synthetic hit@5 is not below it (the synthetic guard rails)")
    ap.add_argument("--knowledge-base-dir", type=Path, default=None,
                    help="read the knowledge-base data from this directory (e.g. the unfitted copy of unseen_wording.py)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from assistant.config import Settings
    from assistant.evaluation.datasets import load_policy_qa
    from assistant.services import Services

    base = (Settings(data_dir=args.data_dir) if args.knowledge_base_dir is None
            else Settings(data_dir=args.data_dir, knowledge_base_dir=args.knowledge_base_dir))
    dev = load_policy_qa(ROOT / "eval/dev/real_qa_dev.jsonl")
    synthetic = load_policy_qa(ROOT / "eval/datasets/policy_qa.jsonl")
    synthetic_dev = load_policy_qa(ROOT / "eval/dev/retrieval_dev.jsonl")
    params = [_parse(p) for p in args.param]
    names = [n for n, _ in params]
    unknown = [n for n in names if n not in type(base.retrieval).model_fields]
    if unknown:
        sys.exit(f"unknown retrieval setting(s): {', '.join(unknown)}")
    grid = list(itertools.product(*(vals for _, vals in params)))
    table: list[list[int | None]] = []
    synthetic_scores: list[tuple[float, float]] = []
    for point in grid:
        # a fresh Services per grid point: the question planner takes some settings (regime_boost,
        # specific_rule_boost, ...) when it is built, so changing them on a built retriever changes nothing
        retrieval = base.retrieval.model_copy(update=dict(zip(names, point, strict=True)))
        retriever = Services(base.model_copy(update={"retrieval": retrieval})).retriever
        rs = ranks(retriever, dev)
        table.append(rs)
        syn = ranks(retriever, synthetic)
        sdev = score(ranks(retriever, synthetic_dev))
        h1, rr = score(rs)
        s1, srr = score(syn)
        h5 = sum(r is not None and r <= 5 for r in rs)
        s5 = sum(r is not None and r <= 5 for r in syn)
        synthetic_scores.append((s1 / len(syn), s5 / len(syn)))
        label = " ".join(f"{n}={v}" for n, v in zip(names, point, strict=True))
        print(f"{label}: dev hit@1 {h1}/{len(dev)} ({h1 / len(dev):.3f}) hit@5 {h5 / len(dev):.3f} "
              f"MRR {rr / len(dev):.3f} | synthetic hit@1 {s1 / len(syn):.3f} hit@5 {s5 / len(syn):.3f} "
              f"MRR {srr / len(syn):.3f} | synthetic dev hit@1 {sdev[0] / len(synthetic_dev):.3f} "
              f"MRR {sdev[1] / len(synthetic_dev):.3f}", flush=True)
    ids = [it.id for it in dev]
    allowed = list(range(len(grid)))
    if args.guard:
        h1_0, h5_0 = synthetic_scores[0]
        allowed = [g for g, (h1, h5) in enumerate(synthetic_scores) if h1 >= h1_0 - 0.005 - 1e-9 and h5 >= h5_0 - 1e-9]
        print("grid points within the synthetic guard rails:",
              [" ".join(f"{n}={v}" for n, v in zip(names, grid[g], strict=True)) for g in allowed])
    cv, chosen = cross_validate(ids, [table[g] for g in allowed], args.folds)
    chosen = [allowed[c] for c in chosen]
    base_cv = sum(r == 1 for r in table[0])
    print(f"{args.folds}-fold CV hit@1: {cv}/{len(dev)} ({cv / len(dev):.3f}); first grid point (current): "
          f"{base_cv}/{len(dev)} ({base_cv / len(dev):.3f})")
    print("per-fold choice:", [" ".join(f"{n}={v}" for n, v in zip(names, grid[c], strict=True)) for c in chosen])


if __name__ == "__main__":
    main()
