"""Decide the no-LLM answer gate by cross-validation on the real development set only.

The gate (assistant/qa/extractive.py: `confident`) decides whether the extractive answer states a
first sentence (「答：依据《X》第N条……」) or says that no direct provision was found. This script
never reads the held-out set: k-fold cross-validation over the dev questions (in scope and out of
scope together) chooses on k-1 folds the configuration that maximises

    utility = answers led by a gold article − PENALTY × (confident wrong answers
              + confidently answered out-of-scope questions)

and scores it on the remaining fold. It prints the cross-validated utility of each gate family (with
and without the note route, with and without the tie check) and the configuration that is best on
the whole dev set.

    python eval/real/gate_cv.py --data-dir DATA [--folds 5] [--penalty 2] [--fresh-from 6]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: (MIN_TERM_COVERAGE, NOTE_LEAD_MARGIN or None = note route off, TIE_RATIO or None = tie check off)
COVERAGE = (0.5, 0.6, 0.7, 0.8)
NOTE_MARGIN: tuple[float | None, ...] = (None, 0.1, 0.15, 0.25)
TIE: tuple[float | None, ...] = (None, 0.95, 0.98)


def outcomes(data_dir: Path) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """Per configuration and per dev question: (gold lead, confident wrong) for in-scope items and
    (0, confidently answered) for out-of-scope ones."""
    sys.path.insert(0, str(ROOT))
    from assistant.config import Settings
    from assistant.evaluation.datasets import load_out_of_scope, load_policy_qa
    from assistant.evaluation.qa_suite import citation_is_gold
    from assistant.qa import extractive
    from assistant.services import Services

    services = Services(Settings(data_dir=data_dir))
    # retrieval does not depend on the gate: each question is searched once, each configuration gets a copy
    retriever = services.retriever
    search = retriever.search
    found: dict[tuple[Any, ...], list[Any]] = {}

    def search_once(query: str, **kw: Any) -> list[Any]:
        key = (query, tuple(sorted(kw.items())))
        if key not in found:
            found[key] = list(search(query, **kw))
        return [h.model_copy(deep=True) for h in found[key]]

    retriever.search = search_once  # type: ignore[method-assign,assignment]
    items = load_policy_qa(ROOT / "eval/dev/real_qa_dev.jsonl")
    oos = load_out_of_scope(ROOT / "eval/dev/real_out_of_scope_dev.jsonl")
    configs = list(itertools.product(COVERAGE, NOTE_MARGIN, TIE))
    rows: list[dict[str, Any]] = [{"q": it.question, "scope": "in", "item": it, "out": {}} for it in items]
    rows += [{"q": o.question, "scope": "out", "item": None, "out": {}} for o in oos]
    saved = (extractive.MIN_TERM_COVERAGE, extractive.NOTE_LEAD_MARGIN, extractive.TIE_RATIO)
    try:
        for ci, (cov, margin, tie) in enumerate(configs):
            extractive.MIN_TERM_COVERAGE = cov
            extractive.NOTE_LEAD_MARGIN = margin if margin is not None else float("inf")
            extractive.TIE_RATIO = tie if tie is not None else 1.0 + 1e-9
            for row in rows:
                ans = services.qa.ask(row["q"])
                stated = not ans.refused and extractive.FLAG_NO_DIRECT not in ans.flags
                if row["item"] is not None:
                    lead_n = ans.metadata.get("answer_citation")
                    lead_ok = any(citation_is_gold(c, row["item"]) for c in ans.citations if c.n == lead_n)
                    row["out"][ci] = (int(stated and lead_ok), int(stated and not lead_ok))
                else:
                    row["out"][ci] = (0, int(stated))
            print(f"\r配置 {ci + 1}/{len(configs)}", end="", file=sys.stderr, flush=True)
    finally:
        extractive.MIN_TERM_COVERAGE, extractive.NOTE_LEAD_MARGIN, extractive.TIE_RATIO = saved
    print(file=sys.stderr)
    return rows, configs


def utility(rows: list[dict[str, Any]], ci: int, penalty: float) -> float:
    return sum(r["out"][ci][0] - penalty * r["out"][ci][1] for r in rows)


def cross_validate(rows: list[dict[str, Any]], family: list[int], k: int, penalty: float) -> tuple[float, list[int]]:
    """Held-fold utility summed over folds, choosing within `family` on the other folds."""
    from assistant.evaluation.metrics import fold_of

    total = 0.0
    chosen = []
    for f in range(k):
        train = [r for r in rows if fold_of(r["q"], k) != f]
        test = [r for r in rows if fold_of(r["q"], k) == f]
        best = max(family, key=lambda ci: (utility(train, ci, penalty), -ci))
        chosen.append(best)
        total += utility(test, best, penalty)
    return total, chosen


def by_round(rows: list[dict[str, Any]], configs: list[tuple[Any, ...]], fresh_from: int) -> None:
    """Gold-led and confident wrong answers of every configuration on the in-scope questions collected before
    round ``fresh_from`` and on those collected from it on: the earlier rounds have been looked at for longer,
    so a configuration that only does well on them was fitted to them (the held-out set behaves like the later
    rounds)."""
    from assistant.evaluation.datasets import round_of

    parts = {"earlier": [r for r in rows if r["scope"] == "in" and (round_of(r["item"].tags) or 0) < fresh_from],
             "fresh": [r for r in rows if r["scope"] == "in" and (round_of(r["item"].tags) or 0) >= fresh_from]}
    print(f"by collection round (fresh = round {fresh_from} on): earlier {len(parts['earlier'])}, "
          f"fresh {len(parts['fresh'])} in-scope questions")
    for ci, config in enumerate(configs):
        cells = []
        for name, part in parts.items():
            lead = sum(r["out"][ci][0] for r in part)
            wrong = sum(r["out"][ci][1] for r in part)
            cells.append(f"{name}: gold-led {lead}/{len(part)}, confident wrong {wrong} "
                         f"({wrong / max(1, lead + wrong):.0%} of stated)")
        print(f"   {config}: " + "; ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--penalty", type=float, default=2.0)
    ap.add_argument("--fresh-from", type=int, default=None, metavar="N",
                    help="另按收集轮次分开报告：第 N 轮及以后收集的题（据以调整产品的时间最短，最接近陌生问法）与更早的题")
    args = ap.parse_args()
    rows, configs = outcomes(args.data_dir)
    n_in = sum(r["scope"] == "in" for r in rows)
    n_out = len(rows) - n_in

    def describe(ci: int) -> str:
        cov, margin, tie = configs[ci]
        lead = sum(r["out"][ci][0] for r in rows if r["scope"] == "in")
        wrong = sum(r["out"][ci][1] for r in rows if r["scope"] == "in")
        oos = sum(r["out"][ci][1] for r in rows if r["scope"] == "out")
        return (f"coverage={cov} note_margin={margin} tie={tie}: gold-led {lead}/{n_in}, confident wrong {wrong}, "
                f"out-of-scope stated {oos}/{n_out}, utility {utility(rows, ci, args.penalty):.0f}")

    from assistant.qa import extractive

    shipped = (extractive.MIN_TERM_COVERAGE, extractive.NOTE_LEAD_MARGIN, extractive.TIE_RATIO)
    current = configs.index(shipped) if shipped in configs else 0
    families = {
        "all": list(range(len(configs))),
        "note route off": [i for i, c in enumerate(configs) if c[1] is None],
        "note route on": [i for i, c in enumerate(configs) if c[1] is not None],
        "tie check off": [i for i, c in enumerate(configs) if c[2] is None],
        "tie check on": [i for i, c in enumerate(configs) if c[2] is not None],
    }
    print(f"dev: {n_in} in scope + {n_out} out of scope, {args.folds} folds, penalty {args.penalty}")
    print(f"shipped gate {shipped} on all dev:", describe(current))
    if args.fresh_from is not None:
        by_round(rows, configs, args.fresh_from)
    for name, fam in families.items():
        cv, chosen = cross_validate(rows, fam, args.folds, args.penalty)
        print(f"family {name:15s}: cross-validated utility {cv:.0f}; per-fold choice {[configs[c] for c in chosen]}")
        best = max(fam, key=lambda ci: (utility(rows, ci, args.penalty), -ci))
        print(f"   best on all dev: {describe(best)}")


if __name__ == "__main__":
    main()
