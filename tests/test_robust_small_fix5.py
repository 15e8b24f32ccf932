"""Report 5b D10 (robustness parts): what REST says when a bundled document is deleted, and what a
file of random bytes named .pdf is called."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import build_small_kb, web_settings

from assistant.api import create_app
from assistant.errors import UnsupportedFormatError
from assistant.ingest.loaders import load_bytes
from assistant.services import Services


def test_rest_delete_of_a_bundled_document_says_a_build_will_not_restore_it(tmp_path: Path) -> None:
    """The CLI warned, REST said nothing: the caller learnt only from a later `kb build`."""
    services = Services(web_settings(tmp_path))
    build_small_kb(services, tmp_path)
    client = TestClient(create_app(services=services), raise_server_exceptions=False)
    docs = client.get("/api/v1/documents").json()
    bundled = next(d for d in docs if not d["doc_id"].startswith("user-"))
    own = next(d for d in docs if d["doc_id"].startswith("user-"))
    resp = client.delete(f"/api/v1/documents/{bundled['doc_id']}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["doc_id"] == bundled["doc_id"] and body["title"] == bundled["title"]
    assert "随软件提供的文档" in body["note"] and "不会自动恢复" in body["note"]
    user = client.delete(f"/api/v1/documents/{own['doc_id']}")
    assert user.status_code == 200 and user.json()["note"] is None


def test_the_random_file_of_the_report_and_a_real_text_file_named_pdf() -> None:
    """The tester's `head -c 100 /dev/urandom` passed the control-character test for text (5 of 100) and was
    described as 「纯文本」; a text file named .pdf still is."""
    report_bytes = bytes.fromhex(
        "edda7f818ebfffa87c59d8c1c4e150bb600b9ab27a93d851bcbc16c7fc8afe1d7bbd27fac999db2f8be2f039412324e9286a"
        "05c28bee93780b48768624e0eff444de8b92a4e2904edb7841f6a4239f184582aa3fac0c5297589dd36b2b69c55f1ece5c7e")
    with pytest.raises(UnsupportedFormatError) as info:
        load_bytes(report_bytes, "rand.pdf")
    assert "无法识别的二进制数据" in info.value.message
    with pytest.raises(UnsupportedFormatError) as text:
        load_bytes("第一条 投标保证金不得超过百分之二。\n".encode(), "办法.pdf")
    assert "内容实际是纯文本" in text.value.message
