"""`tender-assistant mcp` as a real subprocess, driven by the `mcp` client over stdio.

The knowledge base is built beforehand in a temp dir (fake embeddings, real Chroma); the server
process sees it through ASSISTANT_* variables, lists its tools and answers each call.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
import pytest
from web_fixtures import REGULATION_TITLE, build_small_kb, web_settings, write_tender_docx

from assistant.services import Services


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("mcp")
    settings = web_settings(tmp)
    build_small_kb(Services(settings), tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_EMBEDDING__BACKEND": "fake",
        "ASSISTANT_INCLUDE_CHINA_LAW": "false",
        "ASSISTANT_LLM__BACKEND": "none",
        "HF_HUB_OFFLINE": "1",
        "TMP_TENDER": str(write_tender_docx(tmp / "某道路维修工程招标文件.docx")),
    })
    return env


def _payload(result) -> object:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


async def _session_run(env: dict[str, str], body) -> object:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant", "mcp"], env=env,
                                   cwd=str(Path(__file__).resolve().parent.parent))
    with open(os.devnull, "w") as devnull:
        async with (
            stdio_client(params, errlog=devnull) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await body(session)


def run_session(env: dict[str, str], body) -> object:
    return anyio.run(_session_run, env, body)


def test_mcp_lists_and_calls_every_tool(server_env: dict[str, str]) -> None:
    tender = server_env["TMP_TENDER"]

    async def body(session) -> dict:
        tools = await session.list_tools()
        out: dict[str, object] = {"tools": {t.name: t for t in tools.tools}}
        out["search"] = await session.call_tool("search", {"query": "投标保证金不得超过估算价的百分之二", "k": 3})
        out["ask"] = await session.call_tool("ask", {"question": f"《{REGULATION_TITLE}》第二条是怎么规定的？"})
        out["review"] = await session.call_tool("review", {"path": tender})
        out["review_missing"] = await session.call_tool("review", {"path": "/no/such/招标文件.docx"})
        out["review_bad_type"] = await session.call_tool("review", {"path": str(Path(tender).with_suffix(".exe"))})
        out["search_bad"] = await session.call_tool("search", {"query": "", "k": 0})
        return out

    out = run_session(server_env, body)
    assert set(out["tools"]) == {"search", "ask", "review", "collusion"}
    assert "query" in out["tools"]["search"].input_schema["properties"]

    hits = _payload(out["search"])["hits"]
    assert hits and hits[0]["title"] == REGULATION_TITLE and hits[0]["article"] == "第二条"
    assert {"title", "article", "text", "score", "doc_id", "doc_type", "status", "location"} <= set(hits[0])

    answer = _payload(out["ask"])
    assert {"answer", "citations", "refused", "mode"} <= set(answer)
    assert not answer["refused"] and any(c["article"] == "第二条" for c in answer["citations"])

    report = _payload(out["review"])
    assert report["findings"] and any("保证金" in f["clause"] for f in report["findings"])

    for key in ("review_missing", "review_bad_type", "search_bad"):
        result = out[key]
        assert result.is_error, key
        text = " ".join(getattr(c, "text", "") for c in result.content)
        assert "Traceback" not in text
    missing_text = " ".join(getattr(c, "text", "") for c in out["review_missing"].content)
    assert "找不到文件" in missing_text
