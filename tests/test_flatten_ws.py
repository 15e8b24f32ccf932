"""flatten_ws: an article's paragraphs are joined as Chinese is set (no space after 。), everywhere the
answer, the context and the UI flatten text."""

from __future__ import annotations

import pytest

from assistant.schema import Hit
from assistant.text_zh import flatten_ws

TWO_PARAGRAPHS = "第二十七条 采购人可以对已发出的招标文件进行必要的澄清或者修改。\n 采购人……应当在原公告发布媒体上发布更正公告。"


@pytest.mark.parametrize(
    ("text", "flat"),
    [
        ("予以修改。\n 采购人", "予以修改。采购人"),  # paragraph break after Chinese punctuation
        ("甲\n乙", "甲乙"),
        ("如下：\n1. 采购人", "如下：1. 采购人"),  # a break next to Chinese goes; the space inside 「1. 」 stays
        ("单项合同估算价在400\n万元", "单项合同估算价在400万元"),
        ("① 甲\n② 乙", "①甲②乙"),
        ("“甲” 乙", "“甲”乙"),
        ("第一章 总  则", "第一章总则"),
        ("甲\u3000\u3000乙", "甲乙"),  # ideographic-space indentation
        ("ISO 9001 认证", "ISO 9001 认证"),  # a space the text has between Latin and Chinese is kept
        ("GB 50300\n标准", "GB 50300标准"),
        ("for\n  example", "for example"),  # two Latin tokens keep one space
        ("  a \t b  ", "a b"),
        ("", ""),
    ],
)
def test_flatten_ws(text: str, flat: str) -> None:
    assert flatten_ws(text) == flat


def _hit(text: str) -> Hit:
    return Hit(title="政府采购货物和服务招标投标管理办法", article="第二十七条", text=text, score=1.0, doc_id="87",
               doc_type="部门规章", status="现行有效", chunk_id="87:27", article_no=27, via=["direct"])


def test_answer_quote_joins_paragraphs_without_a_space() -> None:
    from assistant.qa.extractive import _quote, answer_line

    hit = _hit(TWO_PARAGRAPHS)
    line = answer_line("招标文件能修改吗", hit, None, 1)
    assert "修改。采购人" in line and "。 " not in line, line
    quoted = _quote(TWO_PARAGRAPHS, "采购人可以对已发出的招标文件进行必要的澄清或者修改。", label="第二十七条")
    assert quoted.endswith("修改**。采购人……应当在原公告发布媒体上发布更正公告。"), quoted


def test_context_and_history_join_paragraphs_without_a_space() -> None:
    from assistant.qa.condense import format_history
    from assistant.qa.context import build_context, render_context

    assert "。 " not in render_context(build_context([_hit(TWO_PARAGRAPHS)]))
    assert "助手：答：甲。乙" in format_history([("问", "答：甲。\n乙")])
