"""REST API (/api/v1) against the real objects: real Chroma in tmp, fake embeddings, no LLM.

Every route, including bad requests: wrong types, missing file, unsupported format, oversized
uploads (by Content-Length and while streaming) → 4xx with the JSON error shape, never 500.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import (
    EXTRA_REGULATION_MD,
    EXTRA_REGULATION_TITLE,
    REGULATION_TITLE,
    build_small_kb,
    web_settings,
    write_tender_docx,
)

from assistant.api import create_app
from assistant.errors import UnsupportedFormatError
from assistant.services import Services

HIT_KEYS = {"title", "article", "text", "score", "doc_id", "doc_type", "status", "location"}
ANSWER_KEYS = {"answer", "citations", "refused", "mode"}
FINDING_KEYS = {"rule_id", "category", "severity", "clause", "location", "basis", "explanation", "suggestion"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api")


@pytest.fixture(scope="module")
def services(kb_dir: Path) -> Services:
    services = Services(web_settings(kb_dir, max_upload_mb=1))
    build_small_kb(services, kb_dir)
    return services


@pytest.fixture(scope="module")
def client(services: Services) -> TestClient:
    # raise_server_exceptions=False: a 500 must show up as a status code the asserts can see
    return TestClient(create_app(services=services), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def tender(kb_dir: Path) -> Path:
    return write_tender_docx(kb_dir / "tender" / "某道路维修工程招标文件.docx")


def assert_error(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert err["code"] and isinstance(err["code"], str)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]), f"message not Chinese: {err}"
    assert "Traceback" not in resp.text
    if code:
        assert err["code"] == code, err
    return err


# ------------------------------------------------------------------ health, routing


def test_health_reports_backends_versions_and_index(client: TestClient) -> None:
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["versions"]["app"] and body["versions"]["chromadb"] and body["versions"]["gradio"]
    assert body["backends"]["embedding_backend"] == "fake"
    assert body["backends"]["llm_backend"] == "none"
    assert body["index"]["documents"] >= 2 and body["index"]["chunks"] >= 4
    assert "sk-secret-do-not-leak" not in resp.text


def test_openapi_lists_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/search", "/api/v1/ask", "/api/v1/review", "/api/v1/documents",
            "/api/v1/documents/{doc_id}", "/api/v1/health"} <= set(paths)
    assert set(paths["/api/v1/documents"]) == {"get", "post"}
    assert "delete" in paths["/api/v1/documents/{doc_id}"]


def _success_schema(spec: dict, path: str, method: str) -> dict:
    responses = spec["paths"][path][method]["responses"]
    ok = responses.get("200") or responses["201"]
    schema = ok["content"]["application/json"]["schema"]
    if schema.get("type") == "array":
        schema = schema["items"]
    ref = schema["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_openapi_documents_every_response_shape(client: TestClient) -> None:
    """Integrators read the response fields from /openapi.json, not from the code."""
    spec = client.get("/openapi.json").json()
    expected = {
        ("/api/v1/search", "post"): HIT_KEYS,
        ("/api/v1/ask", "post"): ANSWER_KEYS,
        ("/api/v1/review", "post"): {"file", "findings", "summary", "facts", "mode"},
        ("/api/v1/documents", "get"): {"doc_id", "title", "doc_type", "status"},
        ("/api/v1/documents", "post"): {"doc_id", "title", "doc_type", "status"},
        ("/api/v1/documents/{doc_id}", "get"): {"doc_id", "title", "doc_type", "status"},
        ("/api/v1/documents/{doc_id}", "delete"): {"doc_id", "title", "doc_type", "status"},
        ("/api/v1/health", "get"): {"status", "version", "versions", "backends", "index"},
    }
    for (path, method), keys in expected.items():
        props = _success_schema(spec, path, method)["properties"]
        assert keys <= set(props), (path, method, set(props))
    findings = spec["components"]["schemas"]["ReviewReport"]["properties"]["findings"]
    finding = spec["components"]["schemas"][findings["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(finding["properties"]) >= FINDING_KEYS
    review_types = set(spec["paths"]["/api/v1/review"]["post"]["responses"]["200"]["content"])
    assert review_types == {"application/json", "text/markdown", DOCX_TYPE}


def test_unknown_route_and_wrong_method_are_json(client: TestClient) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404)
    err = assert_error(client.get("/api/v1/search"), 405)
    assert "POST" in err["message"]


# ------------------------------------------------------------------ search


def test_search_returns_contract_hits(client: TestClient) -> None:
    resp = client.post("/api/v1/search", json={"query": "投标保证金不得超过估算价的百分之几", "k": 3})
    assert resp.status_code == 200, resp.text
    hits = resp.json()
    assert 1 <= len(hits) <= 3
    assert all(set(h) >= HIT_KEYS for h in hits)
    top = hits[0]
    assert top["title"] == REGULATION_TITLE and top["article"] == "第二条"
    assert "百分之二" in top["text"]


@pytest.mark.parametrize(
    "payload",
    [
        {},  # missing query
        {"query": ""},  # empty
        {"query": "\x1f\x1f\x85"},  # only characters the server reads as white space
        {"query": 123},  # wrong type
        {"query": "保证金", "k": 0},  # out of range
        {"query": "保证金", "k": "many"},  # wrong type
        {"query": "保证金", "k": 10_000},
        {"query": "保证金", "unknown": 1},  # extra field
        ["保证金"],  # not an object
    ],
)
def test_search_bad_requests_are_422(client: TestClient, payload: object) -> None:
    err = assert_error(client.post("/api/v1/search", json=payload), 422, "invalid_request")
    assert isinstance(err.get("detail"), list)


def test_search_invalid_json_is_422(client: TestClient) -> None:
    resp = client.post("/api/v1/search", content=b"{not json", headers={"content-type": "application/json"})
    err = assert_error(resp, 422, "invalid_request")
    assert err["message"].startswith("请求体不是有效的 JSON") and "「0」" not in err["message"]


# ------------------------------------------------------------------ ask


def test_ask_answers_with_citations_that_exist(client: TestClient, services: Services) -> None:
    # fake embeddings give low similarities (the refusal gate is calibrated for e5), so ask by article:
    # the direct-reference path must answer with the stored text of exactly that article
    resp = client.post("/api/v1/ask", json={"question": f"《{REGULATION_TITLE}》第二条对投标保证金是怎么规定的？"})
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert set(answer) >= ANSWER_KEYS
    assert answer["mode"] == "extractive" and answer["refused"] is False
    assert answer["citations"], answer
    for c in answer["citations"]:
        assert set(c) >= HIT_KEYS
        if c["article"]:
            chunk = services.kb.get_article(c["title"], int(c["article_no"]), include_superseded=True)
            assert chunk is not None and chunk.text.strip() == c["text"].strip()
    assert any(c["title"] == REGULATION_TITLE and c["article"] == "第二条" for c in answer["citations"])


def test_ask_accepts_history_and_refuses_without_basis(client: TestClient) -> None:
    resp = client.post("/api/v1/ask", json={
        "question": "明天金华会下雨吗？",
        "history": [{"question": "投标保证金最多能收多少？", "answer": "不得超过估算价的百分之二。"}],
    })
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["refused"] is True
    assert "依据" in body["answer"]


@pytest.mark.parametrize("history", [
    [{"question": "投标保证金最多能收多少？", "answer": "不得超过估算价的百分之二。"}],
    [["投标保证金最多能收多少？", "不得超过估算价的百分之二。"]],  # the CLI's pair form (QA report 2, #11)
])
def test_ask_takes_the_history_in_either_shape(client: TestClient, history: list) -> None:
    resp = client.post("/api/v1/ask", json={"question": "那政府采购项目呢？", "history": history})
    assert resp.status_code == 200, resp.text
    assert resp.json()["standalone_question"] == "投标保证金最多能收多少；政府采购项目呢？"


@pytest.mark.parametrize(
    "payload",
    [{}, {"question": ""}, {"question": ["a"]}, {"question": "保证金", "history": "x"},
     {"question": "保证金", "history": [["只有问题"]]},
     {"question": "保证金", "history": [{"question": "a"}]}, {"question": "x" * 501}, {"question": "   "},
     {"question": "\x1f\x1f\x1f"}],  # white space to the server (str.split), not to ECMA or Rust regex \s
)
def test_ask_bad_requests_are_422(client: TestClient, payload: object) -> None:
    assert_error(client.post("/api/v1/ask", json=payload), 422, "invalid_request")


@pytest.mark.parametrize(("payload", "message"), [
    ({"question": ""}, "问题不能为空"),
    ({"question": "   "}, "问题不能为空"),
    ({}, "缺少必填项问题（question）"),
    ({"question": "保证金", "oops": 1}, "不支持的字段「oops」"),
])
def test_ask_request_errors_say_what_is_wrong_in_chinese(client: TestClient, payload: object, message: str) -> None:
    err = assert_error(client.post("/api/v1/ask", json=payload), 422, "invalid_request")
    assert message in err["message"] and "取值不正确" not in err["message"]


# ------------------------------------------------------------------ review


def test_review_json_report(client: TestClient, tender: Path) -> None:
    with tender.open("rb") as fh:
        resp = client.post("/api/v1/review", files={"file": (tender.name, fh, DOCX_TYPE)})
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["findings"], report
    assert all(set(f) >= FINDING_KEYS for f in report["findings"])
    bond = [f for f in report["findings"] if "5%" in f["clause"] and "保证金" in f["clause"]]
    assert bond, [f["clause"] for f in report["findings"]]
    assert bond[0]["basis"] and bond[0]["basis"][0]["title"]
    assert report["file"] == tender.name  # the user's file name, not where the server stored it (QA report 2)


def test_review_markdown_and_docx_downloads(client: TestClient, tender: Path) -> None:
    md = client.post("/api/v1/review", files={"file": (tender.name, tender.read_bytes())}, data={"format": "md"})
    assert md.status_code == 200, md.text
    assert md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert "保证金" in md.text
    docx_resp = client.post("/api/v1/review", files={"file": (tender.name, tender.read_bytes())},
                            data={"format": "docx"})
    assert docx_resp.status_code == 200, docx_resp.text
    assert docx_resp.headers["content-type"] == DOCX_TYPE
    assert docx_resp.content[:2] == b"PK"
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_resp.content)).paragraphs)
    assert "保证金" in text


def test_review_missing_file_is_422(client: TestClient) -> None:
    assert_error(client.post("/api/v1/review", data={"format": "json"}), 422, "invalid_request")


def test_review_unsupported_suffix_is_415(client: TestClient) -> None:
    err = assert_error(client.post("/api/v1/review", files={"file": ("setup.exe", b"MZ\x90\x00")}), 415,
                       "unsupported_format")
    assert "setup.exe" in err["message"]


def test_review_wps_is_refused_like_the_cli(client: TestClient, tender: Path) -> None:
    """A DOCX renamed .wps: 415 with the advice to save as .docx, the message the CLI gives (report 5a D12)."""
    from assistant.uploads import REVIEW_SUFFIXES, check_suffix

    err = assert_error(client.post("/api/v1/review", files={"file": ("招标.wps", tender.read_bytes())}), 415,
                       "unsupported_format")
    assert "请在 WPS 或 Word 中另存为 .docx" in err["message"]
    with pytest.raises(UnsupportedFormatError) as cli:
        check_suffix("招标.wps", REVIEW_SUFFIXES)
    assert err["message"] == cli.value.message


def test_review_unsupported_report_format_is_422(client: TestClient, tender: Path) -> None:
    resp = client.post("/api/v1/review", files={"file": (tender.name, tender.read_bytes())}, data={"format": "pdf"})
    assert_error(resp, 422, "invalid_request")


def test_review_empty_and_disguised_files_are_400(client: TestClient) -> None:
    assert_error(client.post("/api/v1/review", files={"file": ("空文件.docx", b"")}), 400)
    # a broken ZIP container (plain text named .docx is sniffed and read as text: that is fine)
    resp = client.post("/api/v1/review", files={"file": ("损坏.docx", b"PK\x03\x04" + bytes(range(256)) * 8)})
    assert 400 <= resp.status_code < 500
    assert_error(resp, resp.status_code)


def test_oversized_upload_refused_by_content_length(client: TestClient) -> None:
    big = b"a" * (2 * 1024 * 1024)  # limit is 1 MB in this module
    err = assert_error(client.post("/api/v1/review", files={"file": ("big.txt", big)}), 413, "file_too_large")
    assert "MB" in err["message"]


def test_oversized_upload_refused_while_streaming(client: TestClient) -> None:
    boundary = "XyZbOuNdArY"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    sent = {"bytes": 0}

    def body():  # no Content-Length: chunked transfer
        yield head
        for _ in range(40):  # 40 × 64 KB = 2.5 MB, over the 1 MB limit
            sent["bytes"] += 65536
            yield b"b" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    resp = client.post("/api/v1/review", content=body(),
                       headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert_error(resp, 413, "file_too_large")


def test_upload_names_cannot_escape_the_data_dir(client: TestClient, services: Services, kb_dir: Path) -> None:
    resp = client.post("/api/v1/review", data={"force": "true"},
                       files={"file": ("../../../../escape.txt", "投标保证金为估算价的5%。".encode())})
    assert resp.status_code == 200, resp.text
    assert resp.json()["notice"]
    assert not list(kb_dir.rglob("escape.txt")) or all(
        Path(services.settings.data_dir, "uploads").resolve() in p.resolve().parents for p in kb_dir.rglob("escape.txt"))
    assert not (kb_dir.parent / "escape.txt").exists()


# ------------------------------------------------------------------ documents


def test_documents_list_with_metadata(client: TestClient) -> None:
    resp = client.get("/api/v1/documents")
    assert resp.status_code == 200
    docs = resp.json()
    titles = {d["title"] for d in docs}
    assert REGULATION_TITLE in titles
    assert any("婺城区" in t for t in titles)
    assert all({"doc_id", "title", "doc_type", "status", "chunk_count"} <= set(d) for d in docs)
    assert client.get("/api/v1/documents", params={"include_superseded": "maybe"}).status_code == 422


def test_document_upload_search_get_delete(client: TestClient) -> None:
    resp = client.post("/api/v1/documents",
                       files={"file": (f"{EXTRA_REGULATION_TITLE}.md", EXTRA_REGULATION_MD.encode("utf-8"))})
    assert resp.status_code == 201, resp.text
    added = resp.json()
    assert len(added) == 1 and added[0]["title"] == EXTRA_REGULATION_TITLE and added[0]["chunk_count"] >= 2
    doc_id = added[0]["doc_id"]

    hits = client.post("/api/v1/search", json={"query": "供应商认为采购文件使其权益受到损害，何时提出质疑", "k": 3}).json()
    assert hits[0]["title"] == EXTRA_REGULATION_TITLE and hits[0]["article"] == "第二条"

    got = client.get(f"/api/v1/documents/{doc_id}")
    assert got.status_code == 200 and got.json()["title"] == EXTRA_REGULATION_TITLE

    deleted = client.delete(f"/api/v1/documents/{doc_id}")
    assert deleted.status_code == 200 and deleted.json()["doc_id"] == doc_id
    assert EXTRA_REGULATION_TITLE not in {d["title"] for d in client.get("/api/v1/documents").json()}
    assert_error(client.delete(f"/api/v1/documents/{doc_id}"), 404, "not_found")
    assert_error(client.get(f"/api/v1/documents/{doc_id}"), 404, "not_found")


def test_document_upload_bad_requests(client: TestClient) -> None:
    assert_error(client.post("/api/v1/documents"), 422, "invalid_request")
    assert_error(client.post("/api/v1/documents", files={"file": ("规定.xlsx", b"PK\x03\x04")}), 415)
    assert_error(client.post("/api/v1/documents", files={"file": ("规定.md", b"")}), 400)
    assert_error(client.post("/api/v1/documents", files={"file": ("big.md", b"x" * (2 * 1024 * 1024))}), 413)


# ------------------------------------------------------------------ login


def test_basic_auth_when_configured(tmp_path: Path) -> None:
    services = Services(web_settings(tmp_path, username="admin", password="s3cret"))
    client = TestClient(create_app(services=services), raise_server_exceptions=False)
    err = assert_error(client.get("/api/v1/documents"), 401)
    assert "登录" in err["message"]
    assert client.get("/api/v1/health", auth=("admin", "wrong")).status_code == 401
    ok = client.get("/api/v1/health", auth=("admin", "s3cret"))
    assert ok.status_code == 200
    assert "s3cret" not in ok.text


def test_web_app_mounts_ui_at_root(tmp_path: Path) -> None:
    from assistant.ui.server import create_web_app

    services = Services(web_settings(tmp_path))
    client = TestClient(create_web_app(services=services))
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text
    assert 'lang="zh-CN"' in page.text[:512] and 'lang="en"' not in page.text
    assert int(page.headers.get("content-length", len(page.content))) == len(page.content)
    config = client.get("/config").json()
    blob = json.dumps(config, ensure_ascii=False)
    for label in ("政策问答", "招标文件审查", "知识库", "系统"):
        assert label in blob
    assert "fonts.googleapis.com" not in page.text + blob
    assert client.get("/api/v1/health").status_code == 200
    assert_error(client.get("/api/v1/nothing"), 404)


def test_question_limit_matches_the_qa_chain() -> None:
    from assistant.api import MAX_QUESTION_CHARS
    from assistant.config import LimitsSettings
    from assistant.schema import MAX_QUESTION_CHARS as SCHEMA_LIMIT

    assert MAX_QUESTION_CHARS == LimitsSettings().max_query_chars == SCHEMA_LIMIT
