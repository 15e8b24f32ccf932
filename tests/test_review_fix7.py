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
