"""Follow-up rule (no-LLM mode) and personal-data masking."""

from __future__ import annotations

import pytest

from assistant.qa.condense import format_history, is_follow_up, rule_condense
from assistant.qa.masking import Masker

PREV = "工程类项目的投标保证金最高是多少？"


@pytest.mark.parametrize("q", ["那货物类的呢？", "这个期限是多少", "那么服务类项目呢", "上述规定适用于政府采购吗", "还有呢？"])
def test_short_follow_ups_are_detected(q):
    assert is_follow_up(q)


@pytest.mark.parametrize(
    "q",
    ["政府采购法第二十二条规定了什么？", "依法必须进行招标的项目，投标文件编制时间最短多少天？", "招标投标法对联合体投标有什么规定？"],
)
def test_standalone_questions_are_not_follow_ups(q):
    assert not is_follow_up(q)


def test_follow_up_inherits_the_previous_question():
    assert rule_condense("那货物类的呢？", [(PREV, "……")]) == "工程类项目的投标保证金最高是多少；货物类的呢？"


def test_standalone_question_is_kept_even_with_history():
    q = "政府采购法第二十二条规定了什么？"
    assert rule_condense(q, [(PREV, "……")]) == q


def test_chained_follow_ups_keep_the_original_topic():
    history = [(PREV, "……"), ("那货物类的呢？", "……")]
    assert rule_condense("这个期限是多少", history).startswith("工程类项目的投标保证金最高是多少；货物类的呢")


def test_no_history_means_no_change():
    assert rule_condense("那货物类的呢？", []) == "那货物类的呢？"


def test_history_for_the_prompt_is_short():
    text = format_history([("问" + str(i), "答" * 500) for i in range(5)])
    assert text.count("用户：") == 3 and "……" in text and len(text) < 800


def test_masking_round_trip():
    m = Masker()
    text = "投标人金华某某建设有限公司，法定代表人身份证330702198001011234，手机13812345678，邮箱a.b@x.cn。"
    masked = m.mask(text)
    for secret in ("金华某某建设有限公司", "330702198001011234", "13812345678", "a.b@x.cn"):
        assert secret not in masked
    assert "〔身份证号1〕" in masked and m.unmask(masked) == text
    assert m.mask("金华某某建设有限公司") == "〔单位名称1〕"  # same value, same placeholder


def test_amounts_are_kept_unless_asked():
    assert "100万元" in Masker().mask("预算100万元的项目")
    assert "100万元" not in Masker(mask_amounts=True).mask("预算100万元的项目")


def _lexicon():
    from assistant.config import PROJECT_ROOT
    from assistant.qa.understanding import LEXICON_FILE, Lexicon

    return Lexicon.load(PROJECT_ROOT / "knowledge_base" / LEXICON_FILE)


@pytest.mark.parametrize(("previous", "follow_up", "standalone"), [
    # a subject of its own replaces its analogue in the previous question
    ("投标保证金最多能收多少？", "那履约保证金呢？", "履约保证金最多能收多少"),
    # ... or, with none, stands alone (it was answered with the previous question's article: QA report 2, #6)
    ("中标通知书发出后多少天内签合同", "那履约保证金呢？", "履约保证金呢？"),
    # a regime, a place, a back-reference: the previous question goes on
    ("投标保证金最多能收多少？", "那政府采购项目呢？", "投标保证金最多能收多少；政府采购项目呢？"),
    ("投标保证金最多能收多少？", "浙江呢？", "投标保证金最多能收多少；浙江呢？"),
    ("中标候选人公示期多长？", "这个期限从什么时候起算", "中标候选人公示期多长；这个期限从什么时候起算"),
    # an alternative of a word of the previous question takes its place (QA report 3, D3: 「那投诉呢？」 lost
    # the history, 「那工程项目呢？」「如果是货物项目呢？」 repeated the previous answer)
    ("公开招标的等标期是多少天", "那询价呢？", "询价的等标期是多少天"),
    ("政府采购项目供应商提出质疑的期限是多少？", "那投诉呢？", "政府采购项目供应商提出投诉的期限是多少"),
    ("政府采购项目投标保证金最多收多少？", "那工程项目呢？", "工程项目投标保证金最多收多少"),
    ("政府采购服务项目价格分权重最低是多少？", "如果是货物项目呢？", "政府采购货物项目价格分权重最低是多少"),
    # the bare regime word (「那工程的呢」 was joined to the 政府采购 question and answered with its 2% of the budget)
    ("政府采购的投标保证金最多收多少？", "那工程的呢", "工程的投标保证金最多收多少"),
    ("依法必须招标的工程，投标保证金最多收多少？", "那政府采购的呢", "政府采购，投标保证金最多收多少"),
])
def test_a_follow_up_naming_its_own_subject_asks_the_question_about_it(previous, follow_up, standalone):
    assert rule_condense(follow_up, [(previous, "……")], _lexicon()) == standalone


@pytest.mark.parametrize(("previous", "follow_up", "standalone"), [
    # a comparison with the term the previous question asked the meaning of (「那和邀请招标有什么区别」 became
    # 「什么是邀请招标」, an alternative of 公开招标 put in its place)
    ("什么是公开招标？", "那和邀请招标有什么区别？", "公开招标和邀请招标有什么区别"),
    ("竞争性谈判是什么", "和询价有什么不同", "竞争性谈判和询价有什么区别"),
    # 「跟违法……」 was read as naming a law of its own (…法) and the follow-up stood alone
    ("什么是转包", "跟违法分包的区别呢？", "转包和违法分包有什么区别"),
    # with the term of the previous question sharing a word with it, or an alternative to it
    ("投标保证金最多收多少", "和履约保证金有什么区别", "投标保证金和履约保证金有什么区别"),
    ("质疑期限是多少天", "那和投诉有什么区别", "质疑和投诉有什么区别"),
])
def test_a_follow_up_comparing_a_term_with_the_previous_one_asks_how_they_differ(previous, follow_up, standalone):
    assert is_follow_up(follow_up, _lexicon())
    assert rule_condense(follow_up, [(previous, "……")], _lexicon()) == standalone


@pytest.mark.parametrize(("previous", "follow_up", "standalone"), [
    # 「那招标投标法呢？」 stood alone and was answered with 招标投标法第十七条; 「按招标投标法呢」 was no follow-up
    ("投标保证金最多收多少", "按招标投标法呢", "按照招标投标法，投标保证金最多收多少"),
    ("质疑期限是多少天", "那招标投标法呢？", "按照招标投标法，质疑期限是多少天"),
    ("什么是公开招标", "政府采购法是怎么规定的", "按照政府采购法，什么是公开招标"),
    # the law of a previous law follow-up is replaced, not added to
    ("按照招标投标法，投标保证金最多收多少", "那政府采购法呢？", "按照政府采购法，投标保证金最多收多少"),
    # an article of the law is a question of its own
    ("投标保证金最多收多少", "招标投标法实施条例第二十六条呢？", "招标投标法实施条例第二十六条呢？"),
])
def test_a_follow_up_naming_only_a_law_asks_the_previous_question_of_that_law(previous, follow_up, standalone):
    assert rule_condense(follow_up, [(previous, "……")], _lexicon()) == standalone


@pytest.mark.parametrize(("question", "law"), [
    ("那按招标投标法呢？", "招标投标法"), ("《政府采购法》中怎么规定的", "《政府采购法》"), ("按照招标投标法实施条例呢", "招标投标法实施条例"),
    ("违法分包呢", None), ("招标投标法第十条呢", None), ("那履约保证金呢？", None), ("合法吗", None),
])
def test_only_law_is_a_law_named_and_nothing_else(question, law):
    from assistant.qa.condense import only_law
    assert only_law(question) == law


def test_a_short_question_naming_nothing_of_the_domain_asks_about_the_previous_subject():
    lex = _lexicon()
    # 「可以要求现金吗」 alone was answered from another regulation's 保证金 article; joined whole, the previous
    # question's cap (最多收多少) drowned it
    assert rule_condense("可以要求现金吗", [("履约保证金最多收多少？", "……")], lex) == "履约保证金，可以要求现金吗"
    assert rule_condense("违反了怎么处罚", [("投标保证金最多收多少？", "……")], lex) == "投标保证金，违反了怎么处罚"
    # without the lexicon the old rule applies (not a follow-up: no opener, no back-reference, 7 characters)
    assert rule_condense("违反了怎么处罚", [("投标保证金最多收多少？", "……")]) == "违反了怎么处罚"
    # a question of its own (a subject of the domain) or none at all (no question word) stands alone
    assert rule_condense("串通投标怎么认定？", [("投标保证金最多收多少？", "……")], lex) == "串通投标怎么认定？"
    assert rule_condense("今天下午三点开会讨论", [("投标保证金最多收多少？", "……")], lex) == "今天下午三点开会讨论"


def test_words_the_knowledge_base_never_uses_make_no_follow_up():
    lex = _lexicon()
    vocabulary = "投标保证金不得超过招标项目估算价的2%。违反本条例规定的，由有关行政监督部门责令改正，可以处罚款。"
    assert rule_condense("违反了怎么处罚", [("投标保证金最多收多少？", "……")], lex, vocabulary) == "投标保证金，违反了怎么处罚"
    assert rule_condense("明天天气怎么样？", [("投标保证金最多收多少？", "……")], lex, vocabulary) == "明天天气怎么样？"
