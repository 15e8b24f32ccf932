"""One contract suite for every index adapter: embedded Chroma, Chroma server, BM25."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.embeddings import FakeEmbeddings
from assistant.index import ChunkIndex
from assistant.index.bm25_store import BM25Index
from assistant.index.chroma_store import ChromaIndex, http_client, persistent_client
from assistant.schema import Chunk, Location


def _chunk(doc: str, n: int, text: str, doc_type: str = "法律", status: str = "现行有效") -> Chunk:
    return Chunk(
        chunk_id=f"{doc}#{n:04d}", doc_id=doc, title=f"《{doc}》", text=text, article=f"第{n}条", article_no=n,
        location=Location(section="第一章 总则"), doc_type=doc_type, status=status,  # type: ignore[arg-type]
    )


CHUNKS = [
    _chunk("lawA", 1, "投标保证金不得超过招标项目估算价的百分之二。"),
    _chunk("lawA", 2, "自招标文件开始发出之日起至投标截止之日止，最短不得少于二十日。"),
    _chunk("lawA", 3, "中标通知书发出之日起三十日内订立书面合同。"),
    _chunk("lawB", 1, "建筑工程开工前，建设单位应当申请领取施工许可证。", doc_type="行政法规"),
    _chunk("lawB", 2, "禁止承包单位将其承包的全部建筑工程转包给他人。", doc_type="行政法规", status="已废止"),
]


# ------------------------------------------------------------------ chroma server fixture
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def run_chroma_server(path: Path) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    """Our own `chroma run` on a free loopback port storing under `path`: (host, port, process).

    Tests that stop the server mid-use (a service going down) terminate the process themselves.
    """
    exe = shutil.which("chroma") or str(Path(os.sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("the `chroma` console script is not installed")
    port_i = _free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port_i)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http_client("127.0.0.1", port_i)
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start on port {port_i}")
                time.sleep(0.3)
        yield "127.0.0.1", port_i, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """TEST_CHROMA_HOST/PORT when CI started a server, else our own `chroma run` on 127.0.0.1."""
    host, port = os.environ.get("TEST_CHROMA_HOST"), os.environ.get("TEST_CHROMA_PORT")
    if host and port:
        yield host, int(port)
        return
    with run_chroma_server(tmp_path_factory.mktemp("chroma-server")) as (host_s, port_i, _proc):
        yield host_s, port_i


# ------------------------------------------------------------------ adapters under test
@pytest.fixture(
    params=[
        pytest.param("chroma-embedded", marks=pytest.mark.integration),
        pytest.param("chroma-server", marks=pytest.mark.integration),
        "bm25",
    ]
)
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ChunkIndex]:
    kind = request.param
    if kind == "chroma-embedded":
        yield ChromaIndex(persistent_client(tmp_path / "chroma"), "contract", FakeEmbeddings())
    elif kind == "chroma-server":
        host, port = request.getfixturevalue("chroma_server")
        idx = ChromaIndex(http_client(host, port), f"contract-{uuid.uuid4().hex[:8]}", FakeEmbeddings())
        yield idx
        idx.drop()
    else:
        yield BM25Index(tmp_path / "bm25.json")


def _query(index: ChunkIndex, text: str, k: int = 5, where=None) -> list[tuple[str, float]]:
    return index.query(text, k, where)


def test_conforms_to_protocol(index: ChunkIndex) -> None:
    assert isinstance(index, ChunkIndex)


def test_upsert_count_ids(index: ChunkIndex) -> None:
    assert index.count() == 0 and index.ids() == []
    index.upsert(CHUNKS)
    assert index.count() == len(CHUNKS)
    assert sorted(index.ids()) == sorted(c.chunk_id for c in CHUNKS)


def test_upsert_is_idempotent_and_replaces(index: ChunkIndex) -> None:
    index.upsert(CHUNKS)
    changed = CHUNKS[0].model_copy(update={"text": "施工许可证 施工许可证 开工前申请"})
    index.upsert([changed])
    assert index.count() == len(CHUNKS)
    top = _query(index, "施工许可证开工前申请", k=2)
    assert CHUNKS[0].chunk_id in [cid for cid, _ in top]


def test_query_ranks_the_relevant_chunk_first(index: ChunkIndex) -> None:
    index.upsert(CHUNKS)
    hits = _query(index, "投标保证金不得超过估算价的百分之二", k=3)
    assert hits[0][0] == "lawA#0001"
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)


def test_query_respects_k_and_filters(index: ChunkIndex) -> None:
    index.upsert(CHUNKS)
    assert len(_query(index, "招标", k=1)) <= 1
    only_b = _query(index, "招标文件 施工许可证 转包", k=5, where={"doc_id": "lawB"})
    assert only_b and all(cid.startswith("lawB") for cid, _ in only_b)
    in_list = _query(index, "转包 施工许可证", k=5, where={"doc_type": ["行政法规"], "status": ["现行有效"]})
    assert [cid for cid, _ in in_list] == ["lawB#0001"]


def test_delete_doc(index: ChunkIndex) -> None:
    index.upsert(CHUNKS)
    assert index.delete_doc("lawB") == 2
    assert index.count() == 3
    assert all(not cid.startswith("lawB") for cid, _ in _query(index, "施工许可证 转包", k=5))
    assert index.delete_doc("nope") == 0


def test_empty_index_query(index: ChunkIndex) -> None:
    assert _query(index, "任何问题") == []


def test_bm25_persists(tmp_path: Path) -> None:
    idx = BM25Index(tmp_path / "b.json")
    idx.upsert(CHUNKS)
    idx.save()
    again = BM25Index(tmp_path / "b.json")
    assert again.count() == len(CHUNKS)
    assert again.query("施工许可证", 1)[0][0] == "lawB#0001"
    assert again.score("施工许可证", ["lawB#0001", "lawA#0001"])["lawA#0001"] == 0.0


@pytest.mark.integration
def test_chroma_scores_are_cosine_and_vectors_export(tmp_path: Path) -> None:
    emb = FakeEmbeddings()
    idx = ChromaIndex(persistent_client(tmp_path / "c"), "cos", emb)
    idx.upsert(CHUNKS)
    from assistant.index.base import index_text

    cid, score = idx.query(emb.embed_query(index_text(CHUNKS[2])), 1)[0]
    assert cid == CHUNKS[2].chunk_id and score == pytest.approx(1.0, abs=1e-4)
    copy = ChromaIndex(persistent_client(tmp_path / "c2"), "cos", emb)
    before = emb.embedded_documents
    for batch in idx.export(["lawA"]):
        copy.import_records(batch)
    assert copy.count() == 3 and emb.embedded_documents == before


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["chroma-embedded", "chroma-server"])
def test_chroma_collections_take_the_configured_search_width(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A collection built with Chroma's default width (100) is widened when opened with the setting."""
    if kind == "chroma-embedded":
        def client():
            return persistent_client(tmp_path / "c")
        name = "width"
    else:
        host, port = request.getfixturevalue("chroma_server")

        def client():
            return http_client(host, port)
        name = f"width-{uuid.uuid4().hex[:8]}"
    old = ChromaIndex(client(), name, FakeEmbeddings())
    old.upsert(CHUNKS)
    assert old._collection.configuration["hnsw"]["ef_search"] == 100
    try:
        opened = ChromaIndex(client(), name, FakeEmbeddings(), ef_search=1000)
        assert opened._collection.configuration["hnsw"]["ef_search"] == 1000
        assert ChromaIndex(client(), name, FakeEmbeddings())._collection.configuration["hnsw"]["ef_search"] == 1000
        assert opened.query("施工许可证", 1)[0][0] == "lawB#0001" and opened.count() == len(CHUNKS)
    finally:
        if kind == "chroma-server":
            old.drop()
