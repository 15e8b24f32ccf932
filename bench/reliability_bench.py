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
errors, RSS under load (at warm-up end, at the end, slope) and idle RSS (the load pauses after the
warm-up, the first 20 %, and at the end), and PASS/FAIL: 0 errors, idle RSS at the end within +5 %
of idle RSS after the warm-up (`--max-growth`).
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


def _mean(points: list[tuple[float, float]], a: float, b: float) -> float:
    vals = [m for t, m in points if a <= t <= b]
    return round(statistics.mean(vals)) if vals else float("nan")


def _print_soak(out: dict[str, Any], by_kind: dict[str, list[float]], warm_s: float, settle_s: float) -> None:
    print(f"  {out['clients']} clients x {out['seconds']:.0f} s (warm-up {warm_s:.0f} s): {out['requests']} requests, "
          f"{out['errors']} errors")
    for kind, vals in sorted(by_kind.items()):
        print(f"    {kind:<8} n={len(vals):>5}  p50 {pctl(vals, 0.5):6.2f} s  p95 {pctl(vals, 0.95):6.2f} s")
    for line in out["error_samples"]:
        print(f"    error: {line}")
    limit = out["rss_idle_after_warmup_mb"] * (1 + out["max_growth"])
    print(f"  RSS under load: at warm-up end {out['rss_under_load_warmup_end_mb']} MB, at the end "
          f"{out['rss_under_load_end_mb']} MB; steady state first fifth {out['rss_steady_first_fifth_mb']} MB, "
          f"last fifth {out['rss_steady_last_fifth_mb']} MB, slope {out['steady_slope_mb_per_min']:+.2f} MB/min; "
          f"peak {out['rss_peak_mb']} MB")
    print(f"  RSS idle ({settle_s:.0f} s after the load paused): after the warm-up {out['rss_idle_after_warmup_mb']} MB, "
          f"at the end {out['rss_idle_at_end_mb']} MB ({out['retained_growth_mb']:+.1f} MB); "
          f"SIGTERM -> exit in {out['shutdown_s']} s")
    print(f"  {'PASS' if out['pass'] else 'FAIL'}: errors {out['errors']} (tolerance 0); idle RSS at the end "
          f"{out['rss_idle_at_end_mb']} MB vs. after the warm-up {out['rss_idle_after_warmup_mb']} MB "
          f"(tolerance +{out['max_growth']:.0%}: <= {limit:.0f} MB)")


class _SoakLoad:
    """The soak's clients: they run until `deadline`, park, and (once) resume after `resume`."""

    MIX = ["search"] * 45 + ["ask"] * 30 + ["review"] * 20 + ["import"] * 5

    def __init__(self, server: Server, clients: int, first_deadline: float) -> None:
        self.server = server
        self.clients = clients
        self.start = time.time()
        self.deadline = first_deadline
        self.results: list[tuple[str, int, float]] = []
        self.error_log: list[str] = []
        self.lock = threading.Lock()
        self.parked = threading.Semaphore(0)
        self.resume = threading.Event()
        self.threads = [threading.Thread(target=self.client, args=(i,)) for i in range(clients)]
        for t in self.threads:
            t.start()

    def client(self, i: int) -> None:
        rnd = random.Random(i)
        n = 0
        paused = False
        with httpx.Client(base_url=self.server.base, timeout=600) as c:
            while True:
                if time.time() >= self.deadline:
                    self.parked.release()
                    if paused:
                        return
                    paused = True
                    self.resume.wait()
                n += 1
                self.record(self.one(c, rnd.choice(self.MIX), i * 100_000 + n, i))

    def one(self, c: httpx.Client, kind: str, n: int, i: int) -> tuple[str, int, float]:
        try:
            return call(c, kind, n)
        except httpx.HTTPError as exc:
            with self.lock:
                self.error_log.append(f"t={time.time() - self.start:.0f}s client {i}: {exc!r}")
            return ("transport:" + type(exc).__name__, 0, 0.0)

    def record(self, res: tuple[str, int, float]) -> None:
        with self.lock:
            self.results.append(res)
            if not _ok(res[0], res[1]) and res[1]:
                self.error_log.append(f"t={time.time() - self.start:.0f}s {res[0]} -> HTTP {res[1]}")

    def idle_rss(self, settle_s: float) -> tuple[float, float]:
        """(when every client was parked, idle RSS): wait for the clients, let the server settle, average 3 readings."""
        for _ in range(self.clients):
            self.parked.acquire()
        parked_at = time.time() - self.start
        time.sleep(settle_s)
        readings = []
        for _ in range(3):
            readings.append(self.server.rss_mb() or float("nan"))
            time.sleep(1)
        return parked_at, statistics.mean(readings)


def soak(real: bool, seconds: float, clients: int, warmup: float = 0.2, max_growth: float = 0.05,
         settle_s: float = 15.0) -> dict[str, Any]:
    """20 clients; after the warm-up (`warmup` of `seconds`) and at the end the load pauses until the
    server is idle and its heap trimmer has run (`settle_s`), and the idle RSS is taken.

    Flat means: idle RSS at the end <= idle RSS after the warm-up x (1 + `max_growth`). RSS under load
    swings by +-50 MB with the reviews in flight (and with the CPU other processes leave), so the
    in-load figures (fifths, slope) are reported but the verdict compares like with like: idle to idle.
    """
    server = Server(real)
    warm_s = warmup * seconds
    try:
        load = _SoakLoad(server, clients, time.time() + warm_s)
        start = load.start
        warm_end, idle_warm = load.idle_rss(settle_s)
        steady_start = time.time() - start
        load.deadline = time.time() + seconds - warm_s
        load.resume.set()
        steady_end, idle_end = load.idle_rss(settle_s)
        for t in load.threads:
            t.join()
    finally:
        shutdown_s = server.stop()
    results = load.results
    errors = [r for r in results if not _ok(r[0], r[1])]
    by_kind: dict[str, list[float]] = {}
    for kind, _status, secs in results:
        by_kind.setdefault(kind, []).append(secs)
    points = [(t - start, m) for t, m in server.rss if t >= start]
    steady = [(t, m) for t, m in points if steady_start <= t <= steady_end]
    fifth = (steady_end - steady_start) / 5
    mem = {
        "rss_idle_after_warmup_mb": round(idle_warm), "rss_idle_at_end_mb": round(idle_end),
        "retained_growth_mb": round(idle_end - idle_warm, 1), "max_growth": max_growth,
        "rss_under_load_warmup_end_mb": _mean(points, warm_end - 10, warm_end),
        "rss_under_load_end_mb": _mean(points, steady_end - 10, steady_end),
        "rss_steady_first_fifth_mb": _mean(steady, steady_start, steady_start + fifth),
        "rss_steady_last_fifth_mb": _mean(steady, steady_end - fifth, steady_end),
        "rss_peak_mb": round(max((m for _, m in points), default=float("nan"))),
        "steady_slope_mb_per_min": round(slope_per_min(steady), 2),
        "flat": bool(idle_end <= idle_warm * (1 + max_growth)),
    }
    out = {"seconds": seconds, "clients": clients, "requests": len(results), "errors": len(errors),
           "error_samples": load.error_log[:10], "p95_s": {k: round(pctl(v, 0.95), 3) for k, v in by_kind.items()},
           "p50_s": {k: round(pctl(v, 0.5), 3) for k, v in by_kind.items()},
           "counts": {k: len(v) for k, v in by_kind.items()}, **mem,
           "rss_series": [(round(t), round(m)) for t, m in points[::5]],
           "shutdown_s": round(shutdown_s, 2)}
    out["pass"] = out["errors"] == 0 and mem["flat"]
    _print_soak(out, by_kind, warm_s, settle_s)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["hostile", "chat", "soak", "all"])
    ap.add_argument("--bomb-mb", type=int, default=2048)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--asks", type=int, default=20)
    ap.add_argument("--warmup", type=float, default=0.2, help="soak: fraction of the run counted as warm-up")
    ap.add_argument("--max-growth", type=float, default=0.05,
                    help="soak: largest idle-RSS growth (fraction) from after the warm-up to the end")
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
        out["soak"] = soak(args.real, args.seconds, args.clients, args.warmup, args.max_growth)
        ok &= out["soak"]["pass"]
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
