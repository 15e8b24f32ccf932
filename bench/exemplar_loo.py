"""Exemplar step alone, leave-one-out over the example clauses of review_rules.yaml (e5 vectors).

    python bench/exemplar_loo.py [--sim 0.955 --margin 0.03]

Each violating example is held out and scored against the rest of its rule's examples (and every
other rule's); it counts as caught when its own rule wins under the step's thresholds. Each compliant
example counts as a false alarm when any rule fires on it. This measures what similarity alone can
tell apart, without the patterns.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", type=float, default=None)
    ap.add_argument("--margin", type=float, default=None)
    args = ap.parse_args()
    from assistant.embeddings import E5Embeddings
    from assistant.review.catalogue import load_catalogue
    from assistant.review.exemplar import ExemplarSettings, ExemplarStep

    d = ExemplarSettings()
    sim = args.sim if args.sim is not None else d.min_similarity
    margin = args.margin if args.margin is not None else d.min_margin
    step = ExemplarStep(load_catalogue(), E5Embeddings(), cache_dir=ROOT / "data" / "cache", model_name="e5-small-q4:")
    rules = step._load()
    caught = total = fa = ctotal = wrong = 0
    for ri, r in enumerate(rules):
        for kind, mat in (("v", r.violating), ("c", r.compliant)):
            for i in range(len(mat)):
                v = mat[i]
                best: tuple[float, int] | None = None
                for rj, o in enumerate(rules):
                    vio = o.violating if not (rj == ri and kind == "v") else np.delete(o.violating, i, axis=0)
                    com = o.compliant if not (rj == ri and kind == "c") else np.delete(o.compliant, i, axis=0)
                    sv = float((vio @ v).max()) if len(vio) else 0.0
                    sc = float((com @ v).max()) if len(com) else 0.0
                    if sv >= sim and sv - sc >= margin and (best is None or sv > best[0]):
                        best = (sv, rj)
                if kind == "v":
                    total += 1
                    if best is not None and best[1] == ri:
                        caught += 1
                    elif best is not None:
                        wrong += 1
                else:
                    ctotal += 1
                    fa += best is not None
    print(f"thresholds sim≥{sim} margin≥{margin}: violating caught by their own rule {caught}/{total} "
          f"({caught / total:.2f}), attributed to another rule {wrong}; compliant examples flagged {fa}/{ctotal} ({fa / ctotal:.2f})")


if __name__ == "__main__":
    main()
