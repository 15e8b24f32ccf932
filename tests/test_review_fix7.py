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
