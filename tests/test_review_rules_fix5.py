"""Review rules, QA report 5a: real ruled clauses that passed review (D1), checklist points that said
「未发现问题」 without their facts (D2, D6), bases and wording of the wrong regime (D7) and exemplar
candidates outside a rule's scope (D14). Each risky clause is paired with a lawful near-miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embeddings import FakeEmbeddings
from assistant.review.catalogue import load_catalogue
from assistant.review.checklist import ChecklistSpec, CheckSpec
from assistant.review.exemplar import ExemplarSettings, ExemplarStep
from assistant.review.pipeline import Reviewer
from assistant.schema import ReviewReport

GOV = "本项目为政府采购项目（服务类），采购人：某单位。\n"


def _review(reviewer: Reviewer, text: str) -> ReviewReport:
    return reviewer.review_text(text, use_llm=False)


def _serious(reviewer: Reviewer, text: str) -> set[str]:
    return {f.rule_id for f in _review(reviewer, text).findings if f.severity in ("high", "medium")}


@pytest.mark.parametrize(("text", "rule_id"), [
    # D1 (a): driving time to the purchaser is distance by another name (ccgp.gov.cn ruling)
    ("提供投标人营业执照复印件及距离采购人百度地图驾车最短用时截图，用时30分钟以内得4分，其余得0分", "T21"),
    # D1 (b): a precondition that tells the purchaser who bids, with 投标无效
    ("投标人须在开标前三个日历天前申请加入项目钉钉群，未加入的投标无效；", "T29"),
    ("投标人须在开标前到采购人处报名并领取报名确认函，未报名的投标无效；", "T29"),
    # D1 (c): 87号令第二十二条 returns unsuccessful bidders' samples
    ("投标样品递交：■需要，投标人须在投标截止前递交核心设备样品一套，样品不予退还，由采购人留存。", "T36"),
    # D1 (d): an honour named after one city, without the word 市级
    ("投标人获得过“金华市优秀供应商”称号的得4分", "T22"),
])
def test_ruled_clause_is_flagged_under_its_rule(reviewer: Reviewer, text: str, rule_id: str) -> None:
    assert rule_id in _serious(reviewer, GOV + text)


@pytest.mark.parametrize(("text", "rule_id"), [
    ("售后服务：接到报修通知后30分钟内响应，2小时内到达现场的得4分。", "T21"),
    ("中标人服务人员接到通知后驾车30分钟内到达采购人处。", "T21"),
    ("潜在投标人可自愿加入项目钉钉群接收澄清通知，是否加入不影响投标。", "T29"),
    ("中标人应在中标通知书发出后5日内到采购人处办理合同签订手续。", "T29"),
    ("样品：本项目不要求提供样品。未中标人的样品（如有）在中标通知书发出后5个工作日内退还。", "T36"),
    ("中标人的样品不予退还，由采购人封存作为履约验收参考。", "T36"),
    ("投标人获得过国家级“全国质量奖”的得2分。", "T22"),
])
def test_lawful_near_miss_stays_quiet(reviewer: Reviewer, text: str, rule_id: str) -> None:
    assert rule_id not in _serious(reviewer, GOV + text)


def test_precondition_point_does_not_claim_a_clean_search(reviewer: Reviewer) -> None:
    """The checklist said 「检索入库、报名……未发现问题」 next to a 报名 precondition with 投标无效."""
    rep = _review(reviewer, GOV + "投标人须在开标前到采购人处报名并领取报名确认函，未报名的投标无效；")
    t29 = next(i for i in rep.checklist if i.rule_id == "T29")
    assert t29.status == "发现问题"


def test_sample_point_applies_to_services(reviewer: Reviewer) -> None:
    """87号令第二十二条 governs 货物 and 服务: T36 is not 「不适用」 in a service tender."""
    rep = _review(reviewer, GOV + "样品：投标人须提交样品，未中标人的样品在评标结束后5个工作日内退还。")
    t36 = next(i for i in rep.checklist if i.rule_id == "T36")
    assert t36.status == "未发现问题", t36


WORKS = "本项目为依法必须招标的工程建设项目，施工招标，招标人：某建设公司。工程估算价：1000万元。\n"
PREQUAL = "4.1 本项目采用资格预审。{sale}资格预审申请文件递交截止时间为2026年3月{day}日9时30分。"


def _t04(reviewer: Reviewer, text: str) -> tuple[str, str, set[str]]:
    rep = _review(reviewer, text)
    item = next(i for i in rep.checklist if i.rule_id == "T04")
    return item.status, item.note, {f.rule_id for f in rep.findings}


def test_prequal_sale_end_read_before_the_sale_words(reviewer: Reviewer) -> None:
    """D2: 「请于3月2日至3月4日下载资格预审文件……递交截止3月6日」 is 2 days; T04 said 未发现问题 with no facts."""
    sale = "请于2026年3月2日至2026年3月4日下载资格预审文件。"
    status, _, found = _t04(reviewer, WORKS + PREQUAL.format(sale=sale, day=6))
    assert status == "发现问题" and "T04" in found
    status, _, found = _t04(reviewer, WORKS + PREQUAL.format(sale=sale, day=10))  # 6 days: lawful
    assert status == "未发现问题" and "T04" not in found


def test_prequal_period_unread_is_unknown_not_clear(reviewer: Reviewer) -> None:
    """Only the application deadline read: 无法判断, naming the sale end that was not read."""
    status, note, _ = _t04(reviewer, WORKS + PREQUAL.format(sale="", day=6))
    assert status == "无法判断" and "资格预审文件发售（获取）截止" in note and "未核对" in note
    # 政府采购 counts from the notice: that fact read with the deadline is enough
    status, _, _ = _t04(reviewer, GOV + "本项目采用资格预审。资格预审公告发布日期：2026年3月2日。"
                        "资格预审申请文件提交截止时间：2026年3月12日9时。")
    assert status == "未发现问题"


CONTRACT = WORKS + "第四章 合同条款\n工程款支付：按月完成工程量的70%支付进度款；{final}"


@pytest.mark.parametrize(("final", "flagged"), [
    ("竣工验收合格并经审计部门审计决算后付至审定价的97%。", True),
    ("竣工验收合格且双方确认结算后28日内付至结算价的97%。", False),
    ("竣工结算经双方确认后28日内付至结算价的97%，审计结果不作为结算依据，审计不影响付款。", False),
])
def test_payment_after_the_audit_of_the_final_account(reviewer: Reviewer, final: str, flagged: bool) -> None:
    """D6: 「审计决算后付至审定价」 makes the audit the settlement and the payment condition (T18); T17 said
    「全文未出现相关条款」 although the clause is the payment clause."""
    rep = _review(reviewer, CONTRACT.format(final=final))
    assert ("T18" in {f.rule_id for f in rep.findings}) is flagged
    t17 = next(i for i in rep.checklist if i.rule_id == "T17")
    assert t17.status == "未发现问题" and "全文未出现" not in t17.note and "工程款支付" in (t17.clause or "")


EXEMPLAR_RULES = """
version: 1
sources:
  ling87: {title: 政府采购货物和服务招标投标管理办法, aliases: [87号令]}
rules:
  - id: T90
    category: 样品要求不当
    applies_to: 政府采购
    severity: medium
    detect:
      - {type: semantic, candidates: ['无此词'], scope: ''}
    basis:
      - {src: ling87, article: 第二十二条}
    explanation: 样品应当退还。
    suggestion: 退还样品。
    examples:
      violating:
        - 投标人获得市级文明单位称号的得2分
        - 投标人获得省级文明单位称号的得3分
      compliant:
        - 投标人拟派项目负责人具有中级职称的得2分
        - 投标人服务方案包含应急预案的得3分
"""


@pytest.mark.parametrize(("subject", "raised"), [("服务", False), ("货物", True)])
def test_exemplar_candidate_respects_the_points_subjects(tmp_path: Path, subject: str, raised: bool) -> None:
    """D14: a 「与违规示例相似」 candidate was raised under a point the checklist declares 不适用 for the subject."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(EXEMPLAR_RULES, encoding="utf-8")
    catalogue = load_catalogue(rules)
    checklist = ChecklistSpec(checks={"T90": CheckSpec(checked="检索样品要求", subjects=["货物"])})
    step = ExemplarStep(catalogue, FakeEmbeddings(), cache_dir=tmp_path / "cache",
                        settings=ExemplarSettings(min_similarity=0.6, min_margin=0.02))
    r = Reviewer(catalogue, kb=None, use_llm=False, checklist=checklist, exemplar=step)
    rep = r.review_text(f"本项目为政府采购项目（{subject}类），采购人：某单位。\n评分标准：投标人获得市级文明单位称号的，得2分。")
    assert any(f.rule_id == "T90" for f in rep.findings) is raised
    item = next(i for i in rep.checklist if i.rule_id == "T90")
    assert item.status == ("发现问题" if raised else "不适用")


def test_forced_consortium_in_government_procurement_cites_its_own_law(reviewer: Reviewer) -> None:
    """D7: T32 cited 87号令第十九条 (only whether a consortium is accepted) and the 招标投标 fair-competition rules,
    and said 招标人, in a 政府采购 file."""
    rep = _review(reviewer, GOV + "③本项目要求投标人必须与项目所在地的电信运营商组成联合体投标；")
    [f] = [f for f in rep.findings if f.rule_id == "T32"]
    cited = {(b.title, b.article) for b in f.basis}
    assert ("中华人民共和国政府采购法", "第二十四条") in cited and ("中华人民共和国政府采购法实施条例", "第二十条") in cited
    assert not any(b.article == "第十九条" or "招标投标领域" in b.title for b in f.basis)
    assert "采购人" in f.explanation and "招标人" not in f.explanation
    # the same clause in a construction tender keeps the 招标投标法 basis and wording
    [w] = [f for f in _review(reviewer, WORKS + "③本项目要求投标人必须与项目所在地的企业组成联合体投标；").findings
           if f.rule_id == "T32"]
    assert any(b.article == "第三十一条" for b in w.basis) and "招标人" in w.explanation


def test_construction_explanation_does_not_speak_of_government_procurement(reviewer: Reviewer) -> None:
    """D7 (report D11, last paragraph): T24 in a 工程 file began 「政府采购不得以注册资本……」."""
    [f] = [f for f in _review(reviewer, WORKS + "3.4 投标人注册资本不低于人民币1亿元。").findings if f.rule_id == "T24"]
    assert "政府采购" not in f.explanation and "注册资本" in f.explanation
    [g] = [f for f in _review(reviewer, GOV + "投标人注册资本不低于人民币1亿元。").findings if f.rule_id == "T24"]
    assert g.explanation.startswith("政府采购不得")
