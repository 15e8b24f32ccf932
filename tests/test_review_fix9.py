"""Review, task RV9: dev-probe misses fixed with general detectors. Each risky clause is paired with a
lawful near-miss that stays quiet, and each new detector cites the article whose text the KB holds."""

from __future__ import annotations

import pytest

from assistant.review.pipeline import Reviewer

GOV = "本项目为政府采购项目，采购方式：公开招标。\n"
WORKS = "本项目为依法必须招标的工程建设项目，施工招标。\n"


def _findings(reviewer: Reviewer, head: str, text: str) -> dict[str, tuple[str, list[str]]]:
    """rule id -> (severity, cited articles as 「title第N条」) of each finding."""
    report = reviewer.review_text(head + text, use_llm=False)
    return {f.rule_id: (f.severity, [f"{b.title}{b.article}" for b in f.basis]) for f in report.findings}


def _serious(reviewer: Reviewer, head: str, text: str) -> set[str]:
    return {r for r, (sev, _) in _findings(reviewer, head, text).items() if sev in ("high", "medium")}


# --------------------------------------------------------------------------- T02 prequalification document fee


@pytest.mark.parametrize("text", [
    "资格预审文件获取方式：申请人须向采购代理机构缴纳资格预审文件工本费300元后领取。",
    "资格预审文件每套售价200元，售后不退。",
    "获取资格预审文件须缴纳文件费200元。",
])
def test_a_fee_for_the_prequalification_document_in_government_procurement(reviewer: Reviewer, text: str) -> None:
    found = _findings(reviewer, GOV, text)
    assert "T02" in found, found
    assert found["T02"][1] == ["政府采购货物和服务招标投标管理办法第二十一条"]


@pytest.mark.parametrize(("head", "text"), [
    (GOV, "资格预审文件免费提供，申请人可在交易平台下载。"),
    (GOV, "资格预审文件的获取：不收取任何费用。"),
    (GOV, "招标文件每套售价300元，售后不退。"),
    # 工程: the implementing regulation allows a cost price for prequalification documents
    (WORKS, "资格预审文件每套售价200元，售后不退。"),
    # the applicant's own costs of preparing its application are no fee
    (GOV, "申请人编制和递交资格预审文件所发生的费用自理。"),
    (GOV, "申请人准备资格预审文件的费用由申请人自行承担。"),
])
def test_a_free_prequalification_document_or_a_works_one_at_cost_is_quiet(reviewer: Reviewer, head: str, text: str) -> None:
    assert "T02" not in _findings(reviewer, head, text)


# --------------------------------------------------------------------------- T52 site visit inside the provision period


@pytest.mark.parametrize(("text", "flagged"), [
    ("现场考察时间：招标公告发布之日起第2日上午9:00，集合地点为采购人办公楼一楼大厅。", True),
    ("开标前答疑会定于采购公告发布后第3日召开。", True),
    ("现场考察时间：招标公告发布之日起第9日上午9:00。", False),
    ("采购人定于招标公告发布之日起第8日组织现场考察。", False),
])
def test_site_visit_days_after_the_notice(reviewer: Reviewer, text: str, flagged: bool) -> None:
    found = _findings(reviewer, GOV, text)
    assert ("T52" in found) is flagged, found
    if flagged:
        assert found["T52"][1] == ["政府采购货物和服务招标投标管理办法第二十六条"]


def test_a_day_counted_from_the_end_of_the_provision_period_is_no_short_period(reviewer: Reviewer) -> None:
    """「提供期限截止后第2日」 is two days after the period, not a period of two days (T01, T02) nor a visit
    inside it (T52)."""
    text = "现场考察时间：招标文件提供期限截止后第2日上午9:00，集合地点为采购人办公楼一楼大厅。"
    assert not {"T01", "T02", "T52"} & set(_findings(reviewer, GOV, text))


def test_site_visit_timing_is_not_checked_in_works(reviewer: Reviewer) -> None:
    # the works regulation forbids visits of single bidders, it sets no time relative to the provision period
    assert "T52" not in _findings(reviewer, WORKS, "现场踏勘时间：招标公告发布之日起第2日上午9:00。")


# --------------------------------------------------------------------------- T39 audited report of a given year scored


@pytest.mark.parametrize(("text", "flagged"), [
    ("财务状况｜3分｜提供经审计的2024年度财务报告的得3分。", True),
    ("提供2023年度财务审计报告的得2分。", True),
    ("提供财务状况报告的得1分。", True),
    ("资格条件：提供经审计的2024年度财务报告。", False),
])
def test_the_audited_report_of_a_year_as_a_scoring_item(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T39" in _findings(reviewer, GOV, text)) is flagged


def test_a_new_firm_offered_another_document_is_no_age_threshold(reviewer: Reviewer) -> None:
    lawful = "资格条件：提供经审计的2024年度财务报告（成立不满一年的提供银行资信证明）。"
    assert "T24" not in _serious(reviewer, GOV, lawful)
    assert "T24" in _serious(reviewer, GOV, "供应商成立不满3年的，不得参加本项目投标。")
    assert "T24" in _serious(reviewer, GOV, "投标人成立时间须满3年。")


# --------------------------------------------------------------------------- T54 filing the tender (浙江)


@pytest.mark.parametrize(("text", "flagged"), [
    ("本招标文件于2025年9月22日报送行政监督部门备案，同日在交易平台发出。", True),
    ("招标人在发出招标文件2个工作日前将招标文件送行政监督部门备案。", True),
    ("招标文件发出后，招标人将其报送行政监督部门备案。", True),
    ("本招标文件已于2025年9月12日报送行政监督部门备案，于2025年9月22日在交易平台发出。", False),
    ("招标人应当在发出招标文件五个工作日前将招标文件送有关行政监督部门备案。", False),
    ("中标结果发布后，招标人将招标投标情况书面报告报送行政监督部门备案。", False),
    ("合同签订后7日内，招标人将合同副本报送行政监督部门备案。", False),
    # filing a clarification or amendment is another duty
    ("招标人对已发出的招标文件进行澄清或修改后，应将澄清或修改内容报行政监督部门备案。", False),
    ("招标文件发布后如有澄清，招标人应同时报行政监督部门备案。", False),
])
def test_tender_filed_too_late(reviewer: Reviewer, text: str, flagged: bool) -> None:
    found = _findings(reviewer, WORKS, text)
    assert ("T54" in found) is flagged, found
    if flagged:
        assert found["T54"][1] == ["浙江省招标投标条例第十九条"]


def test_no_filing_needed_cites_the_filing_article(reviewer: Reviewer) -> None:
    found = _findings(reviewer, WORKS, "本项目招标文件无需备案，由招标人自行审核后直接发布。")
    assert found["T54"][1] == ["浙江省招标投标条例第十九条"]


# --------------------------------------------------------------------------- T47 split, then let without a tender


@pytest.mark.parametrize(("text", "flagged"), [
    ("本项目施工部分（估算价1150万元）拆分为主体、安装、室外附属三个合同，每个合同估算价均低于400万元，"
     "由建设单位直接委托施工单位实施。", True),
    ("本项目按道路、桥梁两个专业划分为2个标段，每个标段均依法公开招标。", False),
    ("依法必须招标的项目不得拆分为若干合同后直接委托施工单位。", False),
    ("本工程划分为两个标段，达到必须招标规模的标段公开招标，其余零星维修按限额以下项目组织发包。", False),
])
def test_split_contracts_let_directly(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T47" in _findings(reviewer, WORKS, text)) is flagged


# --------------------------------------------------------------------------- T26 test reports for every parameter


@pytest.mark.parametrize(("text", "flagged"), [
    ("投标产品须提供省级以上检测机构出具的全部性能参数检测报告（含非强制性指标），未提供的投标无效。", True),
    ("投标产品所有技术参数均须提供第三方检测报告，否则投标无效。", True),
    ("▲关键参数须提供具有CMA资质的检测机构出具的检测报告，其余参数以投标人承诺为准。", False),
    ("投标人提供的检测报告应为法律法规规定的强制性检测项目报告。", False),
    ("投标人应对所有技术参数逐条响应，并提供相应的证明材料（检测报告、产品彩页等均可）。", False),
    ("投标人须提供所投产品的全部技术参数证明材料（检测报告或产品说明书），未提供的视为不满足。", False),
])
def test_test_reports_for_every_parameter(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T26" in _serious(reviewer, GOV, text)) is flagged


# --------------------------------------------------------------------------- T22 experience for renowned customers only


@pytest.mark.parametrize(("text", "flagged"), [
    ("类似项目业绩｜5分｜供应商近三年为国内外主流整车厂（如一汽、上汽、长安等）提供过HIL测试平台并顺利投入使用的，"
     "每提供一项证明文件得1分，满分5分。", True),
    ("投标人近三年为世界500强企业提供过数据中心运维服务的，每个项目加2分。", True),
    ("投标人近三年具有HIL测试平台供货业绩的，每提供一项得1分，满分5分（不限客户类型）。", False),
    ("投标人为知名企业提供过服务的，须提供合同复印件。", False),
    # the product's maker, not the bidder's customers (no experience named)
    ("投标产品为主流厂商生产的得2分。", False),
])
def test_experience_for_renowned_customers_only(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T22" in _findings(reviewer, GOV, text)) is flagged


# --------------------------------------------------------------------------- T35 appearance of one catalogue model


@pytest.mark.parametrize(("text", "flagged"), [
    ("光纤配线架：箱体门须为正面左向单开，箱体颜色须为RAL7035，侧板须设12个呈菱形排列的散热孔。", True),
    ("机柜颜色须为RAL7035（与机房现有机柜一致），前门为单开网孔门。", False),
    ("箱体颜色须为RAL7035，防护等级不低于IP55。", False),
    ("柜门可左右互换开启，颜色为RAL7035或近似色。", False),
])
def test_colour_code_with_door_side_or_vent_layout(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T35" in _findings(reviewer, GOV, text)) is flagged


# --------------------------------------------------------------------------- T38 points for equipment beyond the need


@pytest.mark.parametrize(("text", "flagged"), [
    ("在满足项目基本要求下，响应供应商每投入一台重型载货专项作业车的，得3分，满分3分", True),
    ("评分标准：在满足采购需求的基础上，每多配备1台清扫车得1分，最高3分。", True),
    ("评分标准：拟投入车辆满足采购需求配置（2台小型桶装收运车）的得3分，不满足的不得分。", False),
    ("投入设备：本项目须配备小型桶装收运车2台，未配备的投标无效。", False),
])
def test_points_for_each_machine_beyond_the_need(reviewer: Reviewer, text: str, flagged: bool) -> None:
    found = _findings(reviewer, GOV, text)
    assert ("T38" in found) is flagged, found
    if flagged:
        # a hint for a person to check against the need, cited to the article that ties factors to the need
        assert found["T38"] == ("low", ["政府采购货物和服务招标投标管理办法第五十五条"])
