"""Review quality on the labelled development tenders: recall and false positives per category.

    python bench/review_quality.py                 # DOCX and PDF, rules only then rules + fake LLM
    python bench/review_quality.py --format pdf    # one format only
    python bench/review_quality.py --verbose       # list misses and false positives
    python bench/review_quality.py --json          # one JSON object per (format, mode) on stdout

A planted violation is recalled when a finding of the same rule quotes a clause containing
the labelled text. Every dev tender exists as DOCX and as the PDF LibreOffice exports from it
(same labels), so layout damage (broken lines, flattened tables) shows as a recall gap between the
two formats. False positives: high/medium findings on the compliant twins, and findings
on violating documents that match no planted label (reported separately).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT / "tests" / "data" / "tenders_dev"


def _norm(s: str) -> str:
    from assistant.text_zh import normalize

    return re.sub(r"\s+", "", normalize(s or ""))


def oracle_fake_llm(labels: list[dict]) -> Any:
    """A fake chat model that answers like a model which knows the planted semantic violations.

    It reads the fenced clauses in the prompt and flags those whose text is a planted
    semantic label — exercising candidate selection, the JSON contract and verification,
    not model quality (no real LLM is reachable offline).
    """
    from assistant.llm import FakeChatModel

    semantic = [(lab["rule_id"], _norm(lab["text"])) for lab in labels if lab["expected"] and lab["detect"] == "semantic"]

    def responder(messages: list[Any]) -> str:
        text = str(messages[-1].content)
        out = []
        for m in re.finditer(r"^【条款(\d+)】（位置：[^\n]*待判要点：([^）]*)）\n(.*)$", text, re.M):
            cid, rules, body = int(m.group(1)), m.group(2).split("、"), m.group(3)
            for rule, needle in semantic:
                if rule in rules and needle and needle in _norm(body):
                    out.append({"clause_id": cid, "rule_id": rule, "violated": True, "evidence": body[:30],
                                "explanation": "条件与项目实际需要不相适应。", "suggestion": "删除或调整该条件。",
                                "citations": []})
        return json.dumps({"findings": out}, ensure_ascii=False)

    return FakeChatModel(responder=responder)


def _exemplar() -> Any:
    from assistant.embeddings import E5Embeddings
    from assistant.review.catalogue import load_catalogue
    from assistant.review.exemplar import ExemplarStep

    return ExemplarStep(load_catalogue(), E5Embeddings(), cache_dir=ROOT / "data" / "cache", model_name="e5-small-q4:")


def evaluate(use_llm: bool, verbose: bool = False, fmt: str = "docx", exemplar: bool = False) -> dict[str, Any]:
    from assistant.review.pipeline import Reviewer

    labels = [json.loads(line) for line in (DEV / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    llm = oracle_fake_llm(labels) if use_llm else None
    reviewer = Reviewer(kb=None, llm=llm, use_llm=use_llm, exemplar=_exemplar() if exemplar else None)
    per_cat: dict[str, dict[str, int]] = defaultdict(lambda: {"planted": 0, "found": 0, "fp_compliant": 0})
    fp_per_doc: dict[str, int] = {}
    low_per_doc: dict[str, int] = {}
    unlabeled: list[str] = []
    misses: list[str] = []
    docs = sorted({lab["doc"] for lab in labels})
    for doc in docs:
        path = (DEV / doc).with_suffix(f".{fmt}")
        report = reviewer.review(path, use_llm=use_llm)
        doc_labels = [lab for lab in labels if lab["doc"] == doc]
        used: set[int] = set()
        for lab in doc_labels:
            if not lab["expected"]:
                continue
            cat = lab["rule_id"]
            per_cat[cat]["planted"] += 1
            hit = next((i for i, f in enumerate(report.findings)
                        if f.rule_id == lab["rule_id"] and _norm(lab["text"]) in _norm(f.clause)), None)
            if hit is not None:
                per_cat[cat]["found"] += 1
                used.add(hit)
            else:
                misses.append(f"{path.name} {lab['rule_id']} [{lab['detect']}] {lab['text']}")
        if "_compliant." in doc:
            low_per_doc[path.name] = sum(f.severity == "low" for f in report.findings)
            # absence findings (「全文未找到」) are scored by the checklist status labels, not here:
            # the synthetic twins are excerpts without contract or complaint chapters
            fps = [f for f in report.findings if f.severity in ("high", "medium") and not f.location.get("absent")]
            fp_per_doc[path.name] = len(fps)
            for f in fps:
                per_cat[f.rule_id]["fp_compliant"] += 1
                unlabeled.append(f"FP {path.name} {f.rule_id} {f.severity} 「{f.evidence}」 {f.clause[:60]}")
        else:
            for i, f in enumerate(report.findings):
                labelled = any(_norm(lab["text"]) in _norm(f.clause) for lab in doc_labels)
                if i not in used and not labelled:
                    unlabeled.append(f"extra {path.name} {f.rule_id} {f.severity} 「{f.evidence}」 {f.clause[:60]}")
    planted = sum(v["planted"] for v in per_cat.values())
    found = sum(v["found"] for v in per_cat.values())
    det_labels = [lab for lab in labels if lab["expected"] and lab["detect"] == "rule"]
    return {"mode": "rules+fake-llm" if use_llm else "rules", "format": fmt, "recall": round(found / planted, 3) if planted else None,
            "planted": planted, "found": found, "deterministic_planted": len(det_labels),
            "fp_high_medium_per_compliant_doc": fp_per_doc, "low_per_compliant_doc": low_per_doc, "per_category": dict(sorted(per_cat.items())),
            "misses": misses, "other_findings": unlabeled}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--format", choices=("docx", "pdf", "both"), default="both")
    ap.add_argument("--json", action="store_true", help="machine output only")
    ap.add_argument("--exemplar", action="store_true", help="add the e5 exemplar step (low-confidence candidates)")
    args = ap.parse_args()
    fmts = ("docx", "pdf") if args.format == "both" else (args.format,)
    for fmt in fmts:
        for use_llm in (False, True):
            _print(evaluate(use_llm, args.verbose, fmt, args.exemplar), args)


def _print(r: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        fp = r["fp_high_medium_per_compliant_doc"]
        print(json.dumps({"bench": "review_quality", "format": r["format"], "mode": r["mode"], "recall": r["recall"],
                          "found": r["found"], "planted": r["planted"], "fp_high_medium_total": sum(fp.values()),
                          "fp_high_medium_per_compliant_doc": fp,
                          "per_category": r["per_category"]}, ensure_ascii=False))
        return
    print(f"== {r['format']} {r['mode']}: recall {r['recall']} ({r['found']}/{r['planted']}), "
          f"high/medium FP per compliant doc {r['fp_high_medium_per_compliant_doc']}, "
          f"low findings per compliant doc {r['low_per_compliant_doc']}")
    print("   rule  planted found fp(compliant)")
    for cat, v in r["per_category"].items():
        print(f"   {cat:5s} {v['planted']:7d} {v['found']:5d} {v['fp_compliant']:5d}")
    if args.verbose:
        for m in r["misses"]:
            print("   MISS", m)
        for u in r["other_findings"]:
            print("  ", u)

if __name__ == "__main__":
    main()
