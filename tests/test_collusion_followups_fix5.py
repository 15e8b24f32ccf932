"""Collusion check, follow-ups of QA report 5a: the 术语说明 data file, misspelling corrections, tender form text
filled in by every bidder, and the regime when the 招标文件 belongs to another project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_collusion_fix5 import COMPANIES, DATA, TENDER, _bids, _doc

from assistant.collusion.data import CollusionData
from assistant.collusion.pipeline import CollusionAnalyzer
from assistant.collusion.report import render_markdown
from assistant.config import resource_dir
from assistant.errors import ConfigError


def _data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "collusion"
    shutil.copytree(resource_dir("knowledge_base") / "collusion", folder)
    return folder


def test_the_glossary_is_read_from_its_data_file(tmp_path: Path) -> None:
    folder = _data_copy(tmp_path)
    path = folder / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("相对距离（RDNOR）：", "相对距离（RDNOR，改写）："), encoding="utf-8")
    bids = _bids(tmp_path, [2980000, 3010000, 3040000, 3070000], [[], [], [f"投标人：{COMPANIES[1]}（盖章）"], []])
    tender = _doc(tmp_path / "招标文件.docx", TENDER)
    report = CollusionAnalyzer(CollusionData.load(folder)).analyze(tender, bids)
    md = render_markdown(report).split("## 术语说明")[1]
    assert "相对距离（RDNOR，改写）：" in md and "每类“强”线索计 100 分" in md
    assert report.glossary == [line[2:] for line in md.split("## ")[0].strip().splitlines()]


@pytest.mark.parametrize("text, where", [
    ("score_scale: 每类计 {强} 分\nterms: [1, 2]\n", "terms"),
    ("score_scale: 每类计 {很强} 分\nterms: {}\n", "score_scale"),
    ("[1, 2]\n", ""),
])
def test_a_malformed_glossary_file_is_a_chinese_configuration_error(tmp_path: Path, text: str, where: str) -> None:
    folder = _data_copy(tmp_path)
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"围标串标分析的术语说明文件格式不正确{f'（{where}' if where else ''}"):
        CollusionData.load(folder)


def test_the_bundled_glossary_loads() -> None:
    assert DATA.glossary.terms and "{强}" in DATA.glossary.score_scale
