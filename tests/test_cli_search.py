"""`tender-assistant search` and `kb` commands (fake embeddings; the real e5 KB in integration)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kb_testdata import make_kb_dir

from assistant.cli import main

HIT_KEYS = {"title", "article", "text", "score", "doc_id", "doc_type", "status", "location"}


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    monkeypatch.setenv("ASSISTANT_INCLUDE_CHINA_LAW", "false")
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_BASE_DIR", str(make_kb_dir(tmp_path)))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def test_search_builds_on_first_use_and_prints_the_article(cli_env: Path, capsys) -> None:
    assert main(["search", "投标保证金最多交多少", "-k", "2", "--data-dir", str(cli_env)]) == 0
    out, err = capsys.readouterr()
    assert "首次使用" in err
    assert "[1] 《中华人民共和国测试招标法》第五条" in out and "百分之二" in out and "现行有效" in out


def test_search_json(cli_env: Path, capsys) -> None:
    assert main(["search", "测招法第5条", "--json", "--data-dir", str(cli_env)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert set(hits[0]) >= HIT_KEYS and hits[0]["article"] == "第五条" and hits[0]["score"] == 1.0
    assert len(hits) == 5 or len(hits) <= 5


def test_search_batch_queries_one_json_line_per_input_line(cli_env: Path, tmp_path: Path, capsys) -> None:
    qfile = tmp_path / "q.txt"
    # (the statute's words, not 「……多久签合同」: the tokenizer is process-wide, and the shipped lexicon's practice words
    # that earlier tests registered cut the toy article's 「中标通知书发出之日起三十日内」 into one token)
    qfile.write_text("投标保证金最多交多少\n\n中标人多少日内订立书面合同\n", encoding="utf-8")
    assert main(["search", "--queries", str(qfile), "-k", "3", "--data-dir", str(cli_env)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    parsed = [json.loads(line) for line in lines]
    assert parsed[1] == [] and len(parsed[0]) == 3 and parsed[2][0]["article"] == "第四条"


def test_search_filters_and_bad_input(cli_env: Path, tmp_path: Path, capsys) -> None:
    assert main(["search", "七个工作日", "--doc-type", "部门规章", "--json", "--data-dir", str(cli_env)]) == 0
    assert {h["doc_type"] for h in json.loads(capsys.readouterr().out)} == {"部门规章"}
    assert main(["search", "--data-dir", str(cli_env)]) == 1
    assert "请提供要检索的问题" in capsys.readouterr().err
    assert main(["search", "--queries", str(tmp_path / "none.txt"), "--data-dir", str(cli_env)]) == 1
    assert "找不到问题文件" in capsys.readouterr().err
    assert main(["search", "x", "-k", "0", "--data-dir", str(cli_env)]) == 1


def test_kb_commands(cli_env: Path, tmp_path: Path, capsys) -> None:
    assert main(["kb", "build", "--json", "--data-dir", str(cli_env)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["added"] == 2 and summary["embedded"] > 0
    doc = tmp_path / "user.md"
    doc.write_text("# 用户评标细则\n\n第一条 评标应当保密。\n", encoding="utf-8")
    assert main(["kb", "add", str(doc), "--json", "--data-dir", str(cli_env)]) == 0
    (added,) = json.loads(capsys.readouterr().out)
    assert added["title"] == "用户评标细则" and added["origin"] == "user"
    assert main(["kb", "list", "--json", "--data-dir", str(cli_env)]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert {d["doc_id"] for d in docs} == {"test-law", "test-purchase", added["doc_id"]}
    assert main(["kb", "list", "--data-dir", str(cli_env)]) == 0
    assert "共 3 个文档" in capsys.readouterr().out
    assert main(["kb", "show", "test-law", "--data-dir", str(cli_env)]) == 0
    assert "第五条" in capsys.readouterr().out
    assert main(["kb", "remove", added["doc_id"], "--data-dir", str(cli_env)]) == 0
    removed = capsys.readouterr()
    assert "已删除" in removed.out and "随软件提供" not in removed.err  # the user's own document: no warning
    assert main(["kb", "remove", "test-purchase", "--data-dir", str(cli_env)]) == 0
    warned = capsys.readouterr().err
    assert "随软件提供的文档" in warned and "kb build --rebuild" in warned
    assert main(["kb", "remove", "nope", "--data-dir", str(cli_env)]) == 1
    assert "没有编号" in capsys.readouterr().err
    assert main(["kb", "add", str(tmp_path / "missing.pdf"), "--data-dir", str(cli_env)]) == 1
    assert "找不到文件" in capsys.readouterr().err
    assert main(["kb", "build", "--data-dir", str(cli_env)]) == 0
    assert "本次生成向量 0 条" in capsys.readouterr().out


@pytest.mark.integration
def test_real_e5_search_cli(real_services, capsys) -> None:
    data_dir = str(real_services.settings.data_dir)
    assert main(["search", "发标后最快几天可以开标", "--data-dir", data_dir]) == 0
    out = capsys.readouterr().out
    first = out.split("[2]")[0]
    assert "《中华人民共和国招标投标法》第二十四条" in first and "最短不得少于二十日" in first
    assert main(["search", "发标后最快几天可以开标", "--json", "--data-dir", data_dir]) == 0
    top = json.loads(capsys.readouterr().out)[0]
    assert (top["title"], top["article"]) == ("中华人民共和国招标投标法", "第二十四条")
