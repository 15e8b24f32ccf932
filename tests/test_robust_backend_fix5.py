"""Report 5b: a vector store that cannot be reached is 「服务不可用」 everywhere (CLI exit 5, REST 503,
/health degraded), never an answer that a bundled regulation is missing.

Default tier: a Chroma server address where nothing listens (port 9, discard). Integration: a real
`chroma run` stopped while the web service keeps running.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from web_fixtures import build_small_kb, web_settings, write_tender_docx

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


def _cli_env(monkeypatch: pytest.MonkeyPatch, kb: Path, port: int) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    monkeypatch.setenv("ASSISTANT_INCLUDE_CHINA_LAW", "false")
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "none")
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_BASE_DIR", str(kb / "kb_defaults"))
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
