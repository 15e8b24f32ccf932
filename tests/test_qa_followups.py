"""Multi-turn without a model: a short follow-up keeps the previous question's subject (real knowledge base)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def _ask(services, first: str, follow_up: str):
    previous = services.qa.ask(first)
    return services.qa.ask(follow_up, history=[(first, previous.answer)])


def test_a_follow_up_without_a_subject_is_answered_about_the_previous_one(services) -> None:
    # alone, 「可以要求现金吗」 was answered with 保障中小企业款项支付条例第十三条; joined whole with the previous
    # question, with its 10% cap again
    answer = _ask(services, "履约保证金最多收多少？", "可以要求现金吗")
    assert answer.standalone_question == "履约保证金，可以要求现金吗"
    lead = next(c for c in answer.citations if c.n == answer.metadata["answer_citation"])
    assert (lead.title, lead.article) == ("中华人民共和国政府采购法实施条例", "第四十八条")
    assert "非现金形式" in answer.answer.splitlines()[0]


def test_a_follow_up_about_consequences_is_not_answered_from_an_unrelated_law(services) -> None:
    # alone, 「违反了怎么处罚」 was stated as answered by 反不正当竞争法第三十八条 (治安管理处罚)
    answer = _ask(services, "中标候选人公示期是多长？", "违反了怎么处罚")
    assert answer.standalone_question.startswith("中标候选人")
    assert all(c.title != "中华人民共和国反不正当竞争法" for c in answer.citations)


def test_a_regime_follow_up_switches_the_regime(services) -> None:
    answer = _ask(services, "政府采购的投标保证金最多收多少？", "那工程的呢")
    assert answer.answer.startswith("答：依据《中华人民共和国招标投标法实施条例》第二十六条")


def test_an_unrelated_question_after_a_legal_one_is_still_refused(services) -> None:
    assert _ask(services, "政府采购合同签订期限是多少天？", "明天杭州天气怎么样？").refused


def test_a_follow_up_in_everyday_words_finds_the_refusal_to_sign_rule(services) -> None:
    # 「不签」 is the statute's 拒绝签订 (实施条例第四十九条: the next candidate, or a new procurement)
    answer = _ask(services, "政府采购合同签订期限是多少天？", "逾期不签怎么办")
    assert ("中华人民共和国政府采购法实施条例", "第四十九条") in [(c.title, c.article) for c in answer.citations[:2]]
