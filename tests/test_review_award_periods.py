"""Gaps seen on short tenders written like real ones (2026-12-05): a contract signing period longer than the 30 days
the law allows went unflagged (no rule had it: T56), so did a 中标候选人 publicity shorter than 3 days (T57), and a tender whose title names the goods
(「××学校食堂设备采购项目公开招标文件」) but has no 「项目名称：」 line left its object unknown, so its 10-point price
weight went unchecked (T40 「无法判断」)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.review.facts import name_in_title
from assistant.review.pipeline import Reviewer
from assistant.schema import Finding

GOV = "本项目为政府采购项目，采购人：婺城区某学校。\n"
WORKS = "本项目为依法必须招标的工程建设项目，施工招标，招标人：某建设公司。工程估算价：1000万元。\n"
REAL_TENDER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tenders" / "政府采购项目公开招标文件.docx"


def _t56(reviewer: Reviewer, text: str) -> list[Finding]:
    return [f for f in reviewer.review_text(text, use_llm=False).findings if f.rule_id == "T56"]


@pytest.mark.parametrize(("head", "article"), [(GOV, ("中华人民共和国政府采购法", "第四十六条")),
                                               (WORKS, ("中华人民共和国招标投标法", "第四十六条"))])
def test_a_signing_period_over_thirty_days_cites_the_regimes_own_article(reviewer: Reviewer, head: str,
                                                                         article: tuple[str, str]) -> None:
    found = _t56(reviewer, head + "中标人须在中标通知书发出后60日内与招标人签订合同。")
    assert len(found) == 1 and found[0].severity == "medium"
    assert "60日" in found[0].explanation and "30日" in found[0].explanation
    assert article in {(b.title, b.article) for b in found[0].basis}


@pytest.mark.parametrize("clause", [
    "中标人须在中标通知书发出后30日内签订合同。",
    # the nearest period before the signing words is the signing period; the 45 days are the bond's
    "中标人应在收到中标通知书后45日内提交履约保证金，并于中标通知书发出之日起30日内签订合同。",
    # a period that starts at the signing is not the signing period
    "中标通知书发出后，中标人应在签订合同后60日内完成供货安装。",
    # a day count with no award notice near it
    "采购人应在收到发票后45日内与供应商签订结算确认单并支付合同款。",
])
def test_a_lawful_or_unrelated_period_is_quiet(reviewer: Reviewer, clause: str) -> None:
    assert not _t56(reviewer, GOV + clause), clause


@pytest.mark.parametrize(("title", "name"), [
    ("金华市婺城区某学校食堂设备采购项目公开招标文件", "金华市婺城区某学校食堂设备采购项目"),
    ("婺城区某路段改造工程施工招标文件", "婺城区某路段改造工程施工"),
    ("某单位物业管理服务项目竞争性磋商文件", "某单位物业管理服务项目"),
    ("政府采购项目公开招标文件", None),  # every tender's title: no name
    ("招标文件", None),
    ("上传文件(1)", None),
])
def test_the_project_named_by_the_title(title: str, name: str | None) -> None:
    assert name_in_title(title) == name


def _tender(tmp_path: Path, price: str) -> Path:
    path = tmp_path / "t.md"
    path.write_text("# 金华市婺城区某学校食堂设备采购项目公开招标文件\n\n## 第一章 投标邀请\n\n"
                    "采购人：婺城区某学校。采购预算：人民币360万元。供应商须具有独立承担民事责任的能力。\n\n"
                    f"## 第三章 评标办法\n\n评标方法：综合评分法。{price}\n", encoding="utf-8")
    return path


def test_a_title_naming_goods_sets_the_object_and_the_price_weight_is_checked(reviewer: Reviewer, tmp_path: Path) -> None:
    # force: two clauses are too few for a whole tender (the size check is not what is tested)
    report = reviewer.review(_tender(tmp_path, "价格分值为10分。"), use_llm=False, force=True)
    assert report.facts["project_name"] == "金华市婺城区某学校食堂设备采购项目"
    assert report.facts["subject"] == "货物" and report.facts["price_weight"] == 0.1
    t40 = [f for f in report.findings if f.rule_id == "T40"]
    assert t40 and "低于货物项目30%的下限" in t40[0].explanation
    # a lawful weight read from a sentence is checked, not left 「无法判断」
    lawful = reviewer.review(_tender(tmp_path, "价格分值为30分。"), use_llm=False, force=True)
    status = {c.rule_id: c.status for c in lawful.checklist}
    assert lawful.facts["price_weight"] == 0.3 and status["T40"] == "未发现问题"


def test_the_real_tenders_signing_clause_is_checked_and_lawful(reviewer: Reviewer) -> None:
    if not REAL_TENDER.exists():
        pytest.skip("real tender not available")
    report = reviewer.review(REAL_TENDER, use_llm=False)
    t56 = next(c for c in report.checklist if c.rule_id == "T56")
    assert t56.status == "未发现问题" and "30日内" in (t56.clause or "")
    assert report.facts["project_name"] == "全国司法加密网专线传输项目"  # the 「项目名称：」 line wins over the title


def test_an_unknown_object_is_named_as_the_reason_a_price_weight_went_unchecked(reviewer: Reviewer) -> None:
    """With the object of procurement unknown the price-weight check does not read the scoring at all: the
    checklist said 「未能从评分表读取价格分分值」 of a tender that states 「价格分值为10分」."""
    report = reviewer.review_text(GOV + "评标方法：综合评分法。价格分值为10分。", use_llm=False)
    assert report.facts.get("subject") is None
    t40 = next(c for c in report.checklist if c.rule_id == "T40")
    assert t40.status == "无法判断" and t40.note.startswith("未能判断采购标的类型") and "评分表" not in t40.note


@pytest.mark.parametrize("clause", ["中标候选人公示期为2日。", "评标结果公示时间：1个工作日。",
                                    "招标人在收到评标报告后7日内公示中标候选人，公示期3日。"])
def test_a_short_or_late_candidate_publicity_is_flagged_for_works(reviewer: Reviewer, clause: str) -> None:
    found = [f for f in reviewer.review_text(WORKS + clause, use_llm=False).findings if f.rule_id == "T57"]
    assert len(found) == 1
    assert ("中华人民共和国招标投标法实施条例", "第五十四条") in {(b.title, b.article) for b in found[0].basis}


@pytest.mark.parametrize("clause", ["中标候选人公示期为3日。", "中标候选人公示期：5个工作日。",
                                    "招标人应当自收到评标报告之日起3日内公示中标候选人，公示期不得少于3日。"])
def test_a_lawful_candidate_publicity_is_quiet(reviewer: Reviewer, clause: str) -> None:
    assert "T57" not in {f.rule_id for f in reviewer.review_text(WORKS + clause, use_llm=False).findings}


def test_candidate_publicity_is_not_a_procurement_rule(reviewer: Reviewer) -> None:
    """政府采购 publishes the award for 1 working day (87号令第六十九条) and has no candidate publicity."""
    report = reviewer.review_text(GOV + "中标候选人公示期为2日。", use_llm=False)
    assert "T57" not in {f.rule_id for f in report.findings}
    assert next(c for c in report.checklist if c.rule_id == "T57").status == "不适用"


@pytest.mark.parametrize("clause", ["投标人对评标结果有异议的，应当在中标结果公告发布后提出。",
                                    "投标人对评标结果有异议的，应在中标候选人公示期满后3日内书面提出。"])
def test_an_objection_to_the_result_put_after_the_publicity_is_flagged(reviewer: Reviewer, clause: str) -> None:
    """The objection to the evaluation result belongs in the publicity period (实施条例第五十四条第二款); the
    first clause only drew a low-confidence look-alike candidate."""
    found = [f for f in reviewer.review_text(WORKS + clause, use_llm=False).findings if f.rule_id == "T05"]
    assert found and found[0].severity == "medium" and found[0].source != "exemplar"
    assert [(b.title, b.article) for b in found[0].basis] == [("中华人民共和国招标投标法实施条例", "第五十四条")]


def test_a_clause_with_two_problems_of_one_rule_names_both(reviewer: Reviewer) -> None:
    """One finding per rule and clause named only the first problem and its article: the late objection to the
    result and 实施条例第五十四条 went unsaid."""
    clause = ("潜在投标人对招标文件有异议的，应在招标文件发布之日起2日内提出；"
              "投标人对评标结果有异议的，应当在中标结果公告发布后提出。")
    found = [f for f in reviewer.review_text(WORKS + clause, use_llm=False).findings if f.rule_id == "T05"]
    assert len(found) == 1
    assert "同一条款另有一处同类问题：「投标人对评标结果有异议的，应当在中标结果公告发布后提出」。" in found[0].explanation
    assert {b.article for b in found[0].basis} == {"第二十二条", "第五十四条"}
    # two wordings of one problem in one sentence stay one problem
    one = [f for f in reviewer.review_text(GOV + "经营年限：自成立之日起每满一年得0.5分，最高得3分。", use_llm=False).findings
           if f.rule_id == "T24"]
    assert one and "同一条款另有" not in one[0].explanation


def test_an_objection_to_the_result_during_the_publicity_is_quiet(reviewer: Reviewer) -> None:
    clause = "投标人或者其他利害关系人对评标结果有异议的，应当在中标候选人公示期间提出。"
    assert "T05" not in {f.rule_id for f in reviewer.review_text(WORKS + clause, use_llm=False).findings}


@pytest.mark.parametrize("clause", [
    "供应商资格要求：（1）成立时间满3年；（2）具有独立承担民事责任的能力；（3）具有物业服务企业二级及以上资质。",
    "供应商应具备下列条件：（1）具有独立承担民事责任的能力；（2）具有物业服务企业二级及以上资质。",
])
def test_an_item_under_a_qualification_lead_in_is_a_qualification(reviewer: Reviewer, clause: str) -> None:
    """An abolished qualification listed as the third item of 「供应商资格要求：」 in one paragraph was missed: the item's
    own sentence has no qualification word (须、应当具有……) and the section heading was not 资格."""
    found = [f for f in reviewer.review_text(GOV + clause, use_llm=False).findings if f.rule_id == "T27"]
    assert found and found[0].evidence == "物业服务企业二级及以上资质"


def test_an_item_under_another_lead_in_is_not(reviewer: Reviewer) -> None:
    clause = "项目概况：（1）服务地点为某街道办事处；（2）服务内容包括原物业服务企业资质移交后的档案整理。"
    assert "T27" not in {f.rule_id for f in reviewer.review_text(GOV + clause, use_llm=False).findings}


def test_a_working_day_period_is_shown_in_working_days(reviewer: Reviewer) -> None:
    """「3个工作日」 was shown as 「条款数值 3日，低于下限 7日」 against a law that says 7个工作日, under an explanation
    about 工程 objections in a 政府采购 report."""
    clause = "供应商认为采购文件使自己的权益受到损害的，应在获取采购文件之日起3个工作日内提出质疑。"
    [t05] = [f for f in reviewer.review_text(GOV + clause, use_llm=False).findings if f.rule_id == "T05"]
    assert t05.explanation.startswith("条款数值 3个工作日，低于下限 7个工作日。")
    assert "投标截止时间10日前" not in t05.explanation


@pytest.mark.parametrize("clause, shown", [
    ("供应商认为采购文件使自己的权益受到损害的，可以在收到采购文件之日起七日内提出质疑。", "条款数值 7日（至多含5个工作日），低于下限 7个工作日。"),
    ("对中标结果有异议的，应在结果公告发布之日起8日内提出质疑。", "条款数值 8日（至多含6个工作日），低于下限 7个工作日。"),
    ("供应商应在中标公告发布之日起5日内以书面形式提出质疑，逾期不予受理。", "条款数值 5日，低于下限 7个工作日。"),
])
def test_a_challenge_period_in_calendar_days_holds_too_few_working_days(reviewer: Reviewer, clause: str,
                                                                        shown: str) -> None:
    """「七日内提出质疑」 was quiet: seven calendar days were compared with 7个工作日 as if equal, though seven days hold
    at most five working days (政府采购法第五十二条)."""
    [t05] = [f for f in reviewer.review_text(GOV + clause, use_llm=False).findings if f.rule_id == "T05"]
    assert t05.explanation.startswith(shown)


@pytest.mark.parametrize("clause", ["供应商认为采购文件使自己的权益受到损害的，可以在收到采购文件之日起10日内提出质疑。",
                                    "供应商可在中标公告期限届满之日起九日内提出质疑。"])
def test_calendar_days_that_can_hold_seven_working_days_are_quiet(reviewer: Reviewer, clause: str) -> None:
    assert "T05" not in {f.rule_id for f in reviewer.review_text(GOV + clause, use_llm=False).findings}
