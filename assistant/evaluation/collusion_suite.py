"""Collusion suite: seeded synthetic tenders (eval/collusion/generator.py) -> ranking and false-alarm metrics.

The generator lives in eval/ and is loaded by file path (nothing under assistant/ imports eval/ as a
package). Metrics per disguise level: pair PR-AUC (average precision), hit@1 on ring tenders,
false-alarm rate (any high-risk pair) on collusion-free tenders, evidence precision (share of 强/中
signals that sit on planted ring pairs), template leak (shown passages found in the tender or 范本).
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from assistant.collusion.normalize import match_key

if TYPE_CHECKING:
    from assistant.collusion.models import CollusionReport
    from assistant.collusion.pipeline import CollusionAnalyzer
    from assistant.services import Services

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
LEVELS = ("none", "scrubbed", "reworded", "jittered")
DEFAULT_RING_SEEDS = 15
DEFAULT_NULL_SEEDS = 25
NULL_SEED_BASE = 100_000


def load_generator(eval_dir: Path) -> ModuleType:
    path = eval_dir / "collusion" / "generator.py"
    spec = importlib.util.spec_from_file_location("collusion_generator", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def average_precision(scores: list[float], labels: list[bool]) -> float | None:
    """Area under the precision-recall curve (step-wise average precision, ties broken pessimistically)."""
    pos = sum(labels)
    if pos == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], labels[i]))
    hits = 0
    total = 0.0
    for rank, i in enumerate(order, start=1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / pos


def _pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _leaks(report: CollusionReport, tender_key: str, template_keys: list[str]) -> tuple[int, int]:
    shown = leaks = 0
    for p in report.pairs:
        for s in p.signals:
            if s.kind != "shared_text":
                continue
            for e in s.evidence:
                span = match_key(e.value or "")
                shown += 1
                windows = {span[i:i + 20] for i in range(0, max(1, len(span) - 19))}
                if any(w and (w in tender_key or any(w in t for t in template_keys)) for w in windows):
                    leaks += 1
    return shown, leaks


def evaluate_set(analyzer: CollusionAnalyzer, folder: Path, truth: Any) -> dict[str, Any]:
    bids = [folder / f for f in truth.bid_files]
    report = analyzer.analyze(folder / truth.tender_file, bids)
    ring_pairs = {_pair_key(x, y) for ring in truth.rings for i, x in enumerate(ring) for y in ring[i + 1:]}
    scored = {_pair_key(p.a, p.b): p for p in report.pairs}
    names = sorted(truth.bid_files)
    all_pairs = [_pair_key(x, y) for i, x in enumerate(names) for y in names[i + 1:]]
    scores = [scored[k].score if k in scored else 0.0 for k in all_pairs]
    labels = [k in ring_pairs for k in all_pairs]
    top = report.pairs[0] if report.pairs else None
    hit1 = bool(top is not None and _pair_key(top.a, top.b) in ring_pairs) if ring_pairs else None
    strong_signals = [(k, s) for k, p in scored.items() for s in p.signals if s.tier in ("强", "中")]
    tender_key = "".join(match_key(u.text) for u in _tender_units(analyzer, folder / truth.tender_file))
    template_keys = [match_key(t) for t in analyzer.data.templates.values()]
    shown, leaks = _leaks(report, tender_key, template_keys)
    return {
        "seed": truth.seed, "level": truth.level, "n_bids": len(bids), "rings": truth.rings, "mechanisms": truth.mechanisms,
        "scores": scores, "labels": labels, "hit@1": hit1,
        "any_high": any(p.risk == "high" for p in report.pairs),
        "high_pairs": [_pair_key(p.a, p.b) for p in report.pairs if p.risk == "high"],
        "top": _pair_key(top.a, top.b) if top else None,
        "evidence_total": len(strong_signals), "evidence_true": sum(1 for k, _ in strong_signals if k in ring_pairs),
        "passages_shown": shown, "template_leaks": leaks, "elapsed_s": report.elapsed_s,
    }


def _tender_units(analyzer: CollusionAnalyzer, path: Path) -> list[Any]:
    from assistant.collusion.reader import read_path

    return list(read_path(path).units)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for level in LEVELS:
        rs = [r for r in rows if r["level"] == level]
        if not rs:
            continue
        ring = [r for r in rs if r["rings"]]
        scores = [s for r in rs for s in r["scores"]]
        labels = [lab for r in rs for lab in r["labels"]]
        ev_total = sum(r["evidence_total"] for r in rs)
        out[level] = {
            "sets": len(rs), "ring_sets": len(ring), "pairs": len(scores), "positive_pairs": sum(labels),
            "pr_auc": average_precision(scores, labels),
            "hit@1": (sum(1 for r in ring if r["hit@1"]) / len(ring)) if ring else None,
            "evidence_precision": (sum(r["evidence_true"] for r in rs) / ev_total) if ev_total else None,
        }
    nulls = [r for r in rows if not r["rings"]]
    out["null"] = {"sets": len(nulls), "false_alarm_rate": (sum(r["any_high"] for r in nulls) / len(nulls)) if nulls else None,
                   "mean_high_pairs": (sum(len(r["high_pairs"]) for r in nulls) / len(nulls)) if nulls else None}
    out["template_leak"] = {"passages_shown": sum(r["passages_shown"] for r in rows),
                            "leaks": sum(r["template_leaks"] for r in rows)}
    return out


def run(services: Services, progress: Progress | None = None, ring_seeds: int = DEFAULT_RING_SEEDS,
        null_seeds: int = DEFAULT_NULL_SEEDS, work_dir: Path | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    gen = load_generator(Path(services.settings.eval_dir))
    analyzer = services.collusion
    analyzer.lookup = None  # ranking metrics do not need article texts
    analyzer.law_texts = None  # synthetic bids quote no statutes; keeps the suite independent of the KB
    jobs = [(seed, level, True) for seed in range(ring_seeds) for level in LEVELS]
    jobs += [(NULL_SEED_BASE + seed, "none", False) for seed in range(null_seeds)]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="collusion-eval-", dir=work_dir) as tmp:
        for n, (seed, level, ring) in enumerate(jobs):
            if progress:
                progress("围标串标评测", n, len(jobs))
            folder = Path(tmp) / f"{seed}-{level}"
            truth = gen.generate(folder, seed=seed, level=level, collusion=ring)
            row = evaluate_set(analyzer, folder, truth)
            row.update({"suite": "collusion", "id": f"{seed}-{level}"})
            rows.append(row)
    metrics = summarize(rows)
    metrics["generator"] = {"ring_seeds": ring_seeds, "null_seeds": null_seeds, "levels": list(LEVELS),
                            "note": "ring tenders use the same seeds at every disguise level; null tenders have no ring"}
    slim = [{k: v for k, v in r.items() if k not in ("scores", "labels")} for r in rows]
    return metrics, slim
