"""Nothing lost: the index survives bad files, killed builds, failed writes and concurrent readers.

Real processes (`python -m assistant ...`) and real embedded Chroma with the `fake` embedding
backend (fast and deterministic); the fault-injection test runs in-process in the default tier.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import StorageFullError

ENV = {
    "ASSISTANT_EMBEDDING__BACKEND": "fake",
    "ASSISTANT_INCLUDE_CHINA_LAW": "false",
    "ASSISTANT_LLM__BACKEND": "none",
}
QUERY = "投标保证金不得超过采购项目预算金额"


def _settings(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, include_china_law=False,  # type: ignore[call-arg]
                    embedding={"backend": "fake"}, llm={"backend": "none"})


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ENV)
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return env


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env=_env(), cwd=PROJECT_ROOT, timeout=timeout)


class _Hits(list):  # type: ignore[type-arg]
    """Search hits (chunk id, score): ids equal in order, scores equal within the retriever's 4-decimal rounding.

    Two loads of one index may differ in the last float bits, which can flip a score rounded to four
    decimals (0.59395 -> 0.5939 or 0.594); anything larger is a real change.
    """

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list) or len(other) != len(self):
            return False
        return all(a[0] == b[0] and abs(a[1] - b[1]) <= 1.5e-4 for a, b in zip(self, other, strict=True))

    def __ne__(self, other: object) -> bool:
        return not self == other


def snapshot(data_dir: Path, query: str = QUERY) -> dict[str, Any]:
    from assistant.services import Services

    services = Services(_settings(data_dir))
    return {
        "current": (data_dir / "index" / "CURRENT").read_text(encoding="utf-8"),
        "documents": sorted((m.doc_id, m.content_hash, m.status) for m in services.kb.list_documents()),
        "search": _Hits((h.chunk_id, round(h.score, 6)) for h in services.retriever.search(query, k=5)),
    }


def regulation_folder(root: Path, n_files: int, articles: int = 40, tag: str = "") -> Path:
    """`n_files` made-up regulations with `articles` articles each (a realistic bulk import)."""
    from assistant.text_zh import article_label

    root.mkdir(parents=True, exist_ok=True)
    for i in range(n_files):
        lines = [f"# 示范采购管理办法{tag}第{i}号", ""]
        for a in range(1, articles + 1):
            lines.append(f"{article_label(a)} 采购人应当在第{i}号办法规定的期限内完成第{a}项工作，"
                         f"投标保证金不得超过采购项目预算金额的百分之二，编号{tag}{i}-{a}。")
        (root / f"办法{tag}{i:03d}.md").write_text("\n".join(lines), encoding="utf-8")
    return root


@pytest.fixture
def built(tmp_path: Path) -> Path:
    from assistant.services import Services

    data_dir = tmp_path / "data"
    Services(_settings(data_dir)).kb.build(sources=[PROJECT_ROOT / "tests" / "data" / "ingest" / "sample_regulation.pdf"])
    return data_dir


# --------------------------------------------------------------------------- default tier: injected faults


@pytest.mark.parametrize("where", ["embed", "bm25_save", "catalog", "flip"])
def test_failed_write_keeps_previous_generation(where: str, built: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure at each step of the write path: CURRENT unchanged, answers identical, no debris."""
    from assistant.index import bm25_store, chroma_store
    from assistant.kb import builder as kb_module
    from assistant.services import Services

    before = snapshot(built)
    gens_before = sorted(p.name for p in (built / "index").glob("gen-*"))

    def boom(*a: Any, **k: Any) -> Any:
        raise OSError(28, "No space left on device (injected)")

    if where == "embed":
        monkeypatch.setattr(chroma_store.ChromaIndex, "upsert", boom)
    elif where == "bm25_save":
        monkeypatch.setattr(bm25_store.BM25Index, "save", boom)
    elif where == "catalog":
        monkeypatch.setattr(kb_module, "write_json", boom)
    else:
        real_replace = os.replace

        def replace(src: Any, dst: Any) -> None:
            if str(dst).endswith("CURRENT"):
                boom()
            real_replace(src, dst)

        monkeypatch.setattr(kb_module.os, "replace", replace)
    services = Services(_settings(built))
    folder = regulation_folder(tmp_path / "src", 3, 10)
    # a full disk (ENOSPC) is the environment's failure: StorageFullError (CLI exit 5, REST 507), caused by the OSError
    with pytest.raises(StorageFullError) as failed:
        services.kb.add([folder])
    assert isinstance(failed.value.__cause__, OSError) and failed.value.__cause__.errno == 28
    monkeypatch.undo()
    assert snapshot(built) == before
    assert sorted(p.name for p in (built / "index").glob("gen-*")) == gens_before, "partial generation left behind"
    # and the next write works
    added = Services(_settings(built)).kb.add([folder])
    assert len(added) == 3


# --------------------------------------------------------------------------- real processes


@pytest.mark.integration
def test_cli_add_bad_file_in_a_real_process_changes_nothing(built: Path, tmp_path: Path) -> None:
    before = snapshot(built)
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"PK\x03\x04" + os.urandom(3000))
    good_and_bad = [str(bad), str(regulation_folder(tmp_path / "ok", 2, 5))]
    for args in (["kb", "add", str(bad)], ["kb", "add", *good_and_bad]):
        proc = _cli(*args, "--data-dir", str(built))
        assert proc.returncode == 1, proc.stderr
        assert "坏文件.docx" in proc.stderr and "Traceback" not in proc.stderr
        assert snapshot(built) == before  # all or nothing: the good files are not half-added


@pytest.mark.integration
def test_build_killed_midway_leaves_previous_index_working(built: Path, tmp_path: Path) -> None:
    before = snapshot(built)
    folder = regulation_folder(tmp_path / "bulk", 80, 40, tag="K")  # 3,200 articles
    index = built / "index"
    existing = {p.name for p in index.glob("gen-*")}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "kb", "build", "--source", str(folder),
                             "--data-dir", str(built)], env=_env(), cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    killed_while_writing = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            new = {p.name for p in index.glob("gen-*")} - existing
            if new:  # it has started writing the new generation: kill it now
                time.sleep(0.3)
                proc.send_signal(signal.SIGKILL)
                killed_while_writing = True
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None and not killed_while_writing:
            proc.kill()
        proc.wait(timeout=30)
        assert proc.stderr is not None
        proc.stderr.close()
    assert killed_while_writing and proc.returncode == -signal.SIGKILL, "the build finished before the kill"
    assert snapshot(built) == before, "a killed build changed what readers see"
    # a new build after the crash succeeds, and then serves the new documents
    done = _cli("kb", "build", "--source", str(folder), "--json", "--data-dir", str(built), timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == 80 and not summary["failed"]
    after = snapshot(built, "编号K7-3")
    assert after["current"] != before["current"]
    from assistant.services import Services

    services = Services(_settings(built))
    new_docs = [m for m in services.kb.list_documents() if Path(m.source).parent == folder.resolve()]
    assert len(new_docs) == 80 and all(m.chunk_count >= 40 for m in new_docs)
    assert services.retriever.search(QUERY, k=5)
    leftovers = sorted(p.name for p in index.glob("gen-*"))
    assert len(leftovers) <= 3, f"debris of the killed build is never cleaned up: {leftovers}"


READER = r"""
import json, sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.services import Services
data_dir, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
services = Services(Settings(_env_file=None, data_dir=data_dir, include_china_law=False,
                             embedding={"backend": "fake"}, llm={"backend": "none"}))
ok = errors = empty = 0
gens, samples = set(), []
while not stop.exists():
    try:
        hits = services.retriever.search("投标保证金不得超过采购项目预算金额", k=3)
        answer = services.qa.ask("投标保证金不得超过采购项目预算金额的多少？")
        docs = services.kb.list_documents()
        gen = services.kb.generation()
        gens.add(gen.name if gen else None)
        if hits and docs:
            ok += 1
        else:
            empty += 1
    except Exception as exc:
        errors += 1
        samples.append(f"{type(exc).__name__}: {exc}"[:300])
    time.sleep(0.05)
out.write_text(json.dumps({"ok": ok, "errors": errors, "empty": empty, "generations": sorted(g or "" for g in gens),
                           "samples": samples[:5]}))
"""


@pytest.mark.integration
def test_concurrent_readers_during_rebuilds(built: Path, tmp_path: Path) -> None:
    """Three reader processes search/ask/list in a loop while a writer process adds, rebuilds and
    removes documents (more generations than are kept): zero errors, zero empty answers."""
    stop = tmp_path / "stop"
    readers = []
    for i in range(3):
        out = tmp_path / f"reader{i}.json"
        readers.append((subprocess.Popen([sys.executable, "-c", READER, str(built), str(stop), str(out)], env=_env(),
                                         cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), out))
    try:
        time.sleep(8)  # readers are up and answering from the first generation
        steps = [
            ("kb", "add", str(regulation_folder(tmp_path / "a", 10, 20, tag="A"))),
            ("kb", "build", "--rebuild"),
            ("kb", "add", str(regulation_folder(tmp_path / "b", 10, 20, tag="B"))),
            ("kb", "build", "--rebuild"),
        ]
        for step in steps:
            proc = _cli(*step, "--json", "--data-dir", str(built), timeout=600)
            assert proc.returncode == 0, proc.stderr
            time.sleep(2.5)  # readers notice CURRENT changed (checked every second) and use it
    finally:
        stop.write_text("stop")
        results = []
        for proc, out in readers:
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            results.append((json.loads(out.read_text()) if out.exists() else None, err[-2000:]))
    print("readers:", [r for r, _ in results])  # visible with -s / -rA: the load held
    for res, err in results:
        assert res is not None, err
        assert res["errors"] == 0, res["samples"]
        assert res["empty"] == 0
        assert res["ok"] > 10
        assert len(res["generations"]) >= 3, res  # the reader followed the writer's new generations


def test_a_command_waits_for_another_process_building_the_first_index(capsys, monkeypatch) -> None:
    """QA report 2: `ask` run while the web app built the first index failed with 「正在被另一个任务更新」."""
    from assistant import progress
    from assistant.errors import BusyError

    class Building:
        checks = 0

        def is_built(self) -> bool:
            self.checks += 1
            return self.checks > 3

        def ensure_built(self, progress=None):  # type: ignore[no-untyped-def]
            raise BusyError("知识库正在被另一个任务更新", "busy")

        def stats(self) -> dict:
            return {"documents": 27, "chunks": 1992}

    monkeypatch.setattr(progress.time, "sleep", lambda s: None)
    progress.ensure_index(type("S", (), {"kb": Building()})(), quiet=True)
    assert "等待其完成" in capsys.readouterr().err

    class Never(Building):
        def is_built(self) -> bool:
            return False

    with pytest.raises(BusyError, match="等待另一个进程建立知识库超过"):
        progress._wait_for_build(Never(), timeout=0.0)
