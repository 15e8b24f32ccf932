"""`tender-assistant mcp` as a real subprocess, driven by the `mcp` client over stdio.

The knowledge base is built beforehand in a temp dir (fake embeddings, real Chroma); the server
process sees it through ASSISTANT_* variables, lists its tools and answers each call.
"""

from __future__ import annotations

import json
import logging
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
        out["follow_up"] = await session.call_tool("ask", {"question": "那政府采购项目呢？", "history": [
            {"question": "投标保证金最多能收多少？", "answer": "……"}]})
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
    assert _payload(out["follow_up"])["standalone_question"] == "投标保证金最多能收多少；政府采购项目呢？"
    assert "history" in out["tools"]["ask"].input_schema["properties"]

    report = _payload(out["review"])
    assert report["findings"] and any("保证金" in f["clause"] for f in report["findings"])

    for key in ("review_missing", "review_bad_type", "search_bad"):
        result = out[key]
        assert result.is_error, key
        text = " ".join(getattr(c, "text", "") for c in result.content)
        assert "Traceback" not in text
    missing_text = " ".join(getattr(c, "text", "") for c in out["review_missing"].content)
    assert "找不到文件" in missing_text


# ------------------------------------------------------------------ in-process: wording of errors and help


def _in_process(tmp_path: Path, body) -> object:
    from mcp import Client
    from web_fixtures import web_settings

    from assistant.mcp_server import build_server

    async def run() -> object:
        async with Client(build_server(Services(web_settings(tmp_path)))) as client:
            return await body(client)

    return anyio.run(run)


def test_instructions_and_help_list_every_tool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import build_parser
    from assistant.mcp_server import INSTRUCTIONS

    async def body(client) -> set[str]:
        return {t.name for t in (await client.list_tools()).tools}

    names = _in_process(tmp_path, body)
    assert names == {"search", "ask", "review", "collusion"}
    with pytest.raises(SystemExit):
        build_parser().parse_args(["mcp", "-h"])
    help_text = capsys.readouterr().out
    for name in names:
        assert name in INSTRUCTIONS and name in help_text


def test_argument_errors_are_chinese_and_user_errors_stay_off_the_console(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def body(client) -> dict[str, object]:
        return {
            "missing": await client.call_tool("ask", {}),
            "blank": await client.call_tool("search", {"query": "", "k": 0}),
            "few_bids": await client.call_tool("collusion", {"tender": "a.docx", "bids": ["b.docx"]}),
            "no_file": await client.call_tool("review", {"path": "/no/such/招标文件.docx"}),
        }

    with caplog.at_level("INFO"):
        out = _in_process(tmp_path, body)
    texts = {k: " ".join(getattr(c, "text", "") for c in r.content) for k, r in out.items()}
    assert all(r.is_error for r in out.values())
    assert "缺少必填项问题（question）" in texts["missing"]
    assert "检索内容不能为空" in texts["blank"] and "返回条数（k）不能小于 1" in texts["blank"]
    assert "至少需要 2 项" in texts["few_bids"]
    assert texts["no_file"].startswith("找不到文件")
    for text in texts.values():
        assert "pydantic" not in text and "validation error" not in text and "Error executing" not in text
    # a user error is the agent's to read, not a console 「提示：运行中出现一个问题…」 line
    assert not [r for r in caplog.records if r.name.startswith("assistant") and r.levelno >= logging.WARNING]
