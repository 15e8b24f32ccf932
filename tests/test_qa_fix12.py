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
    # a question for the rules on the topic gets the main rule, not the shorter detail 「需要随样品提交检测报告的，还应当
    # 规定检测机构的要求」, which shared only the question's 规定
    "87号令对样品怎么规定的？", "样品有什么规定？", "关于样品是如何规定的",
])
def test_whether_a_sample_may_be_required_is_answered_by_the_prohibition(lexicon, question):
    article = _article(*SAMPLES)
    assert _key(lexicon, article, question, "政府采购货物和服务招标投标管理办法").startswith(
        "采购人、采购代理机构一般不得要求投标人提供样品")


@pytest.mark.parametrize(("question", "start"), [
    ("招标文件中对样品应当明确哪些内容？", "要求投标人提供样品的，应当在招标文件中明确规定样品制作的标准和要求"),
    ("随样品提交检测报告的，对检测机构有什么规定？", "需要随样品提交检测报告的，还应当规定检测机构的要求"),
])
def test_a_specific_question_on_samples_still_gets_its_detail(lexicon, question, start):
    assert _key(lexicon, _article(*SAMPLES), question, "政府采购货物和服务招标投标管理办法").startswith(start)


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


# ------------------------------------------------------------------------- list items in context
ART_77 = ("第七十七条 供应商有下列情形之一的，处以采购金额千分之五以上千分之十以下的罚款，列入不良行为记录名单，在一至三年内禁止"
          "参加政府采购活动，有违法所得的，并处没收违法所得，情节严重的，由工商行政管理机关吊销营业执照；构成犯罪的，依法追究刑事责任：\n"
          "（一）提供虚假材料谋取中标、成交的；\n（二）采取不正当手段诋毁、排挤其他供应商的；\n（三）与采购人、其他供应商或者采购代理"
          "机构恶意串通的；\n")


def test_an_item_of_a_list_comes_with_the_sentence_that_introduces_it():
    from assistant.qa.citing import key_in_context

    art = _article("政府采购货物和服务招标投标管理办法.md", "第六十四条", "第六十五条")
    assert key_in_context(art, "（四）经评标委员会认定评分畸高、畸低的。") == (
        "评标结果汇总完成后，除下列情形外，任何人不得修改评标结果：……（四）经评标委员会认定评分畸高、畸低的。")
    assert key_in_context(art, "（一）分值汇总计算错误的；") == (
        "评标结果汇总完成后，除下列情形外，任何人不得修改评标结果：（一）分值汇总计算错误的；")
    # the whole introducing sentence, not only its last part after 「；」 (the sanctions come first)
    stated = key_in_context(ART_77, "（一）提供虚假材料谋取中标、成交的；")
    assert stated.startswith("供应商有下列情形之一的，处以采购金额千分之五以上千分之十以下的罚款")
    assert stated.endswith("构成犯罪的，依法追究刑事责任：（一）提供虚假材料谋取中标、成交的；")
    # too long together: the introduction is cut from its start, the item stays whole
    short = key_in_context(ART_77, "（三）与采购人、其他供应商或者采购代理机构恶意串通的；", limit=60)
    assert short.startswith("……") and short.endswith("（三）与采购人、其他供应商或者采购代理机构恶意串通的；")
    assert len(short) == 60
    # a sentence that is no item is left as it is
    assert key_in_context(art, "评标报告签署前，经复核发现存在以上情形之一的，评标委员会应当当场修改评标结果，并在评标报告中记载；") == (
        "评标报告签署前，经复核发现存在以上情形之一的，评标委员会应当当场修改评标结果，并在评标报告中记载；")


def test_a_sections_short_numbered_headline_comes_with_its_next_sentence():
    from assistant.qa.citing import key_in_context

    section = "（二）2026年，强化技术赋能。在全推广使用全省统一招投标交易平台。依托交易平台体系，实现数据实时共享。"
    assert key_in_context(section, "（二）2026年，强化技术赋能。") == "（二）2026年，强化技术赋能。在全推广使用全省统一招投标交易平台。"
    # not a headline that is not the section's first sentence (a list's item: see the test above)
    assert key_in_context("为规范招投标市场，制定本方案。（二）2026年，强化技术赋能。下一句。", "（二）2026年，强化技术赋能。") == "（二）2026年，强化技术赋能。"


def test_the_digest_and_the_key_point_show_an_item_with_its_introduction():
    from assistant.schema import Answer, Citation
    from assistant.ui.render import _citation_block, answer_digest

    art = _article("政府采购货物和服务招标投标管理办法.md", "第六十四条", "第六十五条")
    item = "（四）经评标委员会认定评分畸高、畸低的。"
    c = Citation(title="政府采购货物和服务招标投标管理办法", article="第六十四条", text=art, score=0.9, doc_id="d",
                 doc_type="部门规章", status="现行有效", n=1, key_sentence=item)
    text = "答：……[1]\n\n- 第六十四条 [1]：" + art.replace("\n", "")
    digest = answer_digest(Answer(question="q", answer=text, citations=[c], mode="extractive"))
    assert "任何人不得修改评标结果：……（四）**经评标委员会认定评分畸高、畸低的**。”" in digest
    assert "要点：评标结果汇总完成后，除下列情形外，任何人不得修改评标结果：……（四）" in _citation_block(c, 1)


@pytest.mark.integration
def test_a_stated_item_is_quoted_with_its_introduction(services):
    first = services.qa.ask("评标时发现招标文件中有关评分办法的内容有错误怎么办").answer.split("\n")[0]
    if "（四）经评标委员会认定评分畸高、畸低的。" in first:
        assert "任何人不得修改评标结果：……（四）" in first
    first = services.qa.ask("供应商提供虚假材料谋取中标，会受到什么处罚？").answer.split("\n")[0]
    assert "处以采购金额千分之五以上千分之十以下的罚款" in first


# ------------------------------------------------------------------------- lists, limits, conditions
TIAOLI = "中华人民共和国招标投标法实施条例.md"


def test_a_how_much_question_restating_the_condition_gets_the_figure(lexicon):
    """「招标文件要求中标人提交履约保证金的最高限额是多少」 restates the condition of 「招标文件要求中标人提交履约保证金的，中标人
    应当按照招标文件的要求提交」; the figure is in the next sentence."""
    article = _article(TIAOLI, "第五十八条", "第五十九条")
    assert _key(lexicon, article, "招标文件要求中标人提交履约保证金的最高限额是多少？", "中华人民共和国招标投标法实施条例") == (
        "履约保证金不得超过中标合同金额的10%。")


def test_a_question_for_the_cases_gets_the_list(lexicon):
    article = _article(TIAOLI, "第三十二条", "第三十三条")
    assert _key(lexicon, article, "招标人以不合理的条件限制或者排斥潜在投标人,主要有哪些情形", "中华人民共和国招标投标法实施条例") == (
        "招标人有下列行为之一的，属于以不合理条件限制、排斥潜在投标人或者投标人：")
    # a question whether it is allowed still gets the prohibition
    assert _key(lexicon, article, "招标人可以以不合理的条件限制潜在投标人吗？", "中华人民共和国招标投标法实施条例") == (
        "招标人不得以不合理的条件限制、排斥潜在投标人或者投标人。")


def test_an_item_is_said_under_its_introductions_duty(lexicon):
    """「在提起投诉之前，必须要先质疑吗」: item (一) of 94号令第十九条, under 「投诉人提起投诉应当符合下列条件：」."""
    from assistant.qa.citing import key_in_context

    article = _article("政府采购质疑和投诉办法.md", "第十九条", "第二十条")
    key = _key(lexicon, article, "在提起投诉之前,必须要先质疑吗?", "政府采购质疑和投诉办法")
    assert key == "（一）提起投诉前已依法进行质疑；"
    assert key_in_context(article, key) == "投诉人提起投诉应当符合下列条件：（一）提起投诉前已依法进行质疑；"


def test_a_lead_in_is_as_long_as_its_list():
    """A short lead-in (「……按照以下情形处理：」) no longer wins a tie over the whole rule by its shortness."""
    article = ("第七百九十三条 建设工程施工合同无效，但是建设工程经验收合格的，可以参照合同关于工程价款的约定折价补偿承包人。\n"
               "建设工程施工合同无效，且建设工程经验收不合格的，按照以下情形处理：\n"
               "（一）修复后的建设工程经验收合格的，发包人可以请求承包人承担修复费用；\n"
               "（二）修复后的建设工程经验收不合格的，承包人无权请求参照合同关于工程价款的约定折价补偿。\n")
    assert key_sentence(article, "建设工程施工合同无效怎么结算", title="中华人民共和国民法典") == (
        "建设工程施工合同无效，但是建设工程经验收合格的，可以参照合同关于工程价款的约定折价补偿承包人。")


# ------------------------------------------------------------------------- question words alone
@pytest.mark.integration
@pytest.mark.parametrize("question", ["是否可以？", "有哪些情形？？？", "第三条是什么", "这样可以吗？", "怎么办", "是指什么？", "到底是指什么？"])
def test_question_words_alone_are_not_answered(services, question):
    """Nothing says what is asked about: 「是否可以？」 was answered from 民法典第五百四十三条, 「第三条是什么」 from
    反垄断法第三条; now the user is asked to say what they mean."""
    answer = services.qa.ask(question)
    assert answer.refused and "不是一个完整的问题" in answer.answer
    assert not answer.citations


@pytest.mark.integration
def test_a_named_article_with_question_words_is_still_answered(services):
    answer = services.qa.ask("招标投标法第三条是什么")
    assert not answer.refused
    assert answer.answer.startswith("答：依据《中华人民共和国招标投标法》第三条")
