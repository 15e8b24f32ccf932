"""Review, task RV7: dev-probe misses of the SME reservation (T45), the procurement method of a
政府采购工程 (T55) and excessive staff or equipment (T26). Each risky clause is paired with a lawful
near-miss that stays unflagged."""

from __future__ import annotations

import pytest

from assistant.review.pipeline import Reviewer

GOV = "本项目为政府采购项目，采购方式：公开招标。\n"


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


WORKS = "本项目为依法必须招标的工程建设项目，施工招标。\n"


# 政府采购法实施条例第二十条第（二）项, 招标投标法实施条例第三十二条第二款第（二）项: conditions out of
# proportion to the project (owned equipment only, senior titles for cleaning, a large staff for one building)
@pytest.mark.parametrize(("head", "text", "flagged"), [
    (GOV, "供应商须自有（非租赁）冷链运输车辆不少于30台，提供行驶证原件备查。（本项目为食堂食材配送）", True),
    (GOV, "供应商须具备满足本项目需要的冷链运输车辆（自有或租赁均可），提供行驶证或租赁合同。", False),
    (WORKS, "（本项目为四层办公楼施工）投标人须自有不少于10台200吨级履带吊（提供购置发票），租赁设备不予认可。", True),
    (WORKS, "投标人拟投入本项目的主要施工机械设备可以自有，也可以租赁，租赁的须提供租赁合同。", False),
    (GOV, "保洁服务项目：投标人拟派服务团队中具有高级职称的人员不少于10人，否则投标无效。", True),
    (GOV, "保洁服务项目：项目负责人须具有中级及以上职称，否则投标无效。", False),
    (GOV, "（本项目为单栋办公楼网络运维）投标人须配备不少于50名本科及以上学历的专职运维人员。", True),
    (GOV, "（本项目为单栋办公楼网络运维）投标人须配备不少于3名专职运维人员。", False),
    # the SME size classes quoted from 工信部联企业〔2011〕300号 restrict nobody
    (GOV, "中小企业划分标准所属行业：物业管理。从业人员100人及以上，且营业收入500万元及以上的为小型企业；"
          "从业人员300人及以上的为中型企业。", False),
])
def test_conditions_out_of_proportion_to_the_project(reviewer: Reviewer, head: str, text: str, flagged: bool) -> None:
    report = reviewer.review_text(head + text, use_llm=False)
    assert any(f.rule_id == "T26" and f.severity == "medium" for f in report.findings) is flagged


# 招标投标法第三十一条第四款, 公平竞争审查规则第六条: a consortium must not be made to take in a local firm,
# whether the tender says 本地 or names the place
@pytest.mark.parametrize(("text", "flagged"), [
    ("投标联合体成员中须至少有一家在婺城区注册的企业", True),
    ("联合体成员中须有一家在浙江省注册登记的企业", True),
    ("联合体成员中须至少有一家具有市政公用工程施工总承包二级资质的企业", False),
    ("本项目接受联合体投标，联合体各方均须在中华人民共和国境内注册", False),
])
def test_a_consortium_made_to_include_a_firm_registered_in_a_named_place(reviewer: Reviewer, text: str,
                                                                         flagged: bool) -> None:
    report = reviewer.review_text(WORKS + text, use_llm=False)
    assert any(f.rule_id == "T32" for f in report.findings) is flagged


# 财库〔2020〕46号第九条 as raised by 财库〔2022〕19号: 10%—20% for goods and services; the works rate given in
# brackets after the goods rate does not make the sentence a works one
@pytest.mark.parametrize(("text", "flagged"), [
    ("对非预留份额采购项目，对小微企业报价给予6%—10%的价格扣除（工程项目为3%—5%），用扣除后的价格参加评审。", True),
    ("对非预留份额采购项目，对小微企业报价给予10%的价格扣除（工程项目为3%—5%），用扣除后的价格参加评审。", False),
    ("工程项目对小微企业报价给予3%的价格扣除，用扣除后的价格参加评审。", False),
])
def test_a_works_rate_in_brackets_does_not_hide_an_outdated_goods_rate(reviewer: Reviewer, text: str,
                                                                       flagged: bool) -> None:
    assert ("T46" in _rules(reviewer, text)) is flagged
