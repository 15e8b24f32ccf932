"""Wordings of real tenders and rulings the rules missed (the eighth probe writer's file, eval/review_probes/dev8.tsv,
run once before these changes: 136 of 171 violating clauses found). Each case names the rule that must flag the
clause, or stay quiet on a lawful one beside it."""

from __future__ import annotations

import pytest

from assistant.review import numbers as nb
from assistant.review.pipeline import Reviewer

GOV = "本项目为政府采购项目，采购方式：公开招标。\n"
WORKS = "本项目为依法必须招标的工程建设项目，施工招标。\n"
#: a 政府采购 head that names no method: the clause's own 竞争性磋商 decides it
GOV_ANY = "本项目为政府采购项目。\n"
HEADS = {"政府采购": GOV, "工程": WORKS, "政府采购（方式见条款）": GOV_ANY}


def _rules(reviewer: Reviewer, regime: str, clause: str) -> set[str]:
    report = reviewer.review_text(HEADS[regime] + clause, use_llm=False)
    return {f.rule_id for f in report.findings if f.severity in ("high", "medium") and f.source == "rule"}


FLAGGED = [
    # a cash-only bond whose refused forms list the guarantee (「或保函」 read as a guarantee accepted)
    ("T09", "政府采购", "投标保证金：人民币贰万元，须以现金形式交纳，不接受支票、汇票或保函。"),
    ("T09", "政府采购", "投标保证金：人民币伍万元整，须于投标截止时间前以银行转账方式从投标人基本账户汇入代理机构指定账户，"
                    "不接受保函、保险等其他形式。"),
    # a forfeiture case of the file's own
    ("T11", "工程", "投标人在开标后未按要求参加答辩或评标期间不接听评标委员会电话的，其投标保证金不予退还。"),
    ("T11", "工程", "投标保证金为2万元。投标文件存在重大偏差被否决的，或者投标报价存在算术错误拒不确认的，招标人有权没收其投标保证金。"),
    # candidate publicity: the period after 「公示中标候选人，」, and a period written as two dates
    ("T57", "工程", "招标人在收到评标报告后3日内公示中标候选人，公示期为2日。"),
    ("T57", "工程", "中标候选人公示：2024年11月8日（星期五）9:00至2024年11月8日17:00。"),
    # 「招标文件领取时间」, and a range ending on a day of the same month
    ("T02", "工程", "招标文件领取时间：2024年6月10日至6月11日，在招标人后勤管理处基建室领取。"),
    ("T02", "工程", "投标邀请书：2025年6月10日至11日领取招标文件，投标截止时间为6月22日17时。"),
    ("T02", "工程", "招标文件每套售价按招标项目估算价的千分之一收取（本项目为人民币贰万叁仟元），售后不退。"),
    ("T22", "工程", "评标办法：对获得本地区优秀施工质量奖项的投标人，在评标时业绩分加3分。"),
    ("T21", "政府采购", "投标人必须是中华人民共和国国内工商注册企业，具备独立的法人资格，且在顺德区范围内有相关的工商登记及办事机构。"),
    ("T21", "工程", "本项目仅向本市具备能力的A、B、C、D四家施工企业发出投标邀请，外省企业不予邀请。"),
    ("T51", "政府采购", "中标结果公告后，采购人将与中标人就合同价款、付款方式进行商务谈判，谈判一致后签订合同。"),
    ("T03", "工程", "投标人要求招标人对招标文件进行答疑的，应在投标截止时间前10天提交给招标人；招标人应当在投标截止时间5日前答复。"),
    ("T17", "工程", "合同专用条款：发包人因资金原因延期支付工程款的，不视为违约，承包人不得主张逾期付款利息。"),
    ("T55", "政府采购（方式见条款）", "本项目为县第二中学教学楼新建工程（估算价850万元，财政资金），采用竞争性磋商方式采购施工单位。"),
    ("T33", "政府采购", "为本项目提供前期需求调研和整体设计方案编制服务的供应商，可以参加本项目设备采购的投标。"),
    ("T54", "工程", "为方便沟通，已获取招标文件的潜在投标人名单、联系人及电话将在投标截止前于交易平台公示。"),
    ("T27", "政府采购", "售后服务方案（5分）：投标人具有五星级售后服务认证证书的得5分，四星级得3分，无认证不得分。"),
    ("T29", "政府采购", "供应商在购买招标文件时须具有CMMI 4级及以上证书，未提供的不予发售招标文件。"),
    ("T38", "政府采购", "技术评分：投标产品整体性能优于采购需求的得10-15分，满足的得5-9分，基本满足的得0-4分，由评委根据经验判断。"),
    ("T39", "政府采购", "资格条件要求具有《医疗器械经营许可证》；评分标准中“具有有效的《医疗器械经营许可证》的得3分”。"),
    ("T49", "工程", "合同工期不得超过90日历天（定额工期为210日历天），投标人承诺工期超过90天的投标将被否决。"),
    ("T48", "工程", "主体结构工程中的钢筋制作安装、模板工程、混凝土浇筑分别作为三个独立合同单独发包。"),
    ("T45", "政府采购", "本项目预算1200万元（信息化设备），分为一个采购包整体采购，不设置中小企业预留份额，未说明理由。"),
]

QUIET = [
    ("T09", "政府采购", "投标保证金可以现金或保函形式提交。"),
    ("T11", "工程", "投标人在投标有效期内撤销投标文件的，其投标保证金不予退还。"),
    ("T11", "工程", "中标人无正当理由拒签合同的，投标保证金不予退还。"),
    ("T11", "工程", "投标人有串通投标行为的，其投标保证金不予退还。"),
    ("T57", "工程", "中标候选人公示时间：2024年11月8日至2024年11月10日。"),
    ("T57", "工程", "招标人应当自收到评标报告之日起3日内公示中标候选人，公示期不得少于3日。"),
    ("T02", "工程", "招标文件发售时间：2025年3月3日至7日；投标截止时间：2025年3月24日9时30分。"),
    ("T21", "工程", "已获取招标文件的潜在投标人均可参加投标，不限地域。"),
    ("T03", "工程", "潜在投标人对招标文件有异议的，应当在投标截止时间10日前提出，招标人应当自收到异议之日起3日内作出答复。"),
    ("T55", "政府采购（方式见条款）", "本项目为县第二中学操场改造工程（预算金额280万元），采用竞争性磋商方式采购施工单位。"),
    ("T55", "政府采购（方式见条款）", "本项目为办公设备采购（预算金额500万元），采用竞争性谈判方式采购。"),
    ("T54", "工程", "已获取招标文件的潜在投标人名单，招标人应当保密，不得向他人公开。"),
    ("T29", "政府采购", "招标文件免费提供，不得以任何理由拒绝提供招标文件。"),
    ("T39", "政府采购", "投标人须具有《食品经营许可证》。"),
    ("T49", "工程", "合同工期：180日历天（定额工期210日历天）。"),
    ("T48", "工程", "主体结构工程由总承包单位自行完成，其他专业工程可以单独发包。"),
    ("T45", "政府采购", "本项目预算1200万元，不专门面向中小企业采购，理由：本项目需要使用不可替代的专利技术。"),
]


@pytest.mark.parametrize(("rule", "regime", "clause"), FLAGGED)
def test_the_clause_is_flagged(reviewer: Reviewer, rule: str, regime: str, clause: str) -> None:
    assert rule in _rules(reviewer, regime, clause)


@pytest.mark.parametrize(("rule", "regime", "clause"), QUIET)
def test_the_lawful_clause_beside_it_is_quiet(reviewer: Reviewer, rule: str, regime: str, clause: str) -> None:
    assert rule not in _rules(reviewer, regime, clause)


def test_a_range_ending_on_a_day_takes_the_start_month() -> None:
    dates = nb.find_dates("2024年6月10日（星期一）至15日领取")
    assert [d.date.isoformat() for d in dates] == ["2024-06-10", "2024-06-15"]
    assert dates[1].text == "15日"
    # an earlier day is no end of the range
    assert [d.date.isoformat() for d in nb.find_dates("2024年6月10日至5日")] == ["2024-06-10"]


def test_a_short_publicity_written_as_dates_says_its_length(reviewer: Reviewer) -> None:
    report = reviewer.review_text(WORKS + "中标候选人公示：2024年11月8日（星期五）9:00至2024年11月8日17:00。", use_llm=False)
    found = next(f for f in report.findings if f.rule_id == "T57")
    assert found.explanation.startswith("条款数值 1日，低于下限 3日。")
    assert found.evidence is not None and found.evidence.endswith("17:00")
