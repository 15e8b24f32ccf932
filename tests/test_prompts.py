"""Prompts: strict rendering, content hashes, the shipped templates."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.prompts import DEFAULT_PROMPTS_DIR, load_prompt, prompt_hashes


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hash_is_the_sha256_prefix_of_the_file(tmp_path):
    path = write(tmp_path, "p", "name: p\nvariables: [x]\nsystem: 系统\nuser: 问题：{{ x }}\n")
    prompt = load_prompt("p", tmp_path)
    assert prompt.hash == hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    messages = prompt.render(x="保证金")
    assert [m.type for m in messages] == ["system", "human"] and messages[1].content == "问题：保证金"


def test_hash_changes_when_the_file_changes(tmp_path):
    path = write(tmp_path, "p", "user: A {{ x }}\n")
    before = load_prompt("p", tmp_path).hash
    path.write_text("user: B {{ x }}\n", encoding="utf-8")
    import os

    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    after = load_prompt("p", tmp_path)
    assert after.hash != before and after.render(x=1)[0].content == "B 1"


def test_missing_variable_is_an_error(tmp_path):
    write(tmp_path, "p", "user: 问题 {{ question }} 上下文 {{ context }}\n")
    with pytest.raises(ConfigError):
        load_prompt("p", tmp_path).render(question="q")  # undeclared but used: StrictUndefined


def test_declared_variable_missing_is_reported_by_name(tmp_path):
    write(tmp_path, "p", "variables: [question, context]\nuser: '{{ question }}'\n")
    with pytest.raises(ConfigError) as info:
        load_prompt("p", tmp_path).render(question="q")
    assert "context" in info.value.message


def test_missing_file_and_bad_yaml_are_config_errors(tmp_path):
    with pytest.raises(ConfigError):
        load_prompt("nope", tmp_path)
    write(tmp_path, "bad", "user: [unclosed\n")
    with pytest.raises(ConfigError):
        load_prompt("bad", tmp_path)


def test_shipped_prompts_render_with_their_declared_variables():
    hashes = prompt_hashes()
    assert {"qa_answer", "condense"} <= set(hashes)
    for name in ("qa_answer", "condense"):
        prompt = load_prompt(name)
        assert prompt.path.parent == DEFAULT_PROMPTS_DIR and len(prompt.hash) == 12
        values = {v: f"<{v}>" for v in prompt.variables}
        text = prompt.render_text(**values)
        for v in prompt.variables:
            assert f"<{v}>" in text
    qa = load_prompt("qa_answer").render_text(question="Q", context="[1] X", refusal_text="R")
    assert "[1]" in qa and "不得" in qa
