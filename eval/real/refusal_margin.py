"""How many in-scope questions a stricter refusal would cost, on the real development set only.

The product refuses an out-of-scope question outright when it can tell (a document or topic the
knowledge base lacks, a question off procurement law, too few of its words in the evidence); the
others get the 「未能确定直接回答的条文」 statement with the nearest articles. This script asks every dev
question (in scope and out of scope), keeps those that were answered, and for each evidence signal
the refusal check has (best dense similarity, best ranking score, share of the question's words in the
best hits) prints, for every threshold that would refuse one more out-of-scope question: how many
in-scope questions it would refuse with it, and how many of those the product answers today with a
gold article cited. It never reads the held-out set.

    python eval/real/refusal_margin.py --data-dir DATA
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SIGNALS = (("top_dense", "最高向量相似度"), ("top_score", "最高排序分"), ("coverage", "问题用词在前几条中的比例"))


def answered(data_dir: Path) -> list[dict[str, Any]]:
    """Evidence of every dev question the product answers (not refused), with scope and gold citation."""
    sys.path.insert(0, str(ROOT))
    from assistant.config import Settings
    from assistant.evaluation.datasets import load_out_of_scope, load_policy_qa
    from assistant.evaluation.qa_suite import citation_is_gold
    from assistant.services import Services

    services = Services(Settings(data_dir=data_dir))
    dev = ROOT / "eval" / "dev"
    rows: list[dict[str, Any]] = []
    for item in load_policy_qa(dev / "real_qa_dev.jsonl"):
        ans = services.qa.ask(item.question)
        if not ans.refused:
            rows.append({"id": item.id, "scope": "in", "gold": any(citation_is_gold(c, item) for c in ans.citations),
                         **(ans.metadata.get("evidence") or {})})
    for oos in load_out_of_scope(dev / "real_out_of_scope_dev.jsonl"):
        ans = services.qa.ask(oos.question)
        if not ans.refused:
            rows.append({"id": oos.id, "scope": "out", "gold": False, **(ans.metadata.get("evidence") or {})})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    args = ap.parse_args()
    rows = answered(args.data_dir)
    ins = [r for r in rows if r["scope"] == "in"]
    outs = [r for r in rows if r["scope"] == "out"]
    print(f"开发集中未被拒答的问题：范围内 {len(ins)} 道，范围外 {len(outs)} 道")
    for key, name in SIGNALS:
        print(f"\n按「{name}」（{key}）不高于阈值即拒答：")
        print("阈值\t多拒答的范围外题\t同时拒答的范围内题\t其中今天引用了标准条文的")
        for t in sorted({float(r.get(key) or 0.0) for r in outs}):
            below = [r for r in ins if float(r.get(key) or 0.0) <= t]
            print(f"{t:.4f}\t{sum(float(r.get(key) or 0.0) <= t for r in outs)}\t{len(below)}\t{sum(r['gold'] for r in below)}")


if __name__ == "__main__":
    main()
