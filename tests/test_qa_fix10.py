"""Real-question ranking, round 4 (issue 12): how a bid-bond refund is asked, 中标 as one word.

The questions here are written for these tests (not taken from an evaluation set).
"""

from __future__ import annotations

import pytest

from tests.conftest import rank_of

ZTB_TIAOLI = "中华人民共和国招标投标法实施条例"
GOODS = "政府采购货物和服务招标投标管理办法"


@pytest.mark.parametrize("question", ["投标保证金什么时候退？", "没中标的投标保证金一直不退怎么办？"])
def test_a_bid_bond_refund_is_asked_by_the_contract_signing(lexicon, question):
    # the bid bond goes back within days of the contract's signing (实施条例第五十七条, 87号令第三十八条)
    from assistant.qa.understanding import understand

    assert "签订" in understand(question, lexicon).expansions


def test_a_performance_bond_is_not_asked_by_the_contract_signing(lexicon):
    # 招标投标法第六十条: the performance bond of a winner who does not perform is kept; no refund deadline
    from assistant.qa.understanding import understand

    expansions = understand("中标人签了合同又不履行，履约保证金还退吗？", lexicon).expansions
    assert "签订" not in expansions and "退还" in expansions


@pytest.mark.parametrize(("text", "word"), [
    ("向中标人和未中标的投标人退还投标保证金", "中标"),  # was 未/中/标的: the 中标 of 未中标的 was lost
    ("确定中标的供应商", "中标"),
    ("合同的标的、价款", "标的"),  # 标的 standing alone stays 标的
])
def test_zhongbiao_is_one_token(text, word):
    from assistant.text_zh import tokenize

    assert word in tokenize(text)


@pytest.mark.integration
@pytest.mark.parametrize("question", ["项目结束了投标保证金还没退，怎么办？", "投标保证金一直没退还，招标人最晚应当什么时候退？"])
def test_the_refund_rule_ranks_above_the_penalty_for_not_refunding(services, question):
    refund = min(r for r in (rank_of(services, question, ZTB_TIAOLI, "第五十七条"),
                             rank_of(services, question, GOODS, "第三十八条"), 99) if r is not None)
    penalty = rank_of(services, question, ZTB_TIAOLI, "第六十六条") or 99
    assert refund <= 2 and refund < penalty, (question, refund, penalty)
