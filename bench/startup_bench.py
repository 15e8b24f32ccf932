"""Start-up time of `python app.py` with an existing index, until /api/v1/health answers.

Target (issue 6): ≤ 10 s on the project machine (2 CPU cores). The index must already exist;
by default the one in ./data (build it first with `tender-assistant kb build` or one run of
`python app.py`). Prints one line per run and the median.

    python bench/startup_bench.py [--data-dir data] [--runs 3] [--port 7899]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float | None:
    """User+system CPU time of the process so far (Linux /proc): a load-independent measure."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def one_run(data_dir: Path, port: int, timeout: float) -> tuple[float, dict]:
    env = dict(os.environ, ASSISTANT_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"app.py exited with {proc.returncode}:\n{proc.stderr.read()[-2000:] if proc.stderr else ''}")
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1.0)
                if resp.status_code == 200:
                    body = resp.json()
                    body["_cpu_seconds"] = _cpu_seconds(proc.pid)
                    return time.perf_counter() - started, body
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"no answer from /api/v1/health within {timeout:.0f} s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="0 = a free port")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    if not (args.data_dir / "index" / "CURRENT").exists():
        print(f"no index under {args.data_dir}: build it first (tender-assistant kb build --data-dir {args.data_dir})",
              file=sys.stderr)
        return 1
    times = []
    for i in range(args.runs):
        seconds, health = one_run(args.data_dir, args.port or _free_port(), args.timeout)
        times.append(seconds)
        index = health.get("index", {})
        print(f"run {i + 1}: {seconds:.2f} s until /api/v1/health = {health['status']} "
              f"({index.get('documents')} documents, {index.get('chunks')} chunks, "
              f"embedding {health['backends']['embedding_backend']}); CPU time used {health['_cpu_seconds']:.2f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    median = statistics.median(times)
    print(f"startup_seconds_median={median:.2f} (target <= 10 s: {'OK' if median <= 10 else 'OVER'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
