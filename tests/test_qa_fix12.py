"""The key sentence of a question whether an act is allowed: a sentence that takes the asked act as its
condition and then says how (「要求投标人提供样品的，应当在招标文件中明确规定……」) is not the answer when another
sentence of the article says whether (「一般不得要求投标人提供样品，……除外」)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.qa.citing import key_sentence

REGULATIONS = Path(__file__).resolve().parents[1] / "knowledge_base" / "regulations"


def _article(file: str, label: str, following: str) -> str:
    text = (REGULATIONS / file).read_text(encoding="utf-8")
    start = text.index(f"{label} ")
    return text[start:text.index(following, start)]


@pytest.fixture(autouse=True, scope="module")
def _practice_words(lexicon):
    """The lexicon's practice words split the question as Services registers them (「提供样品」 is one word)."""
    from assistant.text_zh import add_user_words

    add_user_words(lexicon.user_words())


def _key(lexicon, article: str, question: str, title: str) -> str | None:
    w = lexicon.gate_words
    return key_sentence(article, question, w.alternatives, w.statute_words, w.generic_terms, title)


SAMPLES = ("政府采购货物和服务招标投标管理办法.md", "第二十二条", "第二十三条")
DEPOSIT = ("中华人民共和国政府采购法实施条例.md", "第三十三条", "第三十四条")


@pytest.mark.parametrize("question", [
    "如果在招标文件中要求投标供应商在中标通知书发出后签订合同前提供样品，是否可以？",
    "采购桌椅可以在招标文件中要求提供样品吗？",
    "招标文件能否要求投标人提供样品？",
])
def test_whether_a_sample_may_be_required_is_answered_by_the_prohibition(lexicon, question):
    article = _article(*SAMPLES)
    assert _key(lexicon, article, question, "政府采购货物和服务招标投标管理办法").startswith(
        "采购人、采购代理机构一般不得要求投标人提供样品")


def test_how_a_sample_is_specified_still_gets_the_sentence_on_the_tender_file(lexicon):
    article = _article(*SAMPLES)
    assert _key(lexicon, article, "招标文件中对样品应当明确哪些内容？", "政府采购货物和服务招标投标管理办法").startswith(
        "要求投标人提供样品的，应当在招标文件中明确规定样品制作的标准和要求")


def test_a_conditional_sentence_stays_the_answer_when_no_sentence_says_whether(lexicon):
    """「可以不设置投标保证金吗」: the 2% cap, whose condition shows the deposit is optional, not the refund deadline."""
    article = _article(*DEPOSIT)
    assert _key(lexicon, article, "政府采购项目可以不设置投标保证金吗？", "中华人民共和国政府采购法实施条例").startswith(
        "招标文件要求投标人提交投标保证金的，投标保证金不得超过采购项目预算金额的2%")


def test_a_conditional_sentence_that_allows_the_act_is_not_passed_over(lexicon):
    """「招标人具有……能力的，可以自行办理招标事宜」 says whether itself (可以 after the condition)."""
    article = ("第十二条 招标人有权自行选择招标代理机构，委托其办理招标事宜。任何单位和个人不得以任何方式为招标人指定招标代理机构。"
               "招标人具有编制招标文件和组织评标能力的，可以自行办理招标事宜。任何单位和个人不得强制其委托招标代理机构办理招标事宜。")
    assert _key(lexicon, article, "招标人自己有能力组织评标，可以不委托代理机构自己招吗？", "中华人民共和国招标投标法") == (
        "招标人具有编制招标文件和组织评标能力的，可以自行办理招标事宜。")


@pytest.mark.integration
def test_the_issue_question_on_samples_after_the_award_is_answered_by_the_prohibition(services):
    answer = services.qa.ask("近日，有采购人咨询，他们计划采购一批办公家具，如果在招标文件中要求投标供应商在中标通知书发出后"
                             "签订合同前提供样品，是否可以？").answer
    first = answer.split("\n")[0]
    assert first.startswith("答：依据《政府采购货物和服务招标投标管理办法》第二十二条")
    assert "一般不得要求投标人提供样品" in first


def test_a_condition_naming_the_topic_but_not_the_asked_act_is_not_passed_over(lexicon):
    """「履约保证金，可以要求现金吗」 asks about 现金; 「采购文件要求……提交履约保证金的，……应当以……非现金形式提交」 names
    the deposit in its condition, not the cash, and answers."""
    article = _article("中华人民共和国政府采购法实施条例.md", "第四十八条", "第四十九条")
    assert "非现金形式" in (_key(lexicon, article, "履约保证金，可以要求现金吗？", "中华人民共和国政府采购法实施条例") or "")


@pytest.mark.parametrize("question", ["87号令对样品怎么规定的？", "样品有什么规定？", "关于样品是如何规定的"])
def test_a_question_for_the_rules_on_a_topic_gets_the_main_rule(lexicon, question):
    """Not the shorter detail 「需要随样品提交检测报告的，还应当规定检测机构的要求」, which shared only the question's 规定."""
    article = _article(*SAMPLES)
    assert _key(lexicon, article, question, "政府采购货物和服务招标投标管理办法").startswith(
        "采购人、采购代理机构一般不得要求投标人提供样品")


def test_a_specific_question_on_the_topic_still_gets_its_detail(lexicon):
    article = _article(*SAMPLES)
    assert _key(lexicon, article, "随样品提交检测报告的，对检测机构有什么规定？", "政府采购货物和服务招标投标管理办法").startswith(
        "需要随样品提交检测报告的，还应当规定检测机构的要求")
