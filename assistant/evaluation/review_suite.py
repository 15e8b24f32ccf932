"""Review suite: recall, precision, F1 per risk category and overall; false positives on twins.

A finding matches a label when its rule id (T01…T58, read from `rule_id`, else from `category`)
is the label's id or one of its `alt_rule_ids`, and its clause overlaps the labelled text
(`metrics.overlaps`: containment or a long common run, robust to PDF line breaks). Each label and
each finding is matched at most once; a further finding of a labelled clause under one of the
label's accepted rules is neither a hit nor a false positive. Only high/medium findings count as false positives: low
findings are hints the product may give, and compliant twins expect "no high/medium findings".
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.evaluation.datasets import Label, TenderFile
from assistant.evaluation.metrics import overlaps, prf

if TYPE_CHECKING:
    from assistant.schema import Finding
    from assistant.services import Services

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
_RULE = re.compile(r"T\d{2}")
SERIOUS = ("high", "medium")


def finding_rule(f: Finding) -> str:
    m = _RULE.search(f.rule_id or "") or _RULE.search(f.category or "")
    return m.group(0) if m else (f.rule_id or f.category or "?")


def finding_matches(f: Finding, label: Label) -> bool:
    if finding_rule(f) not in {label.rule_id, *label.alt_rule_ids}:
        return False
    return any(overlaps(t, label.text) for t in (f.clause, f.evidence or "") if t)


def match_file(findings: Sequence[Finding], labels: Sequence[Label]) -> tuple[dict[str, int | None], set[int]]:
    """label id -> index of the matched finding (or None); and the set of matched finding indexes."""
    used: set[int] = set()
    out: dict[str, int | None] = {}
    for lab in labels:
        out[lab.id] = None
        for i, f in enumerate(findings):
            if i not in used and finding_matches(f, lab):
                out[lab.id] = i
                used.add(i)
                break
    return out, used


def score(files: Sequence[TenderFile], findings_by_file: dict[str, Sequence[Finding]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Pure scoring (unit-tested): metrics plus one row per label and per false positive."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    rows: list[dict[str, Any]] = []
    twin_fp: dict[str, int] = {}
    names: dict[str, str] = {}
    for tf in files:
        findings = list(findings_by_file.get(tf.file, []))
        matched, used = match_file(findings, tf.labels)
        for lab in tf.labels:
            names.setdefault(lab.rule_id, lab.category)
            idx = matched[lab.id]
            counts[lab.rule_id]["tp" if idx is not None else "fn"] += 1
            f = findings[idx] if idx is not None else None
            near = [fi for fi in findings if overlaps(fi.clause, lab.text)] if f is None else []
            rows.append({
                "suite": "review", "id": lab.id, "file": tf.file, "variant": tf.variant, "rule_id": lab.rule_id,
                "category": lab.category, "text": lab.text, "found": f is not None,
                "finding": None if f is None else {"rule_id": f.rule_id, "severity": f.severity, "clause": f.clause[:200]},
                "same_clause_other_rules": [finding_rule(x) for x in near], "note": lab.note,
            })
        # absence findings (location 「全文未找到」) are scored by the checklist status labels instead
        # a second finding of a labelled clause under one of its accepted rules (地域 and 网点 on one
        # clause labelled T31/T21) reports a real risk twice; it is not a false alarm
        fps = [f for i, f in enumerate(findings)
               if i not in used and f.severity in SERIOUS and not f.location.get("absent")
               and not any(finding_matches(f, lab) for lab in tf.labels)]
        if tf.variant == "compliant":
            twin_fp[tf.file] = len(fps)
        for f in fps:
            rule = finding_rule(f)
            names.setdefault(rule, f.category)
            counts[rule]["fp"] += 1
            rows.append({
                "suite": "review", "id": f"{tf.file}#fp-{rule}", "file": tf.file, "variant": tf.variant,
                "rule_id": rule, "category": f.category, "false_positive": True, "severity": f.severity,
                "clause": f.clause[:300],
            })
    per_cat = {r: {"category": names.get(r, ""), **prf(c["tp"], c["fp"], c["fn"])} for r, c in sorted(counts.items())}
    tot = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    metrics = {
        "overall": prf(tot["tp"], tot["fp"], tot["fn"]),
        "per_category": per_cat,
        "twin_false_positives": sum(twin_fp.values()),
        "twin_false_positives_by_file": twin_fp,
        "n_files": len(files),
        "n_labels": sum(len(t.labels) for t in files),
    }
    return metrics, rows


CHECKLIST_LABELS = "checklist_labels.jsonl"


def load_checklist_labels(folder: Path) -> dict[str, dict[str, str]]:
    """file name -> {point id: expected status} from `checklist_labels.jsonl` beside labels.jsonl ({} if absent)."""
    path = folder / CHECKLIST_LABELS
    if not path.is_file():
        return {}
    out: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[str(row["file"])] = {str(k): str(v) for k, v in row["statuses"].items()}
    return out


def score_checklist(expected: Mapping[str, Mapping[str, str]],
                    actual: Mapping[str, Mapping[str, str]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Per-status accuracy of the checklist: for each labelled (file, point), is the report's status the label's?"""
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "correct": 0})
    rows: list[dict[str, Any]] = []
    for file, labels in sorted(expected.items()):
        got = actual.get(file)
        if got is None:
            continue
        for point, want in sorted(labels.items()):
            have = got.get(point, "（缺失）")
            per[want]["n"] += 1
            per[want]["correct"] += int(have == want)
            if have != want:
                rows.append({"suite": "review_checklist", "id": f"{file}#{point}", "file": file, "rule_id": point,
                             "expected": want, "got": have})
    total = sum(c["n"] for c in per.values())
    correct = sum(c["correct"] for c in per.values())
    metrics = {
        "accuracy": round(correct / total, 4) if total else None,
        "n": total,
        "per_status": {k: {**v, "accuracy": round(v["correct"] / v["n"], 4) if v["n"] else None}
                       for k, v in sorted(per.items())},
        "n_files": sum(1 for f in expected if f in actual),
    }
    return metrics, rows


def run(services: Services, files: Sequence[TenderFile], progress: Progress | None = None,
        use_llm: bool | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    reviewer = services.reviewer
    findings_by_file: dict[str, Sequence[Finding]] = {}
    statuses: dict[str, dict[str, str]] = {}
    seconds: dict[str, float] = {}
    for i, tf in enumerate(files, 1):
        t0 = time.perf_counter()
        report = reviewer.review(tf.path, use_llm=use_llm)
        seconds[tf.file] = round(time.perf_counter() - t0, 2)
        findings_by_file[tf.file] = report.findings
        statuses[tf.file] = {c.rule_id: c.status for c in report.checklist}
        if progress:
            progress("审查评测", i, len(files))
    metrics, rows = score(files, findings_by_file)
    expected: dict[str, dict[str, str]] = {}
    for folder in sorted({tf.path.parent for tf in files}):
        expected.update(load_checklist_labels(folder))
    if expected:
        metrics["checklist"], checklist_rows = score_checklist(expected, statuses)
        rows += checklist_rows
    metrics["seconds_by_file"] = seconds
    metrics["mode"] = "rules+llm" if use_llm else "rules"
    return metrics, rows
