"""Read-only serving and housekeeping (issue #18).

- A data directory on a read-only mount (a real `mount -o ro` bind inside `unshare --mount`; root
  ignores chmod, so permissions alone would prove nothing) serves search, ask and review through the
  REST app; writers get a Chinese 503 「只读」 message, never a traceback.
- Retention never deletes the last complete generation before the current one, however many partial
  (killed) generations lie around; `kb gc` removes the partial ones and old review uploads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.housekeeping import disk_usage, plan_generations


def _settings(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, include_china_law=False,  # type: ignore[call-arg]
                    embedding={"backend": "fake"}, llm={"backend": "none"})  # type: ignore[arg-type]


def _make_gen(root: Path, name: str, complete: bool) -> None:
    (root / name).mkdir(parents=True)
    if complete:
        (root / name / "catalog.json").write_text("{}")


def test_partial_generations_never_count_against_retention(tmp_path: Path) -> None:
    root = tmp_path / "index"
    for name, complete in [("gen-0001", True), ("gen-0002", True), ("gen-0003", True),
                           ("gen-0004", False), ("gen-0005", False), ("gen-0006", True)]:
        _make_gen(root, name, complete)
    plan = plan_generations(root, current="gen-0003", keep_previous=1)
    assert plan.keep == ["gen-0003", "gen-0002"]  # the last complete one before the current survives
    assert plan.partial == ["gen-0004", "gen-0005", "gen-0006"]  # killed, or never switched in
    assert plan.old == ["gen-0001"]


SCRIPT = r"""
import json, sys, time
from pathlib import Path
from fastapi.testclient import TestClient
from assistant.api import create_app
from assistant.config import Settings
data = Path(sys.argv[1])
s = Settings(_env_file=None, data_dir=data, include_china_law=False, embedding={"backend": "fake"}, llm={"backend": "none"})
out = {}
t = time.perf_counter()
c = TestClient(create_app(s), raise_server_exceptions=False)
r = c.post("/api/v1/search", json={"query": "测试管理办法 投标保证金", "k": 10})
out["search"] = [r.status_code, [h["title"] for h in r.json()] if r.status_code == 200 else r.text[:300]]
out["first_search_s"] = round(time.perf_counter() - t, 2)
r = c.post("/api/v1/ask", json={"question": "投标保证金最多能收多少？"})
out["ask"] = [r.status_code, r.text[:200]]
r = c.post("/api/v1/review", files={"file": ("招标文件.txt", "第一条 投标保证金为项目估算价的5%，以现金方式缴纳。".encode(), "text/plain")}, data={"force": "true"})
out["review"] = [r.status_code, r.text[:200]]
r = c.post("/api/v1/documents", files={"file": ("新办法.md", "# 新办法\n\n第一条 测试。".encode(), "text/markdown")})
out["add"] = [r.status_code, r.json()]
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def readonly_ok() -> None:
    probe = subprocess.run(check=False, args=["unshare", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot create a mount namespace here: {probe.stderr.decode(errors='replace')[:200]}")


def test_rest_serves_from_a_read_only_data_dir(tmp_path: Path, readonly_ok: None) -> None:
    from assistant.services import Services

    data = tmp_path / "data"
    reg = tmp_path / "办法.md"
    reg.write_text("# 测试管理办法\n\n第一条 投标保证金不得超过招标项目估算价的百分之二。\n", encoding="utf-8")
    Services(_settings(data)).kb.add([reg])
    before = {str(p.relative_to(data)): p.stat().st_mtime_ns for p in data.rglob("*") if "logs" not in p.parts}
    (tmp_path / "probe.py").write_text(SCRIPT, encoding="utf-8")
    cmd = (f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
           f"{sys.executable} {tmp_path / 'probe.py'} {data}")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    run = subprocess.run(check=False, args=["unshare", "--mount", "sh", "-c", cmd], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\nread-only serving: {out} (total {time.perf_counter() - started:.1f} s)")
    assert out["search"][0] == 200 and "测试管理办法" in out["search"][1]
    assert out["ask"][0] == 200
    assert out["review"][0] == 200
    assert out["add"][0] == 503 and "只读" in out["add"][1]["error"]["message"]
    assert "Traceback" not in run.stdout
    after = {str(p.relative_to(data)): p.stat().st_mtime_ns for p in data.rglob("*") if "logs" not in p.parts}
    assert after == before


def test_kb_gc_removes_partial_generations_and_old_uploads(tmp_path: Path) -> None:
    from assistant.services import Services

    data = tmp_path / "data"
    reg = tmp_path / "办法.md"
    reg.write_text("# 测试管理办法\n\n第一条 投标保证金不得超过招标项目估算价的百分之二。\n", encoding="utf-8")
    kb = Services(_settings(data)).kb
    kb.add([reg])
    current = (data / "index" / "CURRENT").read_text().strip()
    partial = data / "index" / "gen-9999"
    (partial / "chroma").mkdir(parents=True)  # a write killed before catalog.json
    old_upload = data / "uploads" / "review" / "20200101-000000-deadbeef"
    old_upload.mkdir(parents=True)
    (old_upload / "招标文件.docx").write_bytes(b"x" * 1000)
    os.utime(old_upload, (time.time() - 30 * 86400,) * 2)
    fresh = data / "uploads" / "review" / "fresh"
    fresh.mkdir()
    used_before = disk_usage(data)["total"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ASSISTANT_DATA_DIR": str(data),
           "ASSISTANT_EMBEDDING__BACKEND": "fake", "ASSISTANT_INCLUDE_CHINA_LAW": "false"}
    run = subprocess.run(check=False, args=[sys.executable, "-m", "assistant", "kb", "gc", "--json"], capture_output=True, text=True,
                         env=env, cwd=PROJECT_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["generations_removed"] == ["gen-9999"] and result["uploads_removed"] == 1
    assert not partial.exists() and not old_upload.exists() and fresh.exists()
    assert (data / "index" / "CURRENT").read_text().strip() == current
    assert disk_usage(data)["total"] < used_before
    shutil.rmtree(fresh)


def test_deleting_a_document_removes_its_upload(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    data = tmp_path / "data"
    client = TestClient(create_app(_settings(data)), raise_server_exceptions=False)
    resp = client.post("/api/v1/documents", files={"file": ("办法.md", "# 测试办法\n\n第一条 测试条文内容。".encode(), "text/markdown")})
    assert resp.status_code == 201, resp.text
    doc = resp.json()[0]
    stored = Path(doc["source"])
    assert stored.exists()
    assert client.delete(f"/api/v1/documents/{doc['doc_id']}").status_code == 200
    assert not stored.exists() and not stored.parent.exists()


def test_an_unwritable_log_dir_is_silent_and_never_claims_a_log_was_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Report 5b D9: the console said twice 「详细信息已写入日志文件」 for a log that could not be written."""
    import logging

    from assistant.logging_setup import setup_logging

    (tmp_path / "logs").write_text("not a folder")  # the log folder cannot be created (root ignores chmod)
    try:
        setup_logging("INFO", tmp_path, quiet=True)
        assert capsys.readouterr().err == ""  # read-only mode is supported: nothing to tell
        logging.getLogger("assistant.test").warning("index %s is odd", tmp_path)
        err = capsys.readouterr().err
        assert "运行中出现一个问题" in err and "日志文件：" not in err and "已写入" not in err, err
    finally:
        setup_logging("INFO", None, quiet=True)


def test_cli_on_a_read_only_data_dir_prints_the_answer_only(tmp_path: Path, readonly_ok: None) -> None:
    """Report 5b D9: `ask` on a read-only mount prints no 「提示：运行中出现一个问题…日志文件」 lines."""
    from assistant.services import Services

    data = tmp_path / "data"
    reg = tmp_path / "办法.md"
    reg.write_text("# 测试管理办法\n\n第一条 投标保证金不得超过招标项目估算价的百分之二。\n", encoding="utf-8")
    Services(_settings(data)).kb.add([reg])
    cmd = (f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
           f"{sys.executable} -m assistant ask 投标保证金最多能收多少 --data-dir {data} $VERBOSE")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1",
           "ASSISTANT_EMBEDDING__BACKEND": "fake", "ASSISTANT_INCLUDE_CHINA_LAW": "false",
           "TMPDIR": str(tmp_path)}  # a fresh read-only copy of the index, as on a first run
    run = subprocess.run(check=False, args=["unshare", "--mount", "sh", "-c", cmd], capture_output=True, text=True,
                         env=env, cwd=PROJECT_ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith(("答：", "未能确定", "根据知识库")), run.stdout[:300]
    assert "运行中出现一个问题" not in run.stderr and "日志文件" not in run.stderr, run.stderr
