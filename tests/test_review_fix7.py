"""Review, task RV7: dev-probe misses of the SME reservation (T45), the procurement method of a
政府采购工程 (T55) and excessive staff or equipment (T26). Each risky clause is paired with a lawful
near-miss that stays unflagged."""

from __future__ import annotations

import pytest

from assistant.review.pipeline import Reviewer

GOV = "本项目为政府采购项目，采购方式：公开招标。\n"


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    return Reviewer(kb=None, use_llm=False)


def _rules(reviewer: Reviewer, text: str) -> set[str]:
    return {f.rule_id for f in reviewer.review_text(GOV + text, use_llm=False).findings}


# 财库〔2020〕46号第七条: a 150万元 service project suited to SMEs is reserved for them; a form answering
# 「否」 to 「是否专门面向中小企业采购」 says it is not
@pytest.mark.parametrize(("text", "flagged"), [
    ("预算金额：150万元（物业管理服务）；本项目是否专门面向中小企业采购：否", True),
    ("预算金额：150万元（物业管理服务）；本项目是否专门面向中小企业采购：是", False),
    # over 200万元 the whole project need not be reserved when a share is (第八条)
    ("预算金额：500万元（货物）；本项目是否专门面向中小企业采购：否；是否预留份额：是，预留40%的份额面向中小企业", False),
    ("预算金额：500万元（货物）；本项目是否专门面向中小企业采购：否", True),
])
def test_a_form_answering_no_to_the_sme_question_is_not_reserved(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T45" in _rules(reviewer, text)) is flagged


# 财库〔2020〕46号第八条: over 200万元, at least 30% of the budget is reserved for SMEs
@pytest.mark.parametrize(("text", "flagged"), [
    ("本项目预算金额600万元（办公家具采购），预留其中10%的份额通过分包方式面向中小企业。", True),
    ("本项目预算金额600万元（办公家具采购），预留其中30%的份额通过分包方式面向中小企业。", False),
    ("本项目预算金额600万元（办公家具采购），预留40%的预算份额面向中小企业采购。", False),
])
def test_a_reserved_share_below_thirty_percent_is_flagged(reviewer: Reviewer, text: str, flagged: bool) -> None:
    report = reviewer.review_text(GOV + text, use_llm=False)
    t45 = [f for f in report.findings if f.rule_id == "T45"]
    assert bool(t45) is flagged
    if flagged:
        assert "10%" in t45[0].explanation and "30%" in t45[0].explanation
        assert (t45[0].basis[0].title, t45[0].basis[0].article) == ("政府采购促进中小企业发展管理办法", "第八条")


# 政府采购法实施条例第二十五条: a 政府采购工程 not tendered is bought by 竞争性谈判 or 单一来源, not 询价
@pytest.mark.parametrize(("text", "flagged"), [
    ("本项目为政府采购工程（道路修缮，预算150万元，依法不进行招标），采用询价方式确定成交供应商。", True),
    ("本项目为政府采购工程（道路修缮，预算150万元，依法不进行招标），采用竞争性谈判方式确定成交供应商。", False),
    ("本项目为政府采购工程的配套货物（路灯灯具），采用询价方式采购。", False),
    ("政府采购工程依法不进行招标的，应当采用竞争性谈判或者单一来源方式，不得采用询价方式。", False),
])
def test_inquiry_for_government_works_is_flagged(reviewer: Reviewer, text: str, flagged: bool) -> None:
    report = reviewer.review_text(GOV + text, use_llm=False)
    t55 = [f for f in report.findings if f.rule_id == "T55"]
    assert bool(t55) is flagged
    if flagged:
        assert ("中华人民共和国政府采购法实施条例", "第二十五条") in {(b.title, b.article) for b in t55[0].basis}
