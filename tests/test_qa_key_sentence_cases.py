"""Which sentence of an article the no-LLM answer quotes first, for questions practitioners ask every day.

- A sentence naming the question's object (「保函等非现金形式」) answers whether that object may be required, though
  it opens with the case of a bond being asked for (「采购文件要求……提交履约保证金的，」).
- A count the question tells (「只来了两家」) is the case of a sentence's rule for fewer participants (「投标人少于3个
  的，不得开标」); 「中标或者成交供应商」 names the 中标供应商.
- How long a notice stays up (「公示多少天」) is its period (「中标公告期限为1个工作日」), not the deadline for putting it
  up (「……2个工作日内……公告」).
- A sentence extending the one before it (「……达到前款规定标准的，必须招标」) gives way to the rule it refers to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.qa.citing import key_sentence

REGULATIONS = Path(__file__).resolve().parents[1] / "knowledge_base" / "regulations"
ZTB_RULES = "中华人民共和国招标投标法实施条例"
ZFCG_RULES = "中华人民共和国政府采购法实施条例"
GOODS = "政府采购货物和服务招标投标管理办法"


@pytest.fixture(autouse=True, scope="module")
def _practice_words(lexicon):
    from assistant.text_zh import add_user_words

    add_user_words(lexicon.user_words())


def _article(file: str, label: str, following: str) -> str:
    text = (REGULATIONS / file).read_text(encoding="utf-8")
    start = text.index(f"{label} ")
    return text[start:text.index(following, start)]


def _key(lexicon, article: str, question: str, title: str) -> str | None:
    w = lexicon.gate_words
    return key_sentence(article, question, w.alternatives, w.statute_words, w.generic_terms, title)


def test_the_sentence_naming_the_asked_object_answers_whether_it_may_be_required(lexicon):
    article = _article("中华人民共和国政府采购法实施条例.md", "第四十八条", "第四十九条")
    key = _key(lexicon, article, "采购人可以拒绝中标供应商的履约保函而要求现金吗？", ZFCG_RULES)
    assert key is not None and "保函等非现金形式提交" in key
    # the cap is still the answer to how much
    cap = _key(lexicon, article, "履约保证金最多不超过多少？", ZFCG_RULES)
    assert cap is not None and "不得超过政府采购合同金额的10%" in cap


@pytest.mark.parametrize("question", ["开标现场只来了两家投标人，还能继续开标吗？", "投标人不足3家还能开标吗？"])
def test_a_told_count_is_the_case_of_the_rule_for_fewer_participants(lexicon, question):
    article = _article("中华人民共和国招标投标法实施条例.md", "第四十四条", "第四十五条")
    key = _key(lexicon, article, question, ZTB_RULES)
    assert key is not None and key.startswith("投标人少于3个的，不得开标")
    # a count the rule does not reach leaves it aside (five bidders are not fewer than three)
    five = _key(lexicon, article, "开标现场只来了五家投标人，有人对开标有异议怎么办？", ZTB_RULES)
    assert five is not None and five.startswith("投标人对开标有异议的")


def test_how_long_a_notice_stays_up_is_its_period_not_the_deadline_to_publish(lexicon):
    article = _article("政府采购货物和服务招标投标管理办法.md", "第六十九条", "第七十条")
    assert _key(lexicon, article, "中标结果公告要公示多少天？", GOODS) == "中标公告期限为1个工作日。"
    # the deadline answers when it must be published
    when = _key(lexicon, article, "中标结果要在几个工作日内公告？", GOODS)
    assert when is not None and when.startswith("采购人或者采购代理机构应当自中标人确定之日起2个工作日内")


def test_a_sentence_extending_the_one_before_gives_way_to_it(lexicon):
    article = _article("必须招标的工程项目规定.md", "第五条", "第六条")
    key = _key(lexicon, article, "监理单位是否必须招标？", "必须招标的工程项目规定")
    assert key is not None and key.startswith("本规定第二条至第四条规定范围内的项目")


def test_what_something_costs_is_its_price_rule_not_another_figure(lexicon):
    """「招标文件能收多少钱」 quoted 「资格预审文件或者招标文件的发售期不得少于5日。」, a figure of days; the article's answer
    is what the fee may cover. A cap stated as a share still answers how much money (「……不得超过……的2%」)."""
    article = _article("中华人民共和国招标投标法实施条例.md", "第十六条", "第十七条")
    key = _key(lexicon, article, "招标文件能收多少钱？", ZTB_RULES)
    assert key is not None and "收取的费用应当限于补偿印刷、邮寄的成本支出" in key
    # how long the sale lasts is still the period
    days = _key(lexicon, article, "招标文件的发售期最少几天？", ZTB_RULES)
    assert days is not None and "发售期不得少于5日" in days
    bond = _article("中华人民共和国招标投标法实施条例.md", "第二十六条", "第二十七条")
    cap = _key(lexicon, bond, "投标保证金最多收多少钱？", ZTB_RULES)
    assert cap is not None and "不得超过招标项目估算价的2%" in cap


def test_a_sentence_saying_what_must_be_done_answers_whether_it_may_be_left_undone(lexicon):
    """「施工单位可以不按图纸施工吗」 quoted 「施工单位在施工过程中发现设计文件和图纸有差错的，应当及时提出意见和建议。」, which
    takes a case and says how; 「……必须按照工程设计图纸……施工」 says whether."""
    article = _article("建设工程质量管理条例.md", "第二十八条", "第二十九条")
    key = _key(lexicon, article, "施工单位可以不按图纸施工吗？", "建设工程质量管理条例")
    assert key is not None and key.startswith("施工单位必须按照工程设计图纸和施工技术标准施工")


def test_the_sentence_on_what_the_act_asks_for_answers_whether_it_may_be_required(lexicon):
    """「招标文件中可以要求投标保证金用现金交纳吗」 quoted the 2% cap of both articles: it shares the question's frame
    (招标文件, 要求, 投标保证金) and not what is asked for (现金). The sentence on the bond's form answers."""
    question = "招标文件中可以要求投标保证金用现金交纳吗?"
    gov = _key(lexicon, _article("中华人民共和国政府采购法实施条例.md", "第三十三条", "第三十四条"), question, ZFCG_RULES)
    assert gov is not None and "保函等非现金形式提交" in gov
    works = _key(lexicon, _article("中华人民共和国招标投标法实施条例.md", "第二十六条", "第二十七条"), question, ZTB_RULES)
    assert works is not None and "以现金或者支票形式提交的投标保证金应当从其基本账户转出" in works
    # a word every sentence names is no such object: the cap still answers whether the bond may be left out
    cap = _key(lexicon, _article("中华人民共和国政府采购法实施条例.md", "第三十三条", "第三十四条"),
               "政府采购项目可以不设置投标保证金吗？", ZFCG_RULES)
    assert cap is not None and "不得超过采购项目预算金额的2%" in cap


def test_an_act_verb_named_by_many_sentences_is_not_what_is_asked_for():
    """「总包单位可以把主体结构分包出去吗」: 分包 is the act, named by most sentences of 建筑法第二十九条; the rule on the
    主体结构 answers."""
    article = ("第二十九条 建筑工程总承包单位可以将承包工程中的部分工程发包给具有相应资质条件的分包单位；但是，除总承包合同中约定的"
               "分包外，必须经建设单位认可。施工总承包的，建筑工程主体结构的施工必须由总承包单位自行完成。\n"
               "建筑工程总承包单位按照总承包合同的约定对建设单位负责；分包单位按照分包合同的约定对总承包单位负责。"
               "总承包单位和分包单位就分包工程对建设单位承担连带责任。\n"
               "禁止总承包单位将工程分包给不具备相应资质条件的单位。禁止分包单位将其承包的工程再分包。")
    key = key_sentence(article, "总包单位可以把主体结构分包出去吗", title="中华人民共和国建筑法")
    assert key is not None and "主体结构的施工必须由总承包单位自行完成" in key
