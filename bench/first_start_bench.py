"""First start on a fresh install: the shipped vector cache instead of embedding the defaults.

Two measurements in empty data dirs (real e5 model, embedded Chroma, the default manifest):
  1. `tender-assistant kb build` until done           target <= 20 s
  2. `python app.py` (README command 1 after install) until /api/v1/health answers with the
     knowledge base built                              target <= 60 s
Each prints wall seconds, how many passages came from the cache and how many were embedded,
and the load average (the machine is shared: compare runs made at the same time).

    python bench/first_start_bench.py [--skip-app] [--timeout 600]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup_bench import _free_port  # type: ignore[import-not-found]  # noqa: E402


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    return env


def kb_build(data_dir: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "assistant", "kb", "build", "--json"], cwd=ROOT, env=_env(data_dir),
                         check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, json.loads(out)


def app_first_start(data_dir: Path, timeout: float) -> tuple[float, dict]:
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                err = proc.stderr.read() if proc.stderr else ""
                raise SystemExit(f"app.py exited with {proc.returncode}:\n{err[-2000:]}")
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1.0)
                if resp.status_code == 200 and (resp.json().get("index") or {}).get("documents"):
                    page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10.0)
                    if page.status_code == 200:
                        return time.perf_counter() - started, resp.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"no usable page within {timeout:.0f} s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-app", action="store_true", help="only measure kb build")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="first-start-"))
    try:
        seconds, summary = kb_build(tmp / "build")
        print(f"kb build (fresh data dir): {seconds:.1f} s — {summary['documents']} documents, {summary['chunks']} chunks, "
              f"{summary.get('from_cache', 0)} vectors from the shipped cache, {summary['embedded']} embedded; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              f"(target <= 20 s: {'OK' if seconds <= 20 else 'OVER'})")
        if not args.skip_app:
            seconds, health = app_first_start(tmp / "app", args.timeout)
            index = health.get("index", {})
            print(f"python app.py to a usable page (fresh data dir): {seconds:.1f} s — {index.get('documents')} documents, "
                  f"{index.get('chunks')} chunks; load average {os.getloadavg()[0]:.1f} "
                  f"(target <= 60 s: {'OK' if seconds <= 60 else 'OVER'})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
