"""Real-clause suite: recall, basis match and lawful false alarms on clauses from public rulings.

    python bench/real_clauses.py                  # rules only, dev and held-out reported apart
    python bench/real_clauses.py --exemplar       # with the e5 exemplar step (low-confidence candidates)
    python bench/real_clauses.py --json

Every item is reviewed on its own after a first line naming the procurement type. Disputed items
(authorities ruled the same wording differently) are listed apart and never enter the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--exemplar", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from assistant.evaluation import real_clause_suite as rcs
    from assistant.review.pipeline import Reviewer

    exemplar = None
    if args.exemplar:
        from assistant.embeddings import E5Embeddings
        from assistant.review.catalogue import load_catalogue
        from assistant.review.exemplar import ExemplarStep

        exemplar = ExemplarStep(load_catalogue(), E5Embeddings(), cache_dir=ROOT / "data" / "cache", model_name="e5-small-q4:")
    reviewer = Reviewer(kb=None, use_llm=False, exemplar=exemplar)
    res = rcs.run(reviewer, rcs.load())
    out = {split or "all": res.metrics(split) for split in ("dev", "heldout", None)}
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return
    for name, m in out.items():
        print(f"== {name}: items {m['items']} (violations {m['violations']}, lawful {m['lawful']}, disputed {m['disputed']}) "
              f"recall {m['recall']} basis_match {m['basis_match']} (checkable {m['basis_checkable']}) lawful_false_alarm_rate {m['lawful_false_alarm_rate']}")
        per_category: dict[str, object] = m["per_category"]  # type: ignore[assignment]
        for cat, c in sorted(per_category.items()):
            print(f"   {cat}: {c}")
    for r in res.rows:
        print(f"   {r.item.id} {r.item.split} {r.item.verdict}{' (disputed)' if r.item.disputed else ''} "
              f"want {r.item.rule_id} found={r.found} basis_ok={r.basis_ok} rules={r.rules} high/medium={r.serious}")


if __name__ == "__main__":
    main()
