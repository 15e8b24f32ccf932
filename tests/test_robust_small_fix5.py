"""Report 5b D10 (robustness parts): what REST says when a bundled document is deleted, and what a
file of random bytes named .pdf is called."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from web_fixtures import build_small_kb, web_settings

from assistant.api import create_app
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

