"""Runs the suites, keeps per-item results, writes the report, and compares with the baseline."""

from __future__ import annotations

import json
import logging
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import UserError
from assistant.evaluation import datasets as ds
from assistant.evaluation import report

if TYPE_CHECKING:
    from assistant.services import Services

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
SUITES = ("retrieval", "qa", "review", "real", "collusion")
#: real practitioner questions: held-out set (suite "real") and development set (suite "real-dev")
REAL_FILES = {"real": ("datasets/real_qa.jsonl", "datasets/real_out_of_scope.jsonl"),
              "real-dev": ("dev/real_qa_dev.jsonl", "dev/real_out_of_scope_dev.jsonl")}
DEFAULT_TOLERANCE = 0.03
#: metrics the regression gate watches (higher = better); path inside the metrics object
GATED = {
    "retrieval.hybrid.hit@1": ("retrieval", "hybrid", "hit@1"),
    "retrieval.hybrid.hit@5": ("retrieval", "hybrid", "hit@5"),
    "retrieval.hybrid.mrr@10": ("retrieval", "hybrid", "mrr@10"),
    "qa.citation_recall": ("qa", "citation_recall"),
    "qa.citation_precision": ("qa", "citation_precision"),
    "qa.refusal_accuracy": ("qa", "refusal_accuracy"),
    "review.overall.recall": ("review", "overall", "recall"),
    "review.overall.precision": ("review", "overall", "precision"),
    "review.overall.f1": ("review", "overall", "f1"),
    "collusion.none.hit@1": ("collusion", "none", "hit@1"),
    "collusion.reworded.hit@1": ("collusion", "reworded", "hit@1"),
}


def datasets_dir(services: Services) -> Path:
    return Path(services.settings.eval_dir) / "datasets"


def git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def _prompt_hashes(services: Services) -> dict[str, str]:
    try:
        from assistant.prompts import prompt_hashes

        return prompt_hashes(prompts_dir=Path(services.settings.prompts_dir))
    except Exception as exc:  # prompts are optional for the eval record
        log.warning("prompt hashes unavailable: %s", exc)
        return {}


def _meta(services: Services, suites: Sequence[str], dataset: Path | None, limit: int | None) -> dict[str, Any]:
    from assistant.config import PROJECT_ROOT

    s = services.settings
    settings = services.describe()
    settings.update({"retrieval": s.retrieval.model_dump(), "review": s.review.model_dump(),
                     "include_china_law": s.include_china_law})
    return {
        "started_at": datetime.now().isoformat(timespec="seconds"),
        "suites": list(suites),
        "dataset": str(dataset) if dataset else None,
        "limit": limit,
        "git_commit": git_commit(PROJECT_ROOT),
        "dataset_versions": ds.dataset_versions(datasets_dir(services)),
        "settings": settings,
        "prompt_hashes": _prompt_hashes(services),
    }


def _take(items: list[Any], limit: int | None) -> list[Any]:
    return items[:limit] if limit else items


def _file_record(eval_dir: Path, path: Path, items: int, unit: str, extra: Sequence[Path] = ()) -> dict[str, Any]:
    """One dataset file a suite loaded: where (relative to eval/), its size, its version in
    datasets.yaml (None when unlisted) and a hash of its content (and of the `extra` files it names)."""
    resolved = path.resolve()
    try:
        name = resolved.relative_to(eval_dir.resolve()).as_posix()
    except ValueError:  # a team's own file given with --dataset
        name = str(path)
    return {"file": name, "items": items, "unit": unit, "version": ds.file_versions(eval_dir / "datasets").get(resolved),
            "sha256": ds.content_hash([path, *extra])}


def _qa_records(eval_dir: Path, qa_file: Path | None, qa: list[Any], oos_file: Path | None, oos: list[Any]) -> list[dict[str, Any]]:
    out = [_file_record(eval_dir, qa_file, len(qa), "道范围内问题")] if qa_file and qa else []
    return out + ([_file_record(eval_dir, oos_file, len(oos), "道范围外问题")] if oos_file and oos else [])


def _tender_records(eval_dir: Path, labels_file: Path, files: list[ds.TenderFile]) -> list[dict[str, Any]]:
    from assistant.evaluation.review_suite import CHECKLIST_LABELS

    checklist = labels_file.parent / CHECKLIST_LABELS
    return [_file_record(eval_dir, labels_file, len(files), "个文件", [f.path for f in files]),
            {"file": "", "items": sum(len(f.labels) for f in files), "unit": "条标注风险条款", "version": None, "sha256": None},
            *([{**_file_record(eval_dir, checklist, len(files), ""), "items": None}] if checklist.is_file() else [])]


def _datasets_meta(services: Services, loaded: dict[str, list[dict[str, Any]]], custom: bool) -> dict[str, Any]:
    """Per suite that ran: the nature of its data (suites.yaml; a --dataset file is the team's own,
    of unknown nature) and the files it loaded."""
    described = ds.suite_descriptions(Path(services.settings.eval_dir))
    return {suite: {**({"nature": "custom"} if custom else described.get(suite, {})), "files": files}
            for suite, files in loaded.items()}


def _ensure_kb(services: Services, progress: Progress | None) -> dict[str, Any]:
    summary = services.kb.ensure_built(progress=progress)
    return {"built_now": summary is not None, "stats": services.kb.stats()}


def run(services: Services, suites: Sequence[str] = SUITES, dataset: Path | None = None, limit: int | None = None,  # noqa: C901 - one branch per suite; split pending
        out_dir: Path | None = None, progress: Progress | None = None, baselines_on: bool = True) -> dict[str, Any]:
    """Run the suites; write report files to out_dir (when given); return the metrics object."""
    t0 = time.perf_counter()
    suites = list(suites)
    d = datasets_dir(services)
    qa_items: list[ds.QAItem] = []
    oos_items: list[ds.OOSItem] = []
    tender_files: list[ds.TenderFile] = []
    eval_dir = Path(services.settings.eval_dir)
    qa_file = oos_file = labels_file = None
    if dataset is not None:
        fmt = ds.detect_format(dataset)
        if fmt == "qa":
            qa_file, qa_items = dataset, _take(ds.load_policy_qa(dataset), limit)
            suites = [s for s in suites if s in ("retrieval", "qa")] or ["retrieval", "qa"]
        elif fmt == "oos":
            oos_file, oos_items = dataset, _take(ds.load_out_of_scope(dataset), limit)
            suites = ["qa"]
        else:
            labels_file, tender_files = dataset, _take(ds.load_tender_labels(dataset), limit)
            suites = ["review"]
    else:
        if "retrieval" in suites or "qa" in suites:
            qa_file = d / "policy_qa.jsonl"
            qa_items = _take(ds.load_policy_qa(qa_file), limit)
        if "qa" in suites:
            oos_file = d / "out_of_scope.jsonl"
            oos_items = _take(ds.load_out_of_scope(oos_file), limit)
        if "review" in suites:
            labels_file = d / "tenders" / "labels.jsonl"
            tender_files = _take(ds.load_tender_labels(labels_file), limit)
    loaded: dict[str, list[dict[str, Any]]] = {}
    if "retrieval" in suites and qa_items:
        loaded["retrieval"] = _qa_records(eval_dir, qa_file, qa_items, None, [])
    if "qa" in suites and (qa_items or oos_items):
        loaded["qa"] = _qa_records(eval_dir, qa_file, qa_items, oos_file, oos_items)
    if labels_file is not None and tender_files:
        loaded["review"] = _tender_records(eval_dir, labels_file, tender_files)

    real_sets: dict[str, tuple[list[ds.QAItem], list[ds.OOSItem]]] = {}
    if dataset is None:
        for name in (s for s in suites if s in REAL_FILES):
            real_qa, real_oos = (eval_dir / f for f in REAL_FILES[name])
            real_sets[name] = (_take(ds.load_policy_qa(real_qa), limit),
                               _take(ds.load_out_of_scope(real_oos), limit) if real_oos.exists() else [])
            loaded[name] = _qa_records(eval_dir, real_qa, real_sets[name][0], real_oos, real_sets[name][1])

    metrics: dict[str, Any] = {"retrieval": None, "qa": None, "review": None, "collusion": None}
    if "real_clauses" in suites:
        metrics["real_clauses"] = None
    rows: list[dict[str, Any]] = []
    needs_kb = "retrieval" in suites or "qa" in suites or bool(real_sets)
    kb_info = _ensure_kb(services, progress) if needs_kb else None
    errors: dict[str, str] = {}

    def guarded(name: str, fn: Callable[[], tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        """One failing suite must not lose the others' results: record the error and go on."""
        try:
            metrics[name], r = fn()
            rows.extend(r)
        except UserError:
            raise
        except Exception as exc:
            log.exception("suite %s failed", name)
            errors[name] = f"{type(exc).__name__}: {exc}"

    if "retrieval" in suites and qa_items:
        from assistant.evaluation import retrieval_suite

        guarded("retrieval", lambda: retrieval_suite.run(services, qa_items, progress, baselines_on=baselines_on))
    if "qa" in suites and (qa_items or oos_items):
        from assistant.evaluation import qa_suite

        guarded("qa", lambda: qa_suite.run(services, qa_items, oos_items, progress))
    if "collusion" in suites:
        from assistant.evaluation import collusion_suite

        ring_seeds, null_seeds = (limit, limit) if limit else (collusion_suite.DEFAULT_RING_SEEDS, collusion_suite.DEFAULT_NULL_SEEDS)
        loaded["collusion"] = [_file_record(eval_dir, eval_dir / "collusion" / "generator.py",
                                            ring_seeds * len(collusion_suite.LEVELS) + null_seeds, "套生成的招标/投标文件")]
        guarded("collusion", lambda: collusion_suite.run(services, progress, ring_seeds=ring_seeds, null_seeds=null_seeds))
    if "review" in suites and tender_files:
        from assistant.evaluation import review_suite

        guarded("review", lambda: review_suite.run(services, tender_files, progress))
    for name, (r_items, r_oos) in real_sets.items():
        from assistant.evaluation import real_qa_suite

        guarded(name, lambda r_items=r_items, r_oos=r_oos, name=name: real_qa_suite.run(  # type: ignore[misc]
            services, r_items, r_oos, progress, label=name))
    if "real_clauses" in suites and dataset is None:
        from assistant.evaluation import real_clause_suite

        def real_clauses() -> tuple[dict[str, Any], list[dict[str, Any]]]:
            clauses = real_clause_suite.load()  # inside the guard: a broken set is reported, not a crash
            loaded["real_clauses"] = [_file_record(eval_dir, real_clause_suite.DEFAULT_PATH, len(clauses), "条裁决条款")]
            return real_clause_suite.run_suite(services.reviewer, items=clauses)

        guarded("real_clauses", real_clauses)
    meta = _meta(services, suites, dataset, limit)
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    meta["errors"] = errors
    meta["datasets"] = _datasets_meta(services, loaded, custom=dataset is not None)
    if kb_info:
        meta["kb"] = {"built_now": kb_info["built_now"], "documents": kb_info["stats"].get("documents"),
                      "chunks": kb_info["stats"].get("chunks")}
    metrics["meta"] = meta
    worst = worst_items(rows)
    metrics["worst"] = worst
    if out_dir is not None:
        write_outputs(metrics, rows, worst, out_dir)
        metrics["meta"]["out_dir"] = str(out_dir)
    return metrics


def write_outputs(metrics: dict[str, Any], rows: list[dict[str, Any]], worst: dict[str, Any], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "items.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    charts = report.charts(metrics, out_dir)
    (out_dir / "report.md").write_text(report.markdown(metrics, worst, charts), encoding="utf-8")
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")


# ---------------------------------------------------------------- worst items with reasons
def worst_items(rows: list[dict[str, Any]], n: int = 10) -> dict[str, list[dict[str, Any]]]:  # noqa: C901 - one block per suite
    out: dict[str, list[dict[str, Any]]] = {}
    ret = [r for r in rows if r["suite"] == "retrieval"]
    if ret:
        def key(r: dict[str, Any]) -> tuple[int, int]:
            rank = r["ranks"].get("hybrid")
            return (0 if rank is None else 1, -(rank or 0))
        picked = sorted((r for r in ret if r["ranks"].get("hybrid") != 1), key=key)[:n]
        out["retrieval"] = [{
            "id": r["id"], "what": r["question"],
            "why": (("前10条均未命中" if r["ranks"]["hybrid"] is None else f"标准答案排第{r['ranks']['hybrid']}")
                    + f"；应为 {_gold_str(r)}；实际第1条 {(r['top5'].get('hybrid') or ['无'])[0]}"
                    + (("；BM25前10条未命中" if r["ranks"]["bm25"] is None else f"；BM25排名 {r['ranks']['bm25']}")
                       if "bm25" in r["ranks"] else "")),
        } for r in picked]
    qa = [r for r in rows if r["suite"] == "qa"]
    if qa:
        scored = []
        for r in qa:
            bad_cites = r.get("citation_exists", []).count(False) + len(r.get("text_refs_missing", []))
            if bad_cites:
                scored.append((0, r, f"引用了知识库中不存在的条文 {bad_cites} 处"))
            elif r["scope"] == "in" and r["refused"]:
                scored.append((1, r, f"误拒：知识库有依据（{_gold_str(r)}）却拒答"))
            elif r["scope"] == "out" and not r["refused"]:
                scored.append((2, r, f"范围外问题未拒答，引用了 {', '.join(r['citations'][:3]) or '无'}"))
            elif r["scope"] == "in" and not r.get("gold_cited"):
                scored.append((3, r, f"未引用标准答案 {_gold_str(r)}；引用了 {', '.join(r['citations'][:3]) or '无'}"))
        scored.sort(key=lambda x: x[0])
        out["qa"] = [{"id": r["id"], "what": r["question"], "why": why} for _, r, why in scored[:n]]
    for name in REAL_FILES:
        real_rows = [r for r in rows if r["suite"] == name]
        if real_rows:
            from assistant.evaluation import real_qa_suite

            out[name] = [{"id": w["id"], "what": w["question"], "gold": w["gold"], "top": w["top"],
                          "why": "；".join(x for x in (w["why"] or "回答首句引用的条文不是标准答案",
                                                        f"应为 {_gold_str(w)}" if w.get("gold") else "") if x)}
                         for w in real_qa_suite.worst(real_rows, n)]
            out[f"{name}:confident_wrong"] = [
                {"id": w["id"], "what": w["question"], "why": f"首句依据 {w['lead'] or '无'}；应为 {_gold_str(w)}"}
                for w in real_qa_suite.confident_wrong(real_rows)]
    rev = [r for r in rows if r["suite"] == "review"]
    if rev:
        bad = [r for r in rev if r.get("false_positive") or not r.get("found", True)]
        bad.sort(key=lambda r: (0 if r.get("variant") == "compliant" else 1, 0 if not r.get("false_positive") else 1))
        out["review"] = [{
            "id": r["id"],
            "what": f"{r['file']} {r['rule_id']} {(r.get('text') or r.get('clause') or '')[:60]}",
            "why": ("误报（" + r.get("severity", "") + "）" if r.get("false_positive") else
                    "漏报" + (f"；同一条款被判为 {', '.join(r['same_clause_other_rules'])}" if r.get("same_clause_other_rules") else "；该条款未被任何规则检出")),
        } for r in bad[:n]]
    return out


def _gold_str(r: dict[str, Any]) -> str:
    parts = [f"《{g['title']}》{g.get('article') or g.get('section') or ''}" for g in r.get("gold", [])]
    parts += [f"「{p[:20]}」" for p in r.get("gold_passages", [])]
    return "、".join(parts)


# ---------------------------------------------------------------- baseline / regression gate
def _get(metrics: dict[str, Any], path: tuple[str, ...]) -> float | None:
    cur: Any = metrics
    for p in path:
        if not isinstance(cur, dict) or p not in cur or cur[p] is None:
            return None
        cur = cur[p]
    return float(cur) if isinstance(cur, (int, float)) else None


def gated_values(metrics: dict[str, Any]) -> dict[str, float]:
    return {name: v for name, path in GATED.items() if (v := _get(metrics, path)) is not None}


def compare(metrics: dict[str, Any], baseline: dict[str, Any], tolerance: float | None = None) -> list[str]:
    """Chinese descriptions of every gated metric that dropped more than the tolerance."""
    tol = float(baseline.get("tolerance", DEFAULT_TOLERANCE) if tolerance is None else tolerance)
    now = gated_values(metrics)
    drops = []
    for name, old in (baseline.get("metrics") or {}).items():
        if name in now and now[name] < float(old) - tol:
            drops.append(f"{name}: {now[name]:.4f} < 基线 {float(old):.4f} − 容差 {tol}")
    nonexistent = _get(metrics, ("qa", "nonexistent_citations"))
    if nonexistent:
        drops.append(f"qa.nonexistent_citations = {int(nonexistent)}（必须为 0）")
    return drops


def baseline_record(metrics: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The new baseline: gated values of this run merged over the previous ones (per suite run)."""
    merged = dict((previous or {}).get("metrics") or {})
    merged.update(gated_values(metrics))
    meta = metrics.get("meta", {})
    return {
        "tolerance": tolerance,
        "recorded_at": meta.get("started_at"),
        "git_commit": meta.get("git_commit"),
        "dataset_versions": meta.get("dataset_versions"),
        "limit": meta.get("limit"),
        "metrics": dict(sorted(merged.items())),
        "note": "由 `tender-assistant eval --update-baseline` 写入；回归门槛测试 tests/test_eval_regression.py 读取。",
    }


# ---------------------------------------------------------------- the fast subset of the gate
GATE_RETRIEVAL_ITEMS = 30
GATE_TENDERS = ("eng_school_risky.docx", "eng_school_compliant.docx")


def gate_subset(items: Sequence[ds.QAItem], n: int = GATE_RETRIEVAL_ITEMS) -> list[ds.QAItem]:
    """Every k-th question, so that laws, the reform plan and the catalogue are all represented."""
    step = max(1, len(items) // n)
    return list(items[::step])[:n]


def run_gate(services: Services, progress: Progress | None = None) -> dict[str, Any]:
    """Retrieval on 30 questions (no baselines) + review of one tender and its twin."""
    from assistant.evaluation import retrieval_suite, review_suite

    d = datasets_dir(services)
    t0 = time.perf_counter()
    services.kb.ensure_built(progress=progress)
    items = gate_subset(ds.load_policy_qa(d / "policy_qa.jsonl"))
    ret, _ = retrieval_suite.run(services, items, progress, baselines_on=False)
    files = [f for f in ds.load_tender_labels(d / "tenders" / "labels.jsonl") if f.file in GATE_TENDERS]
    rev, _ = review_suite.run(services, files, progress)
    meta = _meta(services, ["retrieval", "review"], None, None)
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    eval_dir = Path(services.settings.eval_dir)
    meta["datasets"] = _datasets_meta(services, {
        "retrieval": _qa_records(eval_dir, d / "policy_qa.jsonl", items, None, []),
        "review": _tender_records(eval_dir, d / "tenders" / "labels.jsonl", files)}, custom=False)
    meta["subset"] = {"retrieval_items": [i.id for i in items], "tenders": list(GATE_TENDERS)}
    return {"retrieval": ret, "qa": None, "review": rev, "meta": meta}


def baseline_path(services: Services) -> Path:
    return Path(services.settings.eval_dir) / "baseline.json"


def load_baseline(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ds.DatasetError(f"基线文件格式错误：{path}", str(exc)) from exc


def update_baseline(path: Path, full: dict[str, Any] | None, gate: dict[str, Any] | None,
                    tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    old = load_baseline(path)
    new = {"tolerance": tolerance,
           "note": "回归门槛：tests/test_eval_regression.py 运行 gate 子集，任一指标低于 gate 基线减容差即失败；"
                   "gate 应在与测试夹具 real_services 相同的知识库上记录（默认文档 + ../shared/corpus/regulations）："
                   "`tender-assistant eval --gate --update-baseline`；full 为完整评测（默认知识库）的记录值："
                   "`tender-assistant eval --update-baseline`。"}
    new["full"] = baseline_record(full, tolerance, old.get("full")) if full else old.get("full")
    new["gate"] = baseline_record(gate, tolerance, old.get("gate")) if gate else old.get("gate")
    path.write_text(json.dumps(new, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return new
