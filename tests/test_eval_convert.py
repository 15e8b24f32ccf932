"""Converter for practitioner Q&A (问/答/法律依据) and the eval command's error handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation.convert import convert_practitioner, map_title
from tests.conftest import PRACTITIONER_QA, require_shared


def test_convert_parses_titles_aliases_and_several_refs(tmp_path: Path) -> None:
    src = tmp_path / "p.json"
    src.write_text(json.dumps([
        {"问": "开标谁主持？", "答": "…", "法律依据": "《政府采购货物和服务招标投标管理办法》（财政部令第87号）第四十条 开标由采购人…"},
        {"问": "询价？", "答": "…", "法律依据": "《政府采购法》第三十二条 采购的货物… 《政府采购法实施条例》第二十四条 列入…"},
        {"问": "通知？", "答": "…", "法律依据": "《财政部关于促进政府采购公平竞争优化营商环境的通知》（财库〔2019〕38号）：重点清理…"},
    ], ensure_ascii=False), encoding="utf-8")
    items, summary = convert_practitioner(src)
    assert summary["items"] == 2 and summary["skipped_without_article"] == [3]
    assert items[0]["gold"] == [{"title": "政府采购货物和服务招标投标管理办法", "article": "第四十条"}]
    assert items[1]["gold"] == [{"title": "中华人民共和国政府采购法", "article": "第三十二条"},
                                {"title": "中华人民共和国政府采购法实施条例", "article": "第二十四条"}]
    assert map_title("87号令")[0] == "政府采购货物和服务招标投标管理办法"


def test_convert_real_practitioner_file() -> None:
    require_shared(PRACTITIONER_QA)
    items, summary = convert_practitioner(PRACTITIONER_QA)
    assert summary["records"] == 49
    assert len(items) >= 35
    assert all(g["article"].startswith("第") for it in items for g in it["gold"])


def test_convert_bad_input_is_a_chinese_error(tmp_path: Path) -> None:
    from assistant.evaluation.datasets import DatasetError

    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(DatasetError, match="无法读取"):
        convert_practitioner(bad)


def test_eval_cli_rejects_missing_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    rc = main(["eval", "--dataset", str(tmp_path / "nope.jsonl"), "--data-dir", str(tmp_path / "d")])
    assert rc == 1
    assert "找不到评测文件" in capsys.readouterr().err
