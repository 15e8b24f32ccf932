"""Memory stays flat in a long-running server (issue 18's soak): old generations are released, the
malloc arena cap and the heap trimmer work, and concurrent first searches do not race on a cache file.

The soak itself (20 clients, 5 minutes) is `python bench/reliability_bench.py soak --seconds 300`.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import memory
from assistant.config import PROJECT_ROOT
from assistant.embeddings import FakeEmbeddings

GLIBC = memory._glibc() is not None
REGULATION = "# 内存测试办法{n}\n\n第一条 为了测试，制定本办法。\n\n第二条 投标保证金不得超过估算价的百分之二。\n"


def _chroma_systems_under(root: Path) -> set[str]:
    from chromadb.api.shared_system_client import SharedSystemClient

    return {k for k in SharedSystemClient._identifier_to_system if k.startswith(str(root))}


def test_generation_switches_release_pruned_chroma_systems(tmp_path: Path) -> None:
    """Every import/delete writes a new generation; the pruned ones' Chroma systems (their in-memory
    segments) must be released at once, so a server holds at most the retained generations."""
    from assistant.kb import KnowledgeBase
    from assistant.kb.store import KEEP_GENERATIONS

    kb_dir = tmp_path / "kb"  # no default documents: only what the test adds
    kb_dir.mkdir()
    kb = KnowledgeBase(tmp_path / "data", FakeEmbeddings(), kb_dir=kb_dir, include_china_law=False)
    index = (tmp_path / "data" / "index").resolve()
    for n in range(4):
        src = tmp_path / f"办法{n}.md"
        src.write_text(REGULATION.format(n=n), encoding="utf-8")
        added = kb.add([src])
        kb.remove(added[0].doc_id)
        on_disk = {str(p.resolve()) for p in index.glob("gen-*/chroma")}
        cached = {str(Path(k).resolve()) for k in _chroma_systems_under(tmp_path)}
        assert cached <= on_disk, f"systems of pruned generations still cached: {sorted(cached - on_disk)}"
        assert len(on_disk) <= KEEP_GENERATIONS
    assert kb.stats()["documents"] == 0


def test_concurrent_first_searches_embed_the_notes_once(tmp_path: Path) -> None:
    """The first requests of a fresh server all need the note vectors: one thread embeds and writes
    the cache file (atomically), the others wait; nobody reads a half-written file (the soak once
    failed a search with EOFError there)."""
    from assistant.article_notes import Note, NoteIndex

    class SlowEmbeddings(FakeEmbeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            time.sleep(0.2)
            return super().embed_documents(texts)

        def embed_queries(self, texts):  # type: ignore[no-untyped-def]
            time.sleep(0.2)
            return super().embed_queries(texts)

    notes = [Note("测试法", f"第{i}条", i, f"主题{i}", (f"问题{i}是什么",), ()) for i in range(1, 30)]
    emb = SlowEmbeddings()
    cache = tmp_path / "cache"
    index = NoteIndex(notes, emb, cache_dir=cache, signature="fake")
    errors: list[BaseException] = []
    results: list[np.ndarray] = []

    def first_search() -> None:
        try:
            results.append(index.matrix())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_search) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert emb.embedded_queries + emb.embedded_documents == sum(len(n.keys) for n in notes)  # once, not 8 times
    assert all(r is results[0] for r in results)
    assert [p.name for p in cache.iterdir()] == [index.file_name()]  # no temporary file left
    # a second process (here: a new index) loads the complete file
    again = NoteIndex(notes, FakeEmbeddings(), cache_dir=cache, signature="fake")
    assert again.load_file(cache / index.file_name()) is not None


ARENA_PROBE = textwrap.dedent("""
    import ctypes, os, sys, tempfile, threading
    from assistant import memory
    if sys.argv[1] == "cap":
        assert memory.cap_malloc_arenas()
    go = threading.Event()
    def work():
        keep = [bytearray(1000) for _ in range(5000)]
        go.wait()
    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads:
        t.start()
    C = ctypes.CDLL(None)
    C.fdopen.restype = ctypes.c_void_p
    C.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
    with tempfile.TemporaryFile() as fh:
        fp = C.fdopen(os.dup(fh.fileno()), b"w")
        memory._glibc().malloc_info(0, ctypes.c_void_p(fp))
        C.fclose(ctypes.c_void_p(fp))
        fh.seek(0)
        print(fh.read().count(b"<heap nr="))
    go.set()
""")


@pytest.mark.skipif(not GLIBC, reason="malloc arenas are glibc's")
def test_cap_malloc_arenas_limits_the_heaps_of_worker_threads() -> None:
    def heaps(mode: str) -> int:
        env = {"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", ARENA_PROBE, mode], capture_output=True, text=True,
                             env=env, timeout=60, check=True)
        return int(out.stdout.strip())

    assert heaps("cap") <= memory.ARENA_MAX
    assert heaps("none") > memory.ARENA_MAX  # the probe can tell (2 CPUs already allow 16 arenas)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_heap_trimmer_returns_free_heap_memory() -> None:
    """Memory a burst freed stays inside malloc's heaps (and in RSS) until trimmed: what grew in the soak."""
    survivors: list[bytearray] = []

    def burst() -> None:
        blocks = [bytearray(2000) for _ in range(60_000)]  # ~120 MB of small blocks in a worker's heap
        survivors.extend(blocks[::25])  # a few live blocks everywhere: the heap cannot simply shrink
        blocks.clear()

    t = threading.Thread(target=burst)
    t.start()
    t.join()
    before = _rss_mb()
    trimmer = memory.HeapTrimmer(interval_s=3600, min_free=1 << 20)
    assert trimmer.check()
    assert before - _rss_mb() > 50, (before, _rss_mb())
    assert len(survivors) == 2400
