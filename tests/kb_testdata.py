"""Small on-disk knowledge bases for the retrieval tests (fast: fake embeddings, no china-law)."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings

LAW_A = """# 中华人民共和国测试招标法

2017年12月27日 全国人民代表大会常务委员会修正

## 第一章 总则

第一条 为了规范招标投标活动，保护国家利益，制定本法。

第二条 依法必须进行招标的项目，自招标文件开始发出之日起至投标人提交投标文件截止之日止，最短不得少于二十日。

## 第二章 投标

第三条 投标人不得相互串通投标报价，不得排挤其他投标人的公平竞争。

第四条 招标人和中标人应当自中标通知书发出之日起三十日内，按照招标文件订立书面合同。

第五条 投标保证金不得超过招标项目估算价的百分之二。
"""

PURCHASE = """# 测试采购办法

2018年3月1日 施行

## 第一章 总则

第一条 采购人应当在收到供应商的书面质疑后七个工作日内作出答复。

第二条 采购合同自签订之日起七个工作日内，采购人应当将合同副本报财政部门备案。

第十七条 采购人不得以不合理的条件对供应商实行差别待遇或者歧视待遇。
"""


def old_version(year: str = "2000") -> str:
    """An older version of PURCHASE (same title, different text)."""
    return f"""---
title: 测试采购办法
version: "{year}-01-01"
status: 现行有效
---

# 测试采购办法

第一条 采购人应当在收到供应商的书面质疑后十五日内作出答复。

第二条 采购合同签订后三十日内报财政部门备案。
"""


def make_kb_dir(root: Path) -> Path:
    """A knowledge_base folder with a manifest of two small Markdown regulations."""
    kb_dir = root / "knowledge_base"
    kb_dir.mkdir(parents=True, exist_ok=True)
    (kb_dir / "law_a.md").write_text(LAW_A, encoding="utf-8")
    (kb_dir / "purchase.md").write_text(PURCHASE, encoding="utf-8")
    (kb_dir / "manifest.yaml").write_text(
        """version: 1
documents:
  - kind: file
    doc_id: test-law
    file: law_a.md
    title: 中华人民共和国测试招标法
    aliases: [测试招标法, 测招法]
    doc_type: 法律
    version: "2017-12-27"
    status: 现行有效
    structure: articles
  - kind: file
    doc_id: test-purchase
    file: purchase.md
    title: 测试采购办法
    aliases: [99号令, 财政部令第99号]
    doc_type: 部门规章
    version: "2018-03-01"
    status: 现行有效
    structure: articles
""",
        encoding="utf-8",
    )
    return kb_dir


def small_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Fake embeddings, embedded Chroma in tmp, the small manifest above."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        knowledge_base_dir=make_kb_dir(tmp_path),
        include_china_law=False,
        embedding={"backend": "fake"},
        llm={"backend": "none"},
        **overrides,
    )
