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


def test_ask_prints_only_the_verified_answer_and_shows_progress_on_stderr(env, monkeypatch, capsys):
    """D4: the raw model text (with its invented citation) never reaches standard output; on a terminal it
    is shown as progress on stderr under a label. D15: the server down, the articles are quoted (exit 0)."""
    import sys

    from assistant.commands.ask import PROGRESS_LABEL
    from assistant.testing import OpenAIStubServer

    with OpenAIStubServer(models=["qwen-test"]) as server:
        monkeypatch.setenv("ASSISTANT_LLM__BACKEND", "openai")
        monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("ASSISTANT_LLM__MODEL", "qwen-test")
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        server.queue("应落实招标人主体责任[1]。另见《招标投标法》第九十九条[7]。")
        assert main(["ask", "婺城区如何落实招标人主体责任和评定分离？", "--data-dir", str(env)]) == 0
        captured = capsys.readouterr()
        assert captured.out.splitlines()[0] == "应落实招标人主体责任[1]。" and "引用条文：" in captured.out
        assert "第九十九条[7]" not in captured.out and "核实后的回答" not in captured.out
        assert "在知识库中不存在，已从回答中删除" in captured.out  # the note says exactly what was removed
        assert PROGRESS_LABEL + "应落实招标人主体责任[1]。另见《招标投标法》第九十九条[7]。" in captured.err
        server.stop()
        assert main(["ask", "婺城区如何落实招标人主体责任？", "--data-dir", str(env)]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0] == "大模型暂不可用（无法连接服务），以下为知识库条文摘录。" and "引用条文：" in out
        assert "127.0.0.1" not in out


def test_a_service_that_is_down_is_exit_5_not_an_input_error(env, monkeypatch, capsys):
    """D15: scripts tell 「服务不可用」 (5) from 「输入有误」 (1)."""
    monkeypatch.setenv("ASSISTANT_CHROMA__HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA__PORT", "9")  # discard port: nothing listens
    assert main(["search", "投标保证金", "--data-dir", str(env)]) == 5
    assert "Chroma" in capsys.readouterr().err


def test_the_understood_question_of_a_follow_up_is_shown(env, tmp_path, capsys):
    """D18: a follow-up answered as a rewritten question says so, in every mode (here without a model)."""
    hist = tmp_path / "h.json"
    hist.write_text(json.dumps([["婺城区如何落实招标人主体责任？", "……"]], ensure_ascii=False), encoding="utf-8")
    assert main(["ask", "那评定分离呢？", "--history", str(hist), "--data-dir", str(env)]) == 0
    out = capsys.readouterr().out
    assert "（按“婺城区如何落实招标人主体责任" in out and "理解您的问题）" in out
    assert main(["ask", "婺城区如何落实招标人主体责任？", "--data-dir", str(env)]) == 0
    assert "理解您的问题" not in capsys.readouterr().out


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
