"""Report 5b: environment failures. A vector store that cannot be reached is 「服务不可用」 everywhere
(CLI exit 5, REST 503, /health degraded), never an answer that a bundled regulation is missing; a full
disk during an import is one Chinese line and exit 5, with the old index serving.

Default tier: a Chroma server address where nothing listens (port 9, discard). Integration: a real
`chroma run` stopped while the web service keeps running.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from web_fixtures import (
    EXTRA_REGULATION_MD,
    build_small_kb,
    web_settings,
    write_regulation,
    write_tender_docx,
)

from assistant.cli import main
from assistant.review.catalogue import NOT_IN_KB_NOTE
from assistant.services import Services

DOWN_MESSAGE = "无法连接 Chroma 向量库服务"


@pytest.fixture(scope="module")
def built_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small knowledge base built with the embedded store (fake embeddings); returns its folder."""
    tmp = tmp_path_factory.mktemp("down")
    build_small_kb(Services(web_settings(tmp)), tmp)
    return tmp


def _cli_env(monkeypatch: pytest.MonkeyPatch, kb: Path, port: int | None = None) -> None:
    """The CLI on the knowledge base of `built_kb`; through a Chroma server address when `port` is given."""
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    monkeypatch.setenv("ASSISTANT_INCLUDE_CHINA_LAW", "false")
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "none")
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_BASE_DIR", str(kb / "kb_defaults"))
    if port is not None:
        monkeypatch.setenv("ASSISTANT_CHROMA__HOST", "127.0.0.1")
        monkeypatch.setenv("ASSISTANT_CHROMA__PORT", str(port))


def test_review_with_the_vector_store_down_is_exit_5_not_a_missing_regulation(built_kb, monkeypatch, capsys):
    """D2: the legal basis could not be looked up; the report must not tell users to import a bundled law."""
    tender = write_tender_docx(built_kb / "tender" / "招标文件.docx")
    _cli_env(monkeypatch, built_kb, 9)  # discard port: nothing listens
    code = main(["review", str(tender), "--json", "--data-dir", str(built_kb / "data")])
    out, err = capsys.readouterr()
    assert code == 5, err
    assert DOWN_MESSAGE in err and "Traceback" not in err
    assert NOT_IN_KB_NOTE not in out


def test_rest_review_with_the_vector_store_down_is_503_not_a_missing_regulation(built_kb):
    """D2, REST path: the same 503 as /ask and /search, never a report saying bundled laws are missing."""
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    settings = web_settings(built_kb)
    settings.chroma = settings.chroma.model_copy(update={"host": "127.0.0.1", "port": 9})
    client = TestClient(create_app(services=Services(settings)), raise_server_exceptions=False)
    tender = write_tender_docx(built_kb / "tender" / "招标文件.docx")
    resp = client.post("/api/v1/review", files={"file": (tender.name, tender.read_bytes())})
    _assert_down(resp)
    assert NOT_IN_KB_NOTE not in resp.text


# ------------------------------------------------------------------ disk full during an import
def _sqlite_full(*_args, **_kwargs):
    from chromadb.errors import InternalError

    raise InternalError("Query error: Database error: error returned from database: (code: 13) database or disk is full")


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("target, failure", [
    ("assistant.index.chroma_store.ChromaIndex.upsert", _sqlite_full),  # chromadb's SQLite (what a full tmpfs gave)
    ("assistant.index.bm25_store.BM25Index.save", _enospc),  # any other file of the new generation
])
def test_disk_full_during_kb_add_is_one_chinese_line_exit_5_and_the_old_index_serves(
        built_kb, monkeypatch, capsys, target, failure):
    """D4: no traceback, no English database message, not exit 1 (输入有误): the input was valid."""
    data = built_kb / "data"
    _cli_env(monkeypatch, built_kb)
    before = sorted(p.name for p in (data / "index").iterdir())
    assert main(["kb", "list", "--json", "--data-dir", str(data)]) == 0
    listed = capsys.readouterr().out
    new_doc = write_regulation(built_kb / "new", "测试新增办法.md", EXTRA_REGULATION_MD)
    monkeypatch.setattr(target, failure)
    code = main(["kb", "add", str(new_doc), "--data-dir", str(data)])
    _out, err = capsys.readouterr()
    assert code == 5, err
    assert f"磁盘空间不足，知识库未改动（数据目录：{data}" in err, err
    assert "Traceback" not in err and "database" not in err and "运行中出现一个问题" not in err
    monkeypatch.undo()
    _cli_env(monkeypatch, built_kb)
    assert sorted(p.name for p in (data / "index").iterdir()) == before  # no partial generation left behind
    assert main(["kb", "list", "--json", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out == listed


def test_a_disk_too_full_to_open_the_index_is_a_chinese_storage_error(tmp_path, monkeypatch):
    """D4: with no byte left, even opening the embedded store fails: the same Chinese 「磁盘空间不足」, exit 5."""
    import chromadb

    from assistant.errors import StorageFullError
    from assistant.index.chroma_store import persistent_client

    monkeypatch.setattr(chromadb, "PersistentClient", _sqlite_full)
    with pytest.raises(StorageFullError) as info:
        persistent_client(tmp_path / "chroma")
    assert info.value.message.startswith("磁盘空间不足") and "database" not in info.value.message


# ------------------------------------------------------------------ a real server stopped mid-use
@pytest.fixture
def stopped_server_app(tmp_path: Path):
    """A web service on a real `chroma run` that answered once, then the server stopped: (client, services)."""
    from fastapi.testclient import TestClient
    from test_index_contract import run_chroma_server

    from assistant.api import create_app

    with run_chroma_server(tmp_path / "chroma") as (host, port, proc):
        settings = web_settings(tmp_path)
        settings.chroma = settings.chroma.model_copy(update={"host": host, "port": port})
        services = Services(settings)
        build_small_kb(services, tmp_path)
        client = TestClient(create_app(services=services), raise_server_exceptions=False)
        assert client.post("/api/v1/search", json={"query": "投标保证金"}).status_code == 200
        assert client.get("/api/v1/health").json()["status"] == "ok"
        proc.terminate()
        proc.wait(timeout=10)
        yield client, services


def _assert_down(resp) -> None:
    assert resp.status_code == 503, resp.text
    err = resp.json()["error"]
    assert err["code"] == "service_unavailable" and DOWN_MESSAGE in err["message"], err


@pytest.mark.integration
def test_rest_with_the_chroma_server_stopped_is_503_and_health_degraded(stopped_server_app, tmp_path):
    """D3: /ask and /search are 503 service_unavailable with the CLI's message; /health says why it is degraded."""
    client, _services = stopped_server_app
    _assert_down(client.post("/api/v1/search", json={"query": "投标保证金"}))
    _assert_down(client.post("/api/v1/ask", json={"question": "投标保证金不得超过多少？"}))
    health = client.get("/api/v1/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded" and DOWN_MESSAGE in body["reason"], body
    assert body["index"]["built"] is True  # the index itself is still there


@pytest.mark.integration
def test_web_chat_with_the_chroma_server_stopped_shows_the_cli_message(stopped_server_app):
    """D3: the web chat says the same as the CLI and REST, not a generic error."""
    from assistant.ui.app_ui import build_blocks

    _client, services = stopped_server_app
    respond = next(f.fn for f in build_blocks(services).fns.values()
                   if f.fn is not None and f.fn.__module__.endswith("qa_tab") and f.name == "respond")
    *_, last = respond("投标保证金不得超过多少？", [], [], [])
    assert DOWN_MESSAGE in last[1][-1]["content"]


# ------------------------------------------------------------------ collusion legal basis with the store down
def _collusion_files(folder: Path) -> list[Path]:
    """A tender and two bids sharing an authored paragraph (so a signal needs its legal basis)."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    shared = "我公司将组建专门的项目团队，由经验丰富的工程师负责现场勘察、方案设计与实施调试，确保按期保质完成全部工作内容。" * 3
    files = []
    for name, text in (("招标文件.docx", "招标人：某单位。采购人应按规定组织评审。"), ("A.docx", shared), ("B.docx", shared)):
        d = docx.Document()
        d.add_paragraph(text)
        d.save(folder / name)
        files.append(folder / name)
    return files


def test_collusion_with_the_vector_store_down_is_exit_5_not_a_missing_regulation(built_kb, monkeypatch, capsys):
    """The collusion report cites laws too: an unreachable store is 「服务不可用」, not 「知识库未收录」."""
    tender, *bids = _collusion_files(built_kb / "collusion")
    _cli_env(monkeypatch, built_kb, 9)
    code = main(["collusion", "--tender", str(tender), *map(str, bids), "--data-dir", str(built_kb / "data")])
    out, err = capsys.readouterr()
    assert code == 5, err
    assert DOWN_MESSAGE in err and "Traceback" not in err
    assert "未收录" not in out


def test_rest_collusion_with_the_vector_store_down_is_503(built_kb):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    settings = web_settings(built_kb)
    settings.chroma = settings.chroma.model_copy(update={"host": "127.0.0.1", "port": 9})
    client = TestClient(create_app(services=Services(settings)), raise_server_exceptions=False)
    tender, *bids = _collusion_files(built_kb / "collusion_rest")
    files = [("tender", (tender.name, tender.read_bytes()))] + [("bids[]", (b.name, b.read_bytes())) for b in bids]
    resp = client.post("/api/v1/collusion", files=files)
    _assert_down(resp)
    assert "未收录" not in resp.text
