"""Article references in free text: numerals, abbreviations, order numbers, ambiguity."""

from __future__ import annotations

import pytest

from assistant.citations import find_article_refs

ZB = "中华人民共和国招标投标法"
ZBTL = "中华人民共和国招标投标法实施条例"
G87 = "政府采购货物和服务招标投标管理办法"


@pytest.mark.parametrize(
    ("text", "title", "article"),
    [
        ("《招标投标法》第二十四条", ZB, 24),
        ("招标投标法第24条规定", ZB, 24),
        ("《中华人民共和国招标投标法》的第 二十四 条", ZB, 24),
        ("招标投标法实施条例第三十二条", ZBTL, 32),
        ("招投标法实施条例第32条第二款", ZBTL, 32),
        ("国务院令第613号第三十条", ZBTL, 30),
        ("87号令第十七条", G87, 17),
        ("财政部87号令第17条", G87, 17),
        ("财政部令第87号第十七条", G87, 17),
        ("《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十九条第五款", G87, 69),
        ("74号令第四十六条", "政府采购非招标采购方式管理办法", 46),
        ("94号令第十条", "政府采购质疑和投诉办法", 10),
        ("政府采购法第36条", "中华人民共和国政府采购法", 36),
        ("政府采购法实施条例第十八条", "中华人民共和国政府采购法实施条例", 18),
        ("《民法典》第五百八十六条", "中华人民共和国民法典", 586),
        ("民法典第一千二百六十条", "中华人民共和国民法典", 1260),
        ("建筑法第二十六条", "中华人民共和国建筑法", 26),
    ],
)
def test_single_reference(text: str, title: str, article: int) -> None:
    refs = find_article_refs(text)
    assert [(r.title, r.article_no) for r in refs] == [(title, article)]
    assert text[refs[0].span[0] : refs[0].span[1]].startswith(refs[0].raw_title) or text.startswith("《")


def test_several_articles_of_one_title() -> None:
    refs = find_article_refs("依据招标投标法第二十四条、第二十九条和第30条")
    assert [(r.title, r.article_no) for r in refs] == [(ZB, 24), (ZB, 29), (ZB, 30)]
    assert refs[1].article == "第二十九条"


def test_ambiguous_implementing_regulation_needs_a_law_nearby() -> None:
    assert find_article_refs("实施条例第三条") == []
    assert find_article_refs("《实施条例》第三条") == []
    refs = find_article_refs("招标投标法及其实施条例第三十二条")
    assert [(r.title, r.article_no) for r in refs] == [(ZBTL, 32)]
    refs = find_article_refs("政府采购法和实施条例第十八条")
    assert refs[0].title == "中华人民共和国政府采购法实施条例"


def test_unknown_title_is_kept_raw_and_kb_aliases_extend_the_table() -> None:
    refs = find_article_refs("《某某市招标管理办法》第八条")
    assert refs[0].title is None and refs[0].raw_title == "某某市招标管理办法" and refs[0].article_no == 8
    refs = find_article_refs("测招法第5条", aliases={"测招法": "中华人民共和国测试招标法"})
    assert refs[0].title == "中华人民共和国测试招标法"


def test_no_reference_without_an_article_or_a_title() -> None:
    assert find_article_refs("发标后最快几天可以开标") == []
    assert find_article_refs("第五条规定") == []
    assert find_article_refs("招标投标法规定了什么") == []
    assert find_article_refs("依据《建设工程质量管理条例》的规定") == []
