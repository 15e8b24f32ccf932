"""Run every benchmark script in bench/ and record the results.

    python bench/run_all.py                  # everything (real e5 model: ~30-60 min on 2 cores)
    python bench/run_all.py --quick          # smaller runs, fake-embedding load test
    python bench/run_all.py --only ocr_bench,fuzz_loaders
    python bench/run_all.py --list

Each script runs in its own process with the arguments below (scripts not listed run with
none), one after another so they do not disturb each other. For each: exit code, wall time, the
process's peak RSS (os.wait4, so "peak memory of a build" is the build_bench row), the JSON
objects it printed on stdout, and the tail of its text output. Written to bench/results.json and
bench/RESULTS.md (a table for people; see bench/README.md for what each number means).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOAD_KB = Path("/tmp/load-test-kb-e5")

#: name -> (full-run arguments, --quick arguments, timeout seconds). Order = run order.
PLAN: dict[str, tuple[list[str], list[str], int]] = {
    "build_bench": (["--json"], ["--json"], 3600),
    "retrieval_bench": (["--json"], ["--json", "--no-baseline"], 3600),
    "review_bench": ([], ["--pages", "30"], 900),
    "review_quality": ([], [], 900),
    "qa_bench": (["latency"], ["latency", "-n", "5"], 3600),
    "ocr_bench": (["--json"], ["--json", "-n", "1"], 900),
    "fuzz_loaders": (["--json"], ["--json", "-n", "60"], 3600),
    "load_test": (["--json", "--data-dir", str(LOAD_KB)], ["--json", "--fake", "--requests", "200", "--seconds", "60"], 3600),
    "startup_bench": (["--data-dir", str(LOAD_KB)], ["--data-dir", "/tmp/load-test-kb-fake", "--runs", "2"], 900),
}
SKIP = {"run_all"}


def scripts() -> list[str]:
    found = sorted(p.stem for p in BENCH.glob("*.py") if p.stem not in SKIP and not p.stem.startswith("_"))
    return [n for n in PLAN if n in found] + [n for n in found if n not in PLAN]


def json_objects(text: str) -> list[Any]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line[:1] in "{[":
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    if not out:  # a pretty-printed object spanning lines
        start = text.find("{")
        if start >= 0:
            with contextlib.suppress(json.JSONDecodeError):
                out.append(json.loads(text[start:]))
    return out


def run_one(name: str, quick: bool) -> dict[str, Any]:
    full, small, timeout = PLAN.get(name, ([], [], 1800))
    argv = [sys.executable, str(BENCH / f"{name}.py"), *(small if quick else full)]
    env = dict(os.environ, PYTHONPATH=str(ROOT), GRADIO_ANALYTICS_ENABLED="False")
    out_path = Path(f"/tmp/bench-{name}.out")
    err_path = Path(f"/tmp/bench-{name}.err")
    print(f"== {name}: {' '.join(argv[1:])}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=err)
        rusage = None
        status = None
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                pid, status, rusage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status) if status is not None else None
    wall = time.perf_counter() - t0
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    record = {
        "script": f"bench/{name}.py",
        "args": argv[2:],
        "exit_code": proc.returncode,
        "timed_out": wall > timeout,
        "seconds": round(wall, 1),
        "peak_rss_mb": round(rusage.ru_maxrss / 1024, 1) if rusage else None,
        "results": json_objects(stdout),
        "output_tail": [ln for ln in stdout.splitlines() if ln.strip()][-15:],
        "stderr_tail": [ln for ln in stderr.splitlines() if ln.strip() and "it/s]" not in ln and "项/s]" not in ln][-5:],
    }
    print(f"   exit {record['exit_code']} in {record['seconds']} s, peak RSS {record['peak_rss_mb']} MB", file=sys.stderr)
    return record


def render_md(run: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {run['started']} on {run['machine']} ({run['cpus']} CPUs), mode: {run['mode']}. "
        "Produced by `python bench/run_all.py`; what each number means and its baseline: bench/README.md.",
        "",
        "| script | exit | seconds | peak RSS MB | key output |",
        "|---|---|---|---|---|",
    ]
    for r in run["benchmarks"]:
        tail = r["output_tail"][-3:] if not r["results"] else []
        key = "; ".join(tail) if tail else json.dumps(_short(r["results"][-1]), ensure_ascii=False)
        key = key.replace("|", "\\|")[:400]
        lines.append(f"| {r['script']} | {r['exit_code']} | {r['seconds']} | {r['peak_rss_mb']} | {key} |")
    lines += ["", "Full outputs: bench/results.json.", ""]
    return "\n".join(lines)


def _short(obj: Any, depth: int = 0) -> Any:
    """Drop long lists (per-question details) so the table stays readable."""
    if isinstance(obj, dict):
        return {k: _short(v, depth + 1) for k, v in obj.items() if not (isinstance(v, list) and len(v) > 5)}
    return obj


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller runs; load test with fake embeddings")
    ap.add_argument("--only", default="", help="comma-separated script names")
    ap.add_argument("--skip", default="", help="comma-separated script names")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--out", type=Path, default=BENCH)
    args = ap.parse_args(argv)
    names = scripts()
    if args.list:
        for n in names:
            full, small, _timeout = PLAN.get(n, ([], [], 1800))
            print(f"{n:18} full: {' '.join(full) or '-':40} quick: {' '.join(small) or '-'}")
        return 0
    if args.only:
        names = [n for n in names if n in set(args.only.split(","))]
    names = [n for n in names if n not in set(args.skip.split(","))]
    run: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "mode": "quick" if args.quick else "full",
        "machine": f"{platform.node()} {platform.machine()} Python {platform.python_version()}",
        "cpus": os.cpu_count(),
        "benchmarks": [],
    }
    for name in names:
        run["benchmarks"].append(run_one(name, args.quick))
        # written after every script: a long run that is interrupted keeps what it measured
        results_path = args.out / "results.json"
        previous: dict[str, Any] = {}
        if results_path.exists() and args.only:
            try:  # --only updates those rows of the last run instead of discarding the others
                previous = {b["script"]: b for b in json.loads(results_path.read_text(encoding="utf-8"))["benchmarks"]}
            except (OSError, ValueError, KeyError, TypeError):
                previous = {}
        merged = dict(run)
        if previous:
            rows = {**previous, **{b["script"]: b for b in run["benchmarks"]}}
            merged = {**run, "benchmarks": list(rows.values())}
        results_path.write_text(json.dumps(merged, ensure_ascii=False, indent=1), encoding="utf-8")
        (args.out / "RESULTS.md").write_text(render_md(merged), encoding="utf-8")
    failed = [b["script"] for b in run["benchmarks"] if b["exit_code"] != 0]
    print(f"done: {len(run['benchmarks'])} benchmarks, failed: {failed or 'none'}; "
          f"results in {args.out / 'results.json'} and {args.out / 'RESULTS.md'}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
