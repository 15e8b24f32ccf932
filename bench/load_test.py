"""Load test: 20 concurrent clients mixing search, ask and review against `app.py` (loopback only).

    python bench/load_test.py                 # real e5 model (index built once, reused)
    python bench/load_test.py --fake          # fake embeddings: tests the server, not the model
    python bench/load_test.py --requests 400 --seconds 120 --clients 20 --json

Starts `python app.py` on a free 127.0.0.1 port with its own data dir (the knowledge base is
built on first start and reused by later runs), waits for /api/v1/health, then runs the clients
until `--requests` are done or `--seconds` have passed, whichever first. Mix: 55 % POST
/api/v1/search, 30 % /ask, 15 % /review (a small development tender DOCX). Prints throughput,
p50/p95 latency per route, errors (must be 0), the server's peak RSS (VmHWM) and stops the server.
Exit code 1 when any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TENDER = ROOT / "tests" / "data" / "tenders_dev" / "A_works_violating.docx"
QUERIES = [
    "投标保证金不得超过多少", "依法必须招标的项目提交投标文件的最短时间", "评标委员会成员人数", "中标通知书发出后多久签订合同",
    "政府采购供应商应当具备的条件", "不合理条件限制排斥潜在投标人的情形", "联合体投标的规定", "履约保证金不得超过中标合同金额的比例",
    "招标文件澄清或者修改的时间", "串通投标的情形", "资格预审文件发售期", "质疑的期限",
]
QUESTIONS = [
    "投标保证金最多能收多少？", "发出招标文件后最快几天可以开标？", "中标候选人公示期是几天？",
    "政府采购中供应商可以对采购文件提出质疑吗？", "招标人能否要求投标人在本地设立分公司？",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a process, from /proc (psutil is not a dependency)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def start_server(data_dir: Path, port: int, fake: bool, log_path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_LLM__BACKEND": "none", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)})
    if fake:
        env.update({"ASSISTANT_EMBEDDING__BACKEND": "fake", "ASSISTANT_INCLUDE_CHINA_LAW": "false"})
    log = log_path.open("wb")
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(data_dir)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float) -> float:
    import httpx

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready")
        try:
            r = httpx.get(base + "/api/v1/health", timeout=5)
            if r.status_code == 200 and r.json().get("index", {}).get("built"):
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"server not ready after {timeout:.0f} s")


def run_clients(base: str, clients: int, max_requests: int, max_seconds: float, seed: int) -> dict[str, Any]:  # noqa: C901 - benchmark driver loop
    import httpx

    tender = TENDER.read_bytes()
    lock = threading.Lock()
    issued = 0
    lat: dict[str, list[float]] = {"search": [], "ask": [], "review": []}
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds

    def client(i: int) -> None:
        nonlocal issued
        rng = random.Random(seed + i)
        with httpx.Client(base_url=base, timeout=300) as http:
            while time.monotonic() < deadline:
                with lock:
                    if issued >= max_requests:
                        return
                    issued += 1
                r = rng.random()
                route = "search" if r < 0.55 else ("ask" if r < 0.85 else "review")
                t0 = time.perf_counter()
                try:
                    if route == "search":
                        resp = http.post("/api/v1/search", json={"query": rng.choice(QUERIES), "k": 5})
                        ok = resp.status_code == 200 and isinstance(resp.json(), list) and resp.json()
                    elif route == "ask":
                        resp = http.post("/api/v1/ask", json={"question": rng.choice(QUESTIONS)})
                        ok = resp.status_code == 200 and resp.json().get("answer")
                    else:
                        resp = http.post("/api/v1/review", files={"file": ("招标文件.docx", tender)})
                        ok = resp.status_code == 200 and "findings" in resp.json()
                    if not ok:
                        with lock:
                            errors.append(f"{route}: HTTP {resp.status_code} {resp.text[:200]}")
                except Exception as exc:
                    with lock:
                        errors.append(f"{route}: {type(exc).__name__}: {exc}"[:300])
                    continue
                with lock:
                    lat[route].append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    done = sum(len(v) for v in lat.values())

    def pct(values: list[float], q: float) -> float | None:
        if not values:
            return None
        values = sorted(values)
        return round(values[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000, 1)

    return {
        "clients": clients, "requests_ok": done, "errors": len(errors), "error_samples": errors[:10],
        "seconds": round(wall, 1), "throughput_rps": round(done / wall, 2) if wall else None,
        "routes": {k: {"n": len(v), "p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95),
                       "mean_ms": round(statistics.fmean(v) * 1000, 1) if v else None} for k, v in lat.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fake", action="store_true", help="fake embeddings (no model)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse this data dir (default: a per-mode dir under /tmp)")
    ap.add_argument("--startup-timeout", type=float, default=900, help="first start builds the knowledge base")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"load-test-kb-{'fake' if args.fake else 'e5'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.gettempdir()) / f"load-test-server-{port}.log"
    proc = start_server(data_dir, port, args.fake, log_path)
    result: dict[str, Any] = {"embedding": "fake" if args.fake else "e5-small-q4", "data_dir": str(data_dir)}
    try:
        result["ready_s"] = round(wait_ready(base, proc, args.startup_timeout), 1)
        result["rss_ready_mb"] = peak_rss_mb(proc.pid)
        result.update(run_clients(base, args.clients, args.requests, args.seconds, args.seed))
        result["server_peak_rss_mb"] = peak_rss_mb(proc.pid)
        result["server_alive"] = proc.poll() is None
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"server ready in {result['ready_s']} s ({result['embedding']}, data {data_dir}); "
              f"{result['clients']} clients for {result['seconds']} s")
        print(f"requests ok {result['requests_ok']}, errors {result['errors']}, throughput {result['throughput_rps']} req/s, "
              f"server peak RSS {result['server_peak_rss_mb']} MB (after start-up {result['rss_ready_mb']} MB)")
        print(f"{'route':8}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
        for name, r in result["routes"].items():
            print(f"{name:8}{r['n']:>6}{r['p50_ms'] or '-':>10}{r['p95_ms'] or '-':>10}{r['mean_ms'] or '-':>10}")
        for e in result["error_samples"]:
            print("  ERROR", e)
        print(f"server log: {log_path}")
    return 1 if result.get("errors") or not result.get("server_alive", False) else 0


if __name__ == "__main__":
    raise SystemExit(main())
