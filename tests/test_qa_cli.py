"""`tender-assistant ask` per the contract, over a real (small) knowledge base with fake embeddings."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    monkeypatch.setenv("ASSISTANT_INCLUDE_CHINA_LAW", "false")
    monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "none")
    return tmp_path / "data"


def test_ask_json_contract(env, capsys):
    code = main(["ask", "婺城区如何落实招标人主体责任和评定分离？", "--json", "--data-dir", str(env)])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert {"answer", "citations", "refused", "mode"} <= set(data)
    assert data["mode"] == "extractive" and data["refused"] is False
    cite = data["citations"][0]
    assert {"title", "article", "text", "score", "doc_id", "doc_type", "status", "location"} <= set(cite)
    assert cite["title"] and cite["text"]
    assert data["metadata"]["latency_ms"] >= 0


def test_ask_human_output_lists_cited_texts(env, capsys):
    assert main(["ask", "婺城区如何落实招标人主体责任和评定分离？", "--data-dir", str(env)]) == 0
    out = capsys.readouterr().out
    # answer first (答：依据…), or the most relevant texts, hedged when no article answers it directly
    assert out.startswith(("答：", "根据知识库", "未能确定哪一条文直接回答")) and "引用条文：" in out and "[1] 《" in out


def test_ask_refuses_out_of_scope(env, capsys):
    assert main(["ask", "明天金华会下雨吗？", "--json", "--data-dir", str(env)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["refused"] is True and data["citations"] == []


def test_history_file_and_its_errors(env, tmp_path, capsys):
    hist = tmp_path / "h.json"
    hist.write_text(json.dumps([["婺城区如何落实招标人主体责任？", "……"]], ensure_ascii=False), encoding="utf-8")
    assert main(["ask", "那评定分离呢？", "--json", "--history", str(hist), "--data-dir", str(env)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["standalone_question"].startswith("婺城区如何落实招标人主体责任")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["ask", "x", "--history", str(bad), "--data-dir", str(env)]) == 1
    assert "对话历史文件" in capsys.readouterr().err
    assert main(["ask", "x", "--history", str(tmp_path / "missing.json"), "--data-dir", str(env)]) == 1


def test_empty_question_is_a_clear_error(env, capsys):
    assert main(["ask", "  ", "--data-dir", str(env)]) == 1
    assert "问题不能为空" in capsys.readouterr().err


def test_ask_streams_from_an_openai_compatible_server_and_shows_the_verified_answer(env, monkeypatch, capsys):
    from assistant.testing import OpenAIStubServer

    with OpenAIStubServer(models=["qwen-test"]) as server:
        monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "openai")
        monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("ASSISTANT_LLM__MODEL", "qwen-test")
        server.queue("应落实招标人主体责任[1]，另见《招标投标法》第九十九条[7]。")
        assert main(["ask", "婺城区如何落实招标人主体责任和评定分离？", "--data-dir", str(env)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("应落实招标人主体责任[1]")  # streamed tokens first
        assert "【核实后的回答】" in out and "引用条文：" in out
        verified_answer = out.split("【核实后的回答】", 1)[1].splitlines()[1]
        assert verified_answer.startswith("应落实招标人主体责任[1]") and "第九十九条" not in verified_answer
        assert "[7]" not in verified_answer
        server.stop()
        assert main(["ask", "婺城区如何落实招标人主体责任？", "--data-dir", str(env)]) == 1
        assert "无法连接大模型服务" in capsys.readouterr().err


def test_ask_human_output_is_plain_text_with_each_article_printed_once(env, capsys):
    """A terminal or a pipe does not render Markdown: no literal `**`; the answer quotes each article's
    key sentence and the 引用条文 list below holds its full text, so a long article is not printed twice."""
    assert main(["ask", "投标保证金最多能收多少？", "--data-dir", str(env)]) == 0
    out = capsys.readouterr().out
    assert "**" not in out
    answer, cited = out.split("引用条文：", 1)
    for block in cited.split("\n[")[1:]:
        body = "".join(line.strip() for line in block.splitlines()[1:])
        tail = body[-30:]  # an article's last words: in the list, not again in the quoted answer
        assert len(body) < 80 or tail not in answer.replace(" ", ""), tail


def test_for_terminal_bolds_on_a_terminal_and_drops_markers_elsewhere():
    from assistant.commands.ask import for_terminal

    assert for_terminal("依据“**不得超过2%**。”，见**", tty=False) == "依据“不得超过2%。”，见"
    assert for_terminal("“**不得超过2%**。”", tty=True) == "“\033[1m不得超过2%\033[0m。”"
