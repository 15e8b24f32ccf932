"""Checklist status accuracy on the labelled tenders (dev and held-out), rules only.

    python bench/checklist_eval.py [--json]

Labels: tests/data/tenders_dev/checklist_labels.jsonl (derived from the planted violations and the
regime) and eval/datasets/tenders/checklist_labels.jsonl (held out; fact-dependent points and
required contents read by hand from each compliant tender, planted violations of the risky twins).
Also reports the absence findings (「全文未找到」) on the real tender in ../shared/corpus (false alarms).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SETS = {"dev": ROOT / "tests" / "data" / "tenders_dev", "held_out": ROOT / "eval" / "datasets" / "tenders"}
REAL = ROOT.parent / "shared" / "corpus" / "tenders" / "政府采购项目公开招标文件.docx"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    from assistant.evaluation.review_suite import load_checklist_labels, score_checklist
    from assistant.review.pipeline import Reviewer

    reviewer = Reviewer(kb=None, use_llm=False)
    out: dict[str, Any] = {}
    for name, folder in SETS.items():
        expected = load_checklist_labels(folder)
        actual = {f: {c.rule_id: c.status for c in reviewer.review(folder / f).checklist} for f in expected}
        metrics, misses = score_checklist(expected, actual)
        out[name] = {**metrics, "misses": [f"{m['id']}: 应为{m['expected']}，实为{m['got']}" for m in misses]}
    if REAL.exists():
        report = reviewer.review(REAL)
        out["real_tender"] = {
            "absence_findings": [f.rule_id for f in report.findings if f.location.get("absent")],
            "checklist": report.summary["checklist"],
            "unknown_high": report.summary["unknown_high"],
            "findings": [f.rule_id for f in report.findings],
        }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    for name in SETS:
        m = out[name]
        per = "，".join(f"{k} {v['correct']}/{v['n']}" for k, v in m["per_status"].items())
        print(f"[{name}] {m['n_files']} files, {m['n']} labelled points: accuracy {m['accuracy']} ({per})")
        for miss in m["misses"]:
            print("   miss", miss)
    if "real_tender" in out:
        print(f"[real tender] {out['real_tender']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
