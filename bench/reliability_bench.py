"""Reliability bench (issue #18): hostile inputs, chat under load, and a soak — loopback (127.0.0.1) only.

    python bench/reliability_bench.py hostile            # 500-page blank PDF, 50,000-paragraph DOCX,
                                                         # 2 GB lying zip bomb, 100,000-char query
    python bench/reliability_bench.py chat               # ask p95 alone vs. with 5 reviews + 1 import running
    python bench/reliability_bench.py soak --seconds 300 # 20 clients, reviews/imports/chat mixed
    python bench/reliability_bench.py all --json

`hostile` runs the real CLI in child processes (wall time, peak RSS from /proc VmHWM) against a small KB
and checks the KB is unchanged. `chat` and `soak` start `python app.py` on a free loopback port with
their own data dir (fake embeddings unless --real: they measure the server, not the model) and
sample the server's RSS every 2 s. Errors are responses other than 2xx, and other than 409
「知识库正在更新」 for imports that collide (a correct refusal). The soak prints p50/p95 per operation,
errors, RSS at the end of the warm-up (first 20 %) and at the end, the least-squares RSS slope over
the steady state, and PASS/FAIL against its tolerances (0 errors; slope <= 2 MB/min, `--max-slope`).
Exit code 1 when any check fails.
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

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
TENDER = ROOT / "tests" / "data" / "tenders_dev" / "A_works_violating.docx"
QUESTIONS = ["投标保证金最多能收多少？", "发出招标文件后最快几天可以开标？", "中标候选人公示期是几天？",
             "评标委员会由几人组成？", "政府采购质疑的期限是多久？"]
QUERIES = ["投标保证金不得超过多少", "不合理条件限制排斥潜在投标人", "联合体投标的规定", "串通投标的情形"]
#: seconds between RSS samples of the server
SAMPLE_S = 2.0
REGULATION = "# 压测临时办法{n}\n\n第一条 为了压测，制定本办法。\n\n第二条 投标保证金不得超过估算价的百分之二。\n"


def pctl(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


# --------------------------------------------------------------------------- hostile inputs


def hostile(bomb_mb: int) -> dict[str, Any]:
    from hostile_files import blank_pdf, giant_docx, lying_zip_bomb  # type: ignore[import-not-found]
    from test_robust_limits import run_cli  # type: ignore[import-not-found]

    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    data = work / "data"
    reg = work / "办法.md"
    reg.write_text(REGULATION.format(n=0), encoding="utf-8")
    assert run_cli(["kb", "add", str(reg)], data).code == 0
    current = (data / "index" / "CURRENT").read_text()
    files = {
        "500-page blank PDF": blank_pdf(work / "blank500.pdf", 500),
        "50,000-paragraph DOCX": giant_docx(work / "giant50k.docx", 50_000),
        f"lying zip bomb ({bomb_mb} MB declared 10 KB)": lying_zip_bomb(work / "bomb.docx", inflated_mb=bomb_mb),
    }
    queries = work / "q.txt"
    queries.write_text("投标保证金" * 20_000 + "\n", encoding="utf-8")
    rows: list[dict[str, Any]] = []
    for label, path in files.items():
        for command in ("review", "kb add"):
            run = run_cli([*command.split(), str(path)], data)
            msg = next((ln for ln in run.stderr.splitlines() if "错误：" in ln), "")
            rows.append({"case": f"{command} {label}", "exit": run.code, "seconds": round(run.seconds, 2),
                         "peak_rss_mb": round(run.peak_mb), "message": msg[msg.find("错误："):][:160]})
    run = run_cli(["search", "--queries", str(queries)], data)
    msg = next((ln for ln in run.stderr.splitlines() if "错误：" in ln), "")
    rows.append({"case": "search 100,000-char query", "exit": run.code, "seconds": round(run.seconds, 2),
                 "peak_rss_mb": round(run.peak_mb), "message": msg[msg.find("错误："):][:160]})
    unchanged = (data / "index" / "CURRENT").read_text() == current
    ok = unchanged and all(r["exit"] == 1 and r["seconds"] <= 10 and r["peak_rss_mb"] <= 600 for r in rows)
    for r in rows:
        print(f"  {r['case']:<58} exit {r['exit']}  {r['seconds']:>6.2f} s  {r['peak_rss_mb']:>4} MB  {r['message']}")
    print(f"  KB unchanged: {unchanged}; all within 10 s and 600 MB: {ok}")
    return {"cases": rows, "kb_unchanged": unchanged, "ok": ok}


# --------------------------------------------------------------------------- server helpers


class Server:
    def __init__(self, real: bool) -> None:
        self.data = Path(tempfile.mkdtemp(prefix="reliab-")) / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ASSISTANT_DATA_DIR": str(self.data), "HF_HUB_OFFLINE": "1",
               "ASSISTANT_INCLUDE_CHINA_LAW": "false", "ASSISTANT_LIMITS__JOBS_PER_CLIENT": "100"}
        if not real:
            env["ASSISTANT_EMBEDDING__BACKEND"] = "fake"
        self.proc = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(self.port)],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            raise SystemExit("server did not start")
        self.rss: list[tuple[float, float]] = []  # (epoch seconds, MB)
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def _sample(self) -> None:
        while not self._stop.is_set():
            rss = self.rss_mb()
            if rss is not None:
                self.rss.append((time.time(), rss))
            self._stop.wait(SAMPLE_S)

    def stop(self) -> float:
        self._stop.set()
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return time.perf_counter() - started


def call(client: httpx.Client, kind: str, n: int) -> tuple[str, int, float]:
    started = time.perf_counter()
    if kind == "search":
        r = client.post("/api/v1/search", json={"query": random.choice(QUERIES)})
    elif kind == "ask":
        r = client.post("/api/v1/ask", json={"question": random.choice(QUESTIONS)})
    elif kind == "review":
        r = client.post("/api/v1/review", files={"file": (TENDER.name, TENDER.read_bytes())})
    else:  # import then delete a small regulation
        r = client.post("/api/v1/documents", files={"file": (f"压测办法{n}.md", REGULATION.format(n=n).encode())})
        if r.status_code == 201:
            doc_id = r.json()[0]["doc_id"]
            r2 = client.delete(f"/api/v1/documents/{doc_id}")
            while r2.status_code == 409:
                time.sleep(0.5)
                r2 = client.delete(f"/api/v1/documents/{doc_id}")
            r = r2 if r2.status_code != 200 else r
    return kind, r.status_code, time.perf_counter() - started


def _ok(kind: str, status: int) -> bool:
    return 200 <= status < 300 or (kind == "import" and status == 409)


# --------------------------------------------------------------------------- chat under load


def chat(real: bool, asks: int) -> dict[str, Any]:
    server = Server(real)
    try:
        with httpx.Client(base_url=server.base, timeout=300) as c:
            call(c, "ask", 0)  # warm
            alone = [call(c, "ask", i)[2] for i in range(asks)]
            stop = threading.Event()
            background: list[tuple[str, int, float]] = []

            def loop(kind: str) -> None:
                with httpx.Client(base_url=server.base, timeout=600) as bc:
                    n = 0
                    while not stop.is_set():
                        n += 1
                        background.append(call(bc, kind, n))

            threads = [threading.Thread(target=loop, args=("review",)) for _ in range(5)]
            threads.append(threading.Thread(target=loop, args=("import",)))
            for t in threads:
                t.start()
            time.sleep(2)
            loaded = [call(c, "ask", i)[2] for i in range(asks)]
            stop.set()
            for t in threads:
                t.join(timeout=600)
    finally:
        server.stop()
    bad = [b for b in background if not _ok(b[0], b[1])]
    out = {"ask_p95_alone_s": round(pctl(alone, 0.95), 3), "ask_p95_loaded_s": round(pctl(loaded, 0.95), 3),
           "ratio": round(pctl(loaded, 0.95) / pctl(alone, 0.95), 2), "background_requests": len(background),
           "background_errors": len(bad)}
    print(f"  ask p95 alone {out['ask_p95_alone_s']} s, with 5 reviews + 1 import running {out['ask_p95_loaded_s']} s "
          f"(x{out['ratio']}); background requests {len(background)}, errors {len(bad)}")
    return out


# --------------------------------------------------------------------------- soak


def slope_per_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per minute."""
    if len(points) < 3:
        return float("nan")
    ts = [t for t, _ in points]
    ms = [m for _, m in points]
    mt, mm = statistics.mean(ts), statistics.mean(ms)
    var = sum((t - mt) ** 2 for t in ts)
    return 60 * sum((t - mt) * (m - mm) for t, m in zip(ts, ms, strict=True)) / var if var else float("nan")


def memory_verdict(points: list[tuple[float, float]], seconds: float, warmup: float, max_slope: float) -> dict[str, Any]:
    """RSS figures of a soak: warm-up is the first `warmup` fraction of the load, the rest the steady state.

    Flat means: the least-squares slope of RSS over the steady state is at most `max_slope` MB/min.
    Single samples swing by +-50 MB with the reviews in flight, so the slope (over ~120 samples)
    is the measure, not the first and last sample.
    """
    warm_end = warmup * seconds
    steady = [(t, m) for t, m in points if warm_end <= t <= seconds]
    window = 10.0  # seconds averaged for the "at warm-up end" and "at the end" figures

    def mean_between(a: float, b: float) -> float:
        vals = [m for t, m in points if a <= t <= b]
        return round(statistics.mean(vals)) if vals else float("nan")

    fifth = seconds / 5
    slope = slope_per_min(steady)
    steady_min = (seconds - warm_end) / 60
    return {
        "rss_warmup_end_mb": mean_between(warm_end - window, warm_end),
        "rss_end_mb": mean_between(seconds - window, seconds),
        "rss_first_fifth_mb": mean_between(0, fifth), "rss_last_fifth_mb": mean_between(seconds - fifth, seconds),
        "rss_peak_mb": round(max((m for _, m in points), default=float("nan"))),
        "steady_slope_mb_per_min": round(slope, 2),
        "steady_growth_mb": round(slope * steady_min, 1),
        "max_slope_mb_per_min": max_slope, "warmup_s": round(warm_end),
        "flat": bool(slope <= max_slope),
    }


def soak(real: bool, seconds: float, clients: int, warmup: float = 0.2, max_slope: float = 2.0) -> dict[str, Any]:
    server = Server(real)
    results: list[tuple[str, int, float]] = []
    error_log: list[str] = []
    lock = threading.Lock()
    start = time.time()
    deadline = start + seconds
    mix = ["search"] * 45 + ["ask"] * 30 + ["review"] * 20 + ["import"] * 5

    def client(i: int) -> None:
        rnd = random.Random(i)
        n = 0
        with httpx.Client(base_url=server.base, timeout=600) as c:
            while time.time() < deadline:
                n += 1
                try:
                    res = call(c, rnd.choice(mix), i * 100_000 + n)
                except httpx.HTTPError as exc:
                    res = ("transport:" + type(exc).__name__, 0, 0.0)
                    with lock:
                        error_log.append(f"t={time.time() - start:.0f}s client {i}: {exc!r}")
                with lock:
                    results.append(res)
                    if not _ok(res[0], res[1]):
                        error_log.append(f"t={time.time() - start:.0f}s {res[0]} -> HTTP {res[1]}")

    try:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(3 * SAMPLE_S)
        idle_rss = server.rss_mb()
    finally:
        shutdown_s = server.stop()
    errors = [r for r in results if not _ok(r[0], r[1])]
    by_kind: dict[str, list[float]] = {}
    for kind, _status, secs in results:
        by_kind.setdefault(kind, []).append(secs)
    points = [(t - start, m) for t, m in server.rss if t >= start]
    mem = memory_verdict(points, seconds, warmup, max_slope)
    out = {"seconds": seconds, "clients": clients, "requests": len(results), "errors": len(errors),
           "error_samples": error_log[:10], "p95_s": {k: round(pctl(v, 0.95), 3) for k, v in by_kind.items()},
           "p50_s": {k: round(pctl(v, 0.5), 3) for k, v in by_kind.items()},
           "counts": {k: len(v) for k, v in by_kind.items()}, **mem,
           "rss_idle_after_mb": round(idle_rss) if idle_rss is not None else None,
           "rss_series": [(round(t), round(m)) for t, m in points[::5]],
           "shutdown_s": round(shutdown_s, 2)}
    out["pass"] = out["errors"] == 0 and mem["flat"]
    print(f"  {clients} clients x {seconds:.0f} s: {len(results)} requests, {len(errors)} errors")
    for kind, vals in sorted(by_kind.items()):
        print(f"    {kind:<8} n={len(vals):>5}  p50 {pctl(vals, 0.5):6.2f} s  p95 {pctl(vals, 0.95):6.2f} s")
    for line in error_log[:10]:
        print(f"    error: {line}")
    print(f"  RSS at warm-up end (t={mem['warmup_s']} s) {mem['rss_warmup_end_mb']} MB, at the end {mem['rss_end_mb']} MB, "
          f"peak {mem['rss_peak_mb']} MB; first fifth {mem['rss_first_fifth_mb']} MB, last fifth {mem['rss_last_fifth_mb']} MB; "
          f"idle after the load {out['rss_idle_after_mb']} MB")
    print(f"  steady-state slope {mem['steady_slope_mb_per_min']:+.2f} MB/min "
          f"({mem['steady_growth_mb']:+.1f} MB over {seconds - mem['warmup_s']:.0f} s); SIGTERM -> exit in {out['shutdown_s']} s")
    print(f"  {'PASS' if out['pass'] else 'FAIL'}: errors {len(errors)} (tolerance 0), steady-state RSS slope "
          f"{mem['steady_slope_mb_per_min']:+.2f} MB/min (tolerance <= {max_slope} MB/min)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["hostile", "chat", "soak", "all"])
    ap.add_argument("--bomb-mb", type=int, default=2048)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--asks", type=int, default=20)
    ap.add_argument("--warmup", type=float, default=0.2, help="soak: fraction of the run counted as warm-up")
    ap.add_argument("--max-slope", type=float, default=2.0, help="soak: largest steady-state RSS slope (MB/min) still flat")
    ap.add_argument("--real", action="store_true", help="real e5 embeddings instead of the fake backend")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out: dict[str, Any] = {}
    ok = True
    if args.what in ("hostile", "all"):
        print("hostile inputs:")
        out["hostile"] = hostile(args.bomb_mb)
        ok &= out["hostile"]["ok"]
    if args.what in ("chat", "all"):
        print("chat under load:")
        out["chat"] = chat(args.real, args.asks)
        ok &= out["chat"]["background_errors"] == 0
    if args.what in ("soak", "all"):
        print("soak:")
        out["soak"] = soak(args.real, args.seconds, args.clients, args.warmup, args.max_slope)
        ok &= out["soak"]["pass"]
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
