"""Rule catalogue and engine: coverage of the checklist, gating, exceptions, numeric checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.errors import ConfigError
from assistant.review.catalogue import catalogue_documents, load_catalogue
from assistant.review.pipeline import Reviewer

# rows the checklist (section 三A) marks deterministic
DETERMINISTIC = {f"T{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                       21, 22, 23, 24, 27, 28, 29, 34, 37, 40, 41, 42, 44, 45, 46, 47, 53)}

GOV_HEAD = "采购人：某某局。采购代理机构：某某公司。本项目为政府采购项目，供应商应按要求投标。项目属性：■货物\n" * 2
WORKS_HEAD = "招标人：某某建设公司。本工程施工招标，承包人、发包人按合同约定。工程估算价：1000万元。\n" * 2


def _ids(reviewer: Reviewer, text: str) -> set[str]:
    return {f.rule_id for f in reviewer.review_text(text).findings}


def _ruled(reviewer: Reviewer, text: str) -> set[str]:
    """The rules the rule step fires (not the exemplar step's low-confidence candidates)."""
    return {f.rule_id for f in reviewer.review_text(text).findings if f.source != "exemplar"}


def test_catalogue_covers_checklist() -> None:
    cat = load_catalogue()
    assert len(cat.rules) >= 40
    assert cat.ids >= DETERMINISTIC
    for rule in cat.rules:
        assert rule.basis, rule.id
        assert all(b.confidence in ("high", "med") for b in rule.basis)
        assert rule.suggestion and rule.explanation
        for b in rule.basis:
            if b.article:
                assert re.fullmatch(r"第[一二三四五六七八九十百千]+条", b.article)


def test_article_routing_by_procurement_type() -> None:
    """招标投标法第二十四条 for works, 政府采购法第三十五条 for goods/services (checklist note)."""
    t01 = load_catalogue().get("T01")
    assert t01 is not None
    assert [(b.title, b.article) for b in t01.basis_for("工程")] == [("中华人民共和国招标投标法", "第二十四条")]
    assert [(b.title, b.article) for b in t01.basis_for("政府采购")] == [("中华人民共和国政府采购法", "第三十五条")]
    # 87号令 is never the source of the 2% bid bond cap (common mistake in the checklist's section 五)
    t09 = load_catalogue().get("T09")
    assert t09 is not None and all("货物和服务" not in b.title for b in t09.basis)


def test_catalogue_documents_for_qa() -> None:
    [(meta, chunks)] = catalogue_documents(PROJECT_ROOT / "knowledge_base" / "review_rules.yaml")
    assert meta.doc_type == "审查要点" and meta.doc_id == "review-rules"
    assert len(chunks) == meta.chunk_count == len(load_catalogue().rules)
    t08 = next(c for c in chunks if c.chunk_id.endswith(":T08"))
    assert "估算价的2%" in t08.text and "第二十六条" in t08.text and "修改建议" in t08.text


def test_broken_catalogue_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nsources: {}\nrules:\n  - id: X\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_catalogue(bad)
    bad.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_catalogue(bad)


def test_procurement_type_gating(reviewer: Reviewer) -> None:
    text = "中标人须在签订合同前缴纳安全文明施工保证金。发包人按结算总额的5%预留质量保证金。"
    assert {"T13", "T15"} <= _ids(reviewer, WORKS_HEAD + text)
    assert not {"T13", "T15"} & _ids(reviewer, GOV_HEAD + text)  # 工程-only rules


def test_legal_notice_and_quotes_are_not_violations(reviewer: Reviewer) -> None:
    ok = (
        "招标人不得要求投标人在本地注册或设立分支机构。\n"
        "根据《中华人民共和国招标投标法实施条例》第三十二条，“以特定行政区域或者特定行业的业绩、奖项作为加分条件”属于限制。\n"
        "本项目是否接受联合体投标：■否 □必须以联合体形式参加\n"
        "中标候选人并列的，按招标文件规定的方式确定；未规定的，采取随机抽取的方式确定中标人。\n"
        "经同意可以将非主体、非关键性工作分包，分包人不得再次分包。\n"
        "发包人不得要求承包人垫资施工。\n"
    )
    assert _ids(reviewer, WORKS_HEAD + ok) == set()


def test_no_points_is_not_a_prohibition(reviewer: Reviewer) -> None:
    """「没有不得分」 in a scoring row scores nothing; the 「不得」 that silences a rule is a prohibition."""
    row = "评分标准：投标人具有AAA级信用等级证书的得2分，没有不得分。"
    assert "T27" in _ids(reviewer, GOV_HEAD + row)
    assert "T27" not in _ids(reviewer, GOV_HEAD + "评分标准：不得将AAA级信用等级证书作为评分因素。")


def test_principle_wording_is_softened(reviewer: Reviewer) -> None:
    r = reviewer.review_text(WORKS_HEAD + "原则上投标人须在本市注册。")
    f = next(f for f in r.findings if f.rule_id == "T21")
    assert f.severity == "low" and "原则上" in f.explanation


def test_findings_carry_evidence_location_and_basis(reviewer: Reviewer) -> None:
    r = reviewer.review_text(WORKS_HEAD + "投标人须在金华市注册或在金华市设有分公司。")
    f = next(f for f in r.findings if f.rule_id == "T21")
    assert f.evidence and f.evidence in f.clause
    assert f.location["paragraph"] == 2 and f.source == "rule"
    assert any(b.title == "中华人民共和国招标投标法实施条例" and b.article == "第三十二条" for b in f.basis)
    # no KB: the basis says so instead of inventing text
    assert all(not b.in_knowledge_base and b.text == "" and b.note for b in f.basis)


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        ("投标保证金：人民币80万元。", "T08", True),  # 4% of 2000万
        ("投标保证金：人民币40万元。", "T08", False),
        ("中标人应提交中标合同金额15%的履约保证金。", "T12", True),
        ("中标人应提交中标合同金额10%的履约保证金。", "T12", False),
        ("评标委员会由4人组成。", "T44", True),
        ("评标委员会由5人组成。", "T44", False),
        ("屋面防水工程保修期为2年。", "T53", True),
        ("屋面防水工程保修期为5年。", "T53", False),
        ("澄清文件于投标截止时间3日前发出，投标截止时间不变。", "T03", True),
        ("澄清将在投标截止时间至少15日前发出，不足15日的顺延。", "T03", False),
    ],
)
def test_numeric_thresholds(reviewer: Reviewer, text: str, rule: str, expected: bool) -> None:
    head = "招标人：某某建设公司。本工程施工招标，承包人、发包人按合同约定。工程估算价：2000万元。\n" * 2
    assert (rule in _ids(reviewer, head + text)) is expected


def test_cross_clause_dates(reviewer: Reviewer) -> None:
    short = WORKS_HEAD + "请于2025年7月1日至2025年7月3日下载招标文件。\n投标截止时间：2025年7月15日9时30分。"
    ids = _ids(reviewer, short)
    assert {"T01", "T02"} <= ids
    ok = WORKS_HEAD + "请于2025年7月1日至2025年7月7日下载招标文件。\n投标截止时间：2025年7月22日9时30分。"
    assert not {"T01", "T02"} & _ids(reviewer, ok)


def test_validity_mismatch(reviewer: Reviewer) -> None:
    assert "T06" in _ids(reviewer, WORKS_HEAD + "投标有效期：90日历天。\n投标保证金有效期为开标后30日。")
    assert "T06" not in _ids(reviewer, WORKS_HEAD + "投标有效期：90日历天。\n投标保证金有效期同投标有效期。")


def test_findings_sorted_and_deduped(reviewer: Reviewer) -> None:
    r = reviewer.review_text(WORKS_HEAD + "须在本市注册，须在本市设立分公司。\n评委酌情打分。")
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[f.severity] for f in r.findings] == sorted(order[f.severity] for f in r.findings)
    keys = [(f.location.get("clause_index"), f.rule_id) for f in r.findings]
    assert len(keys) == len(set(keys))


# Paraphrases of wording-based rules, each with compliant counter-examples (precision must hold).
_GOV = GOV_HEAD
_WORKS = WORKS_HEAD


@pytest.mark.parametrize(
    ("rule", "head", "text", "expected"),
    [
        # T29 法定代表人本人/亲自 报名或到场, 原件到现场报名
        ("T29", _WORKS, "投标人的法定代表人须携带本人身份证原件及营业执照原件亲自到招标代理机构办理报名手续。", True),
        ("T29", _WORKS, "报名时须由法定代表人本人持企业营业执照、资质证书原件到现场报名，委托代理人报名的不予受理。", True),
        ("T29", _WORKS, "开标时投标人的法定代表人必须到场，否则投标无效。", True),
        ("T29", _GOV, "潜在供应商须于2025年6月3日前到采购代理机构现场登记报名，未报名的不得参加投标。", True),
        ("T29", _GOV, "供应商应由法定代表人亲自前来报名并领取采购文件。", True),
        ("T29", _WORKS, "投标人无需到现场报名，可在交易平台免费下载招标文件。", False),
        ("T29", _WORKS, "投标人的法定代表人或其委托代理人可以参加开标会，不参加的不影响投标文件的有效性。", False),
        ("T29", _WORKS, "投标文件须加盖单位公章并由法定代表人或其授权代表签字。", False),
        ("T29", _WORKS, "由法定代表人本人签署投标文件的，无需提交授权委托书。", False),
        # T22 地域业绩
        ("T22", _GOV, "投标人须具有金华市范围内已完工的同类项目业绩。", True),
        ("T22", _GOV, "供应商近三年在金华市区域内承接过类似项目的，每个得2分。", True),
        ("T22", _WORKS, "投标人须提供在婺城区完成的市政工程业绩。", True),
        ("T22", _WORKS, "投标人近五年内须具有在金华市区域内完成的单项合同金额不低于1000万元的园林绿化工程施工业绩。", True),
        ("T22", _WORKS, "业绩须为浙江省行政区域内的项目。", True),
        ("T22", _GOV, "具有本地类似服务业绩的得5分。", True),
        ("T22", _GOV, "提供金华地区同类项目业绩的，每提供一个得1分。", True),
        ("T22", _WORKS, "投标人须具有类似工程业绩（业绩不限地域）。", False),
        ("T22", _WORKS, "本项目位于金华市婺城区，投标人应具有类似工程业绩。", False),
        ("T22", _GOV, "业绩证明材料须为中标通知书及合同复印件。", False),
        ("T22", _GOV, "投标人须具有全国范围内的类似项目业绩。", False),
        # T32 强制联合体
        ("T32", _WORKS, "投标人须以联合体形式投标，联合体成员中须有一家为金华市本地企业。", True),
        ("T32", _WORKS, "本项目要求投标人组成联合体参与投标。", True),
        ("T32", _WORKS, "本项目要求投标人与具有风景园林设计甲级资质的单位组成联合体参与投标。", True),
        ("T32", _WORKS, "本项目只接受联合体投标。", True),
        ("T32", _WORKS, "施工单位必须联合本地设计院共同投标。", True),
        ("T32", _WORKS, "本项目接受联合体投标，联合体各方应签订共同投标协议。", False),
        ("T32", _WORKS, "本项目不接受联合体投标。", False),
        ("T32", _WORKS, "联合体投标的，应提交联合体协议书。", False),
        ("T32", _WORKS, "招标人不得强制投标人组成联合体共同投标。", False),
        ("T32", _WORKS, "投标人可以自愿组成联合体投标。", False),
        ("T32", _GOV, "如采购文件要求以联合体形式参加或者要求合同分包的，联合体中的中小企业应在声明函中如实填报。", False),
        ("T32", _GOV, "预留份额的，可要求供应商以联合体形式参加采购活动，且联合体中中小企业承担的部分达到一定比例。", False),
        # T34 brands not in the catalogue's brand list
        ("T34", _GOV, "交互式一体机须采用希沃或鸿合品牌。", True),
        ("T34", _GOV, "投影仪品牌限定为爱普生。", True),
        ("T34", _GOV, "监控摄像机须选用海康或宇视品牌产品。", True),
        ("T34", _GOV, "空调必须使用格力牌或海尔牌。", True),
        ("T34", _GOV, "服务器指定品牌：浪潮、曙光。", True),
        ("T34", _GOV, "投标产品不限品牌，性能须满足技术参数要求。", False),
        ("T34", _GOV, "投标人须在投标文件中注明所投产品的品牌和型号。", False),
        ("T34", _GOV, "所投同类设备须为同一品牌，便于维护。", False),
        ("T34", _GOV, "投标产品须为合格产品，符合国家强制性标准。", False),
        # T43 考察 as a scoring / qualification / award step
        ("T43", _GOV, "评标结束后，采购人将对排名第一的中标候选人进行实地考察，考察不合格的取消其中标资格。", True),
        ("T43", _GOV, "评标委员会将对投标人办公场所进行现场考察，考察情况好的得5分。", True),
        ("T43", _GOV, "采购人将组织对供应商的生产基地进行考察，考察结果作为评审依据。", True),
        ("T43", _WORKS, "资格审查阶段，招标人将对投标人的经营场所进行实地考察，考察不通过的不得进入评标。", True),
        ("T43", _WORKS, "投标人可自行考察项目现场。", False),
        ("T43", _WORKS, "投标人应对项目现场进行踏勘和考察，了解现场条件。", False),
        ("T43", _GOV, "采购人不得通过对供应商实地考察等方式改变评审结果。", False),
        ("T43", _GOV, "采购人应当自收到评标报告之日起5个工作日内确定中标人。", False),
        # T11 / T13 / T31 wording seen in PDF-era reports
        ("T11", _WORKS, "有下列情形之一的，投标保证金不予退还：（1）投标人在投标有效期内撤销投标文件的；（2）投标人未中标且对评标结果提出异议的。", True),
        ("T11", _WORKS, "有下列情形之一的，投标保证金不予退还：（1）投标人在投标截止后撤销投标文件的；（2）中标人在签订合同时向招标人提出附加条件的。", False),
        ("T13", _WORKS, "中标人在签订合同前须另行缴纳农民工工资保证金和文明施工保证金各30万元。", True),
        ("T13", _WORKS, "农民工工资保证金按浙江省有关规定执行，可以银行保函形式提交。", False),
        ("T31", _GOV, "投标人须在金华市区设有不少于2个售后服务网点。", True),
        ("T31", _GOV, "中标人应在接到报修后2小时内响应，24小时内到场处理。", False),
    ],
)
def test_paraphrased_violations(reviewer: Reviewer, rule: str, head: str, text: str, expected: bool) -> None:
    found = [f for f in reviewer.review_text(head + text).findings if f.rule_id == rule and f.severity in ("high", "medium")]
    assert bool(found) is expected, [(f.severity, f.evidence) for f in found]


@pytest.mark.parametrize(
    ("head", "text", "expected"),
    [
        (_GOV, "评标委员会由采购人代表1人+专家4人共5人组成。", False),
        (_GOV, "评标委员会由采购人代表1名、评审专家4名组成。", False),
        (_WORKS, "评标委员会由招标人代表和技术、经济专家组成，成员人数为5人以上单数，其中专家不少于成员总数的三分之二。", False),
        (_WORKS, "评标委员会由招标人代表2名和技术、经济专家5名组成。", False),
        (_GOV, "评标委员会由5人组成，组长由评审专家担任。", False),
        (_GOV, "评标委员会由采购人代表2名、评审专家3名组成。", True),  # experts 3/5 < 2/3
        (_WORKS, "评标委员会由招标人代表2人和专家2人共4人组成。", True),  # even and < 5
        (_WORKS, "评标委员会由3人组成。", True),
        (_GOV, "评标委员会由5人组成，组长由采购人代表担任。", True),
    ],
)
def test_committee_composition(reviewer: Reviewer, head: str, text: str, expected: bool) -> None:
    """T44 counts totals (「共5人」「5人以上单数」) or adds parts, and checks experts ≥ 2/3."""
    assert ("T44" in _ids(reviewer, head + text)) is expected


def test_committee_parts_and_totals() -> None:
    from assistant.review.facts import committee_composition

    assert committee_composition("评标委员会由采购人代表1人+专家4人共5人组成。")[:2] == (5, 4)
    assert committee_composition("评标委员会由采购人代表1名、评审专家4名组成。")[:2] == (5, 4)
    assert committee_composition("评标委员会由5人以上单数组成")[:2] == (5, None)
    # a stated total and the representatives only: the rest are the experts
    assert committee_composition("评标委员会由5人组成，其中招标人代表3人。")[:2] == (5, 2)
    assert committee_composition("评标委员会由7人组成，其中采购人代表1人。")[:2] == (7, 6)
    assert committee_composition("评标委员会成员不足5人的，应补足。") is None


def test_overlapping_clauses_give_one_finding(reviewer: Reviewer) -> None:
    """The same text twice in a row (table row + paragraph, cell + nested row): one finding,
    quoting the most complete clause."""
    text = ("投标人须在金华市区设有不少于3个服务网点。\n"
            "资格要求：投标人须在金华市区设有不少于3个服务网点。并提供租赁合同。\n")
    found = [f for f in reviewer.review_text(GOV_HEAD + text).findings if f.rule_id == "T31"]
    assert len(found) == 1 and found[0].clause.startswith("资格要求")
    far = text + "其他内容。\n" * 5 + "投标人须在金华市区设有不少于3个服务网点。\n"
    assert len([f for f in reviewer.review_text(GOV_HEAD + far).findings if f.rule_id == "T31"]) == 2


def test_first_line_naming_the_type_decides_over_works_words_in_the_object() -> None:
    from assistant.review.facts import extract_facts
    from assistant.review.reader import document_from_text, segment

    text = "本项目为政府采购项目（服务类），采购人：某单位。\n评分标准：承担建设工程规划类技术审查业绩项目，每个得2分。"
    facts = extract_facts(segment(document_from_text(text, "t")))
    assert facts.regime == "政府采购" and facts.subject == "服务"
    works = "本项目为依法必须招标的工程建设项目，施工招标。\n评分标准：类似工程业绩每个得2分。"
    assert extract_facts(segment(document_from_text(works, "w"))).regime == "工程"


def test_no_points_counts_as_a_scoring_phrase_for_require(reviewer: Reviewer) -> None:
    """`require` reads 「不得分」 as 「得0分」 too: a scoring row that only says 「……的不得分」 is a scoring row
    (the goods-policy hint requires one), and 「不得分」 is no prohibition 「不得」 that a require asks for."""
    head = "本项目为政府采购项目（服务类），采购人：某单位。\n"
    row = "物业服务方案：投标人所用清扫机具为节能产品的，视为满足；非节能产品的不得分。"
    hits = [f for f in reviewer.review_text(head + row).findings if f.rule_id == "T38"]
    assert hits and all(f.severity == "low" for f in hits)
    assert not [f for f in reviewer.review_text(head + "物业服务方案：投标人所用清扫机具宜为节能产品。").findings
                if f.rule_id == "T38"]


def test_score_range_and_line_end_score_are_scoring_context(reviewer: Reviewer) -> None:
    """A pasted scoring row often has no section heading and no full stop: 「得0-5分」 and a score
    closing the line still make it a scoring row (the unquantified factor is found); minutes are no score."""
    assert "T38" in _ids(reviewer, GOV_HEAD + "综合能力、经营状况：由评委综合评定，得0-5分")
    assert "T38" in _ids(reviewer, GOV_HEAD + "企业综合实力：由评委综合评定，0～5分")
    assert "T38" not in _ids(reviewer, GOV_HEAD + "企业综合实力较强的供应商，售后响应时间不超过30分钟")


def test_bond_of_non_tender_methods_is_read(reviewer: Reviewer) -> None:
    """磋商/谈判/询价 call the bid bond 磋商保证金 or 响应保证金; its share of the budget is checked too."""
    head = "本项目为政府采购项目，采购方式：竞争性磋商。\n预算金额：180万元。\n"
    assert "T09" in _ids(reviewer, head + "磋商保证金：人民币伍万元整。")
    assert "T09" in _ids(reviewer, head + "响应保证金：人民币4万元")
    assert "T09" not in _ids(reviewer, head + "磋商保证金：人民币3万元。")


def test_bid_and_bond_validity_in_one_clause_and_bond_counted_on_top(reviewer: Reviewer) -> None:
    """Both periods in one clause are read (the bond's no longer hides the bid's); a bond period counted
    on top of the bid validity (「投标有效期满后30日」「超出投标有效期30天」) is not shorter than it."""
    head = "本项目为依法必须招标的工程建设项目，施工招标。\n"
    assert "T06" in _ids(reviewer, head + "投标有效期：90日历天；投标保证金有效期：自投标截止之日起60日")
    # counted on top, the bond is not read as 30 days against 90; it is flagged as running past the bid validity,
    # which 实施条例第二十六条 makes one period with it (the 30 days of the old 30号令 were dropped in 2013)
    for text in ("投标有效期：90日。\n投标保证金有效期：投标有效期满后30日",
                 "投标有效期：90日。\n投标保证金有效期应超出投标有效期30天。"):
        t06 = [f for f in reviewer.review_text(head + text, use_llm=False).findings if f.rule_id == "T06"]
        assert t06 and not any("约30日" in f.explanation for f in t06), text


def test_prequalification_deadline_is_not_the_bid_deadline(reviewer: Reviewer) -> None:
    """Five days from the end of the prequalification sale to the application deadline is lawful
    (实施条例第十七条); it is not a bid period of 20 days cut short."""
    head = "本项目为依法必须招标的工程建设项目，施工招标，采用资格预审。\n"
    text = "资格预审文件发售时间：2024年3月4日至2024年3月8日；资格预审申请文件递交截止时间：2024年3月13日9:00"
    assert "T01" not in _ids(reviewer, head + text)


def test_equal_treatment_guarantee_is_never_a_violation(reviewer: Reviewer) -> None:
    """A sentence that guarantees equal treatment or forbids discrimination restricts nobody, even in the
    qualification section where 「本地企业」 would otherwise be read as a condition (QA2 item 2)."""
    for sentence in ("⑥外地企业与本地企业享有同等待遇，不得设置歧视性条件。",
                     "1.本地企业与外地企业平等对待，不得以注册地排斥外地供应商。",
                     "3.采购人不得限制外地供应商参与，本地供应商与外地供应商一视同仁。"):
        assert _ids(reviewer, GOV_HEAD + "二、申请人的资格要求（须同时满足）\n" + sentence + "\n") == set(), sentence
        assert _ids(reviewer, WORKS_HEAD + "3. 投标人资格要求\n" + sentence + "\n") == set(), sentence
    # a restriction next to it in another sentence is still found; 「不受排名先后限制」 lifts a lawful limit
    mixed = "二、申请人的资格要求\n外地企业与本地企业享有同等待遇。投标人须在本市设有分公司。\n"
    assert "T21" in _ids(reviewer, GOV_HEAD + mixed)
    assert "T42" in _ids(reviewer, GOV_HEAD + "采购人可在中标候选人中择优确定中标人，不受排名先后限制。")


def test_local_database_gate_and_local_subsidiary(reviewer: Reviewer) -> None:
    """A local 入库 gate is T29 with the local-restriction basis; a local subsidiary required of firms from
    elsewhere, even after award, is 地域限制 (T21, high), not a registration formality (QA2 item 3)."""
    head = "本项目为依法必须招标的工程建设项目，施工招标。\n3. 投标人资格要求\n"
    r = reviewer.review_text(head + "3.6 投标人须为婺城区建筑业企业信用评价库内企业，未入库的企业须在投标截止前完成入库。")
    gate = next(f for f in r.findings if f.rule_id == "T29")
    assert {(b.title, b.article) for b in gate.basis} >= {
        ("中华人民共和国招标投标法实施条例", "第三十二条"), ("招标投标领域公平竞争审查规则", "第五条")}
    for h in (head, "本项目为政府采购项目，采购方式：公开招标。\n"):
        r = reviewer.review_text(h + "3.8 外地企业中标后须在婺城区注册成立独立法人子公司。")
        found = {(f.rule_id, f.severity) for f in r.findings}
        assert ("T21", "high") in found and not any(rid == "T29" for rid, _ in found)
    # a post-award service point or a promise stays lawful; a warehouse 入库 or the experts' database is no gate
    for ok in ("中标人应在合同签订后15日内在金华市设立售后服务点，投标时提供承诺函即可。",
               "评标专家须从浙江省综合评标专家库中随机抽取。",
               "货物到达后，中标人须在本市仓库办理入库验收手续。"):
        assert not {"T21", "T29"} & _ids(reviewer, GOV_HEAD + ok), ok


def test_scoring_row_gets_a_scoring_fix(reviewer: Reviewer) -> None:
    """A restrictive condition on a scoring row is fixed by deleting or replacing the points item, not by
    rewriting a qualification condition (QA2 item 10); rules without a scoring fix keep their one fix."""
    from assistant.review.catalogue import load_catalogue

    cat = load_catalogue()
    for rule_id, row, condition in (
        ("T21", "保密措施解决方案：投标人在婺城区设有常驻办公场所的得3分；", "供应商须在本县设有分支机构或常驻办事处，否则投标无效。"),
        ("T23", "投标人为国有企业的加2分。", "投标人须为国有企业。"),
        ("T24", "企业规模（3分）：投标人在职员工人数200人以上的得3分，100人以下的得1分。", "投标人注册资本不低于5000万元人民币，否则投标无效。"),
    ):
        rule = cat.get(rule_id)
        assert rule is not None and rule.scoring_suggestion and rule.scoring_suggestion != rule.suggestion
        scored = next(f for f in reviewer.review_text(GOV_HEAD + row).findings if f.rule_id == rule_id)
        assert scored.suggestion == rule.scoring_suggestion and "评分项" in scored.suggestion
        qualified = next(f for f in reviewer.review_text(GOV_HEAD + condition).findings if f.rule_id == rule_id)
        assert qualified.suggestion == rule.suggestion
    t01 = cat.get("T01")
    assert t01 is not None and not t01.scoring_suggestion and t01.suggestion_for(True) == t01.suggestion


def test_a_detector_bound_to_a_kind_of_project_reads_the_project_name(reviewer: Reviewer) -> None:
    """An information-security certificate is unsuited to a canteen service whether the clause or the project's name
    says what is bought, and suits a project that runs an information system."""
    clause = "投标人须具有ISO27001信息安全管理体系认证证书，否则投标无效。\n"
    canteen = "项目名称：某区机关食堂餐饮服务采购项目\n" + GOV_HEAD + clause
    platform = "项目名称：某区机关食堂智慧化管理平台建设项目\n" + GOV_HEAD + clause
    assert reviewer.review_text(canteen).facts["project_name"] == "某区机关食堂餐饮服务采购项目"
    assert "T26" in _ids(reviewer, canteen)
    assert "T26" not in _ids(reviewer, platform)
    assert "T26" not in _ids(reviewer, GOV_HEAD + clause)  # no project named: nothing to judge it against
    assert "T26" in _ids(reviewer, GOV_HEAD + "本项目为办公用品采购，投标人须通过ISO27001信息安全管理体系认证。\n")


def test_project_kinds_are_checked_when_the_catalogue_loads() -> None:
    from pydantic import ValidationError

    from assistant.review.catalogue import Detector

    with pytest.raises(ValidationError, match="bad regex"):
        Detector(type="concept", what=["认证"], project=["食堂("])


# a group of permission words in a pattern: 「(可以?|允许)」「(可|可以|有权)」
_PERMISSION_GROUP = re.compile(r"\(((?:可以\?|可以|允许|可由|可将|可|同意|有权|直接|享受|给予)"
                               r"(?:\|(?:可以\?|可以|允许|可由|可将|可|同意|有权|直接|享受|给予))*)\)(\??)")


def test_permission_words_in_patterns_exclude_their_denial() -> None:
    """A rule that fires on a permission (「联合体成员可以单独投标」) must not fire on its denial (「……不可以单独投标」,
    「……不允许参加」), which is the law's own bar: every required permission group is written 「(?<!不)(可以|允许)」.
    An optional group cannot exclude anything, so its detector lists the denial under unless instead."""
    cat = load_catalogue(PROJECT_ROOT / "knowledge_base" / "review_rules.yaml")
    bare = []
    for rule in cat.rules:
        for det in rule.detect:
            for pattern in det.patterns:
                for m in _PERMISSION_GROUP.finditer(pattern):
                    words = set(m.group(1).split("|"))
                    if m.group(2) or not words & {"可以?", "可以", "允许", "可", "同意", "有权", "可由", "可将"}:
                        continue
                    if not (pattern[:m.start()].endswith("(?<!不)") or pattern[:m.start()].endswith("不")):
                        bare.append(f"{rule.id}: {pattern}")
    assert not bare, "\n".join(bare)


@pytest.mark.parametrize(("head", "text", "rule", "expected"), [
    (WORKS_HEAD, "联合体各方不允许再以自己名义单独投标或者参加其他联合体在同一标段中投标。", "T32", False),
    (WORKS_HEAD, "联合体各方可以同时以自己名义单独投标。", "T32", True),
    (WORKS_HEAD, "通过资格预审后，联合体不可以增加或更换成员。", "T32", False),
    (WORKS_HEAD, "通过资格预审后，联合体可以增加或更换成员。", "T32", True),
    (GOV_HEAD, "评标委员会不可以修改或调整评分标准。", "T38", False),
    (GOV_HEAD, "评标委员会可以根据项目情况调整评分标准。", "T38", True),
    (WORKS_HEAD, "分包单位不可以将其承包的工程再次分包。", "T50", False),
    (WORKS_HEAD, "经招标人同意，分包人可以将其承包的部分工作再次分包。", "T50", True),
    (WORKS_HEAD, "中标人可以分包，但分包人不得再次分包。", "T50", False),
    (WORKS_HEAD, "监理单位不可以将监理业务转让给其他单位。", "T50", False),
    (WORKS_HEAD, "监理单位可将部分监理业务转让给其他监理单位。", "T50", True),
    (WORKS_HEAD, "单位负责人为同一人或者存在控股、管理关系的不同单位，不允许同时参加同一标段投标。", "T33", False),
    (WORKS_HEAD, "存在控股关系的单位可以参加本项目不同标段投标，但不得同时参加同一标段。", "T33", False),
    (WORKS_HEAD, "存在控股关系的不同单位可以参加同一标段的投标。", "T33", True),
    (GOV_HEAD, "为本项目提供整体设计、规范编制的供应商不允许参加本项目的采购活动。", "T33", False),
    (GOV_HEAD, "为本项目提供整体设计的单位不可以参加本项目投标。", "T33", False),
    (GOV_HEAD, "为本项目提供整体设计的单位可以参加本项目投标，但不得担任联合体牵头人。", "T33", True),
    (GOV_HEAD, "采购代理机构的关联公司可以参加本项目投标。", "T33", True),
])
def test_a_permission_the_clause_denies_is_no_permission(reviewer: Reviewer, head: str, text: str, rule: str,
                                                          expected: bool) -> None:
    assert (rule in _ruled(reviewer, head + text + "\n")) is expected


@pytest.mark.parametrize(("head", "text", "rule", "expected"), [
    (GOV_HEAD, "本项目不执行政府采购促进中小企业发展相关政策。", "T45", True),
    (GOV_HEAD, "本项目不执行价格扣除。", "T45", True),
    (GOV_HEAD, "本项目专门面向中小企业采购，不执行价格扣除。", "T45", False),
    (WORKS_HEAD, "本工程为政府采购工程，依法招标，不执行政府采购政策。", "T55", True),
    (WORKS_HEAD, "本工程不落实中小企业扶持政策，不给予价格扣除。", "T55", True),
])
def test_small_firm_policy_set_aside(reviewer: Reviewer, head: str, text: str, rule: str, expected: bool) -> None:
    """For goods and services the small-firm policy set aside is T45's alone (one clause, one finding); for a works
    project it is T55's (政府采购法实施条例第七条); a project reserved for small firms goes without the deduction."""
    ruled = _ruled(reviewer, head + text + "\n")
    assert (rule in ruled) is expected
    if head is GOV_HEAD:
        assert "T55" not in ruled


def test_a_list_the_law_condemns_restated_in_the_tender_is_not_a_violation(reviewer: Reviewer) -> None:
    """Standard tender files restate the law's lists of wrongs (实施条例第三十二条、第三十九条、第四十条); their items
    describe the wrong and impose nothing, whether each item is its own paragraph or the list is one paragraph."""
    condemned = (WORKS_HEAD
                 + "1.1 招标人有下列行为之一的，属于以不合理条件限制、排斥潜在投标人或者投标人：\n"
                 + "（一）就同一招标项目向潜在投标人或者投标人提供有差别的项目信息；\n"
                 + "（二）依法必须进行招标的项目以特定行政区域或者特定行业的业绩、奖项作为加分条件或者中标条件；\n"
                 + "（三）强制投标人组成联合体或者总分包关系共同投标；\n"
                 + "1.2 禁止下列行为：\n（一）要求施工单位对政府投资项目垫资建设；\n"
                 + "1.3 有下列情形之一的，视为投标人相互串通投标：（一）不同投标人的投标文件由同一单位编制；"
                 + "（二）属于同一集团、协会、商会等组织成员的投标人按照该组织要求协同投标。\n")
    assert not _ruled(reviewer, condemned)
    # the bidder's own conditions are the tender's, and a list ended by a plain paragraph ends its lead-in
    own = (WORKS_HEAD + "2.1 投标人有下列情形之一的，其投标无效：\n（一）投标人须垫资施工至主体结构封顶；\n"
           + "1.2 禁止下列行为：\n（一）转包；\n本工程要求承包人垫资施工至主体结构封顶。\n")
    assert "T19" in _ids(reviewer, own)
    after = WORKS_HEAD + "1.2 禁止下列行为：（一）转包；（二）违法分包。本工程要求承包人垫资施工至主体结构封顶。\n"
    assert "T19" in _ids(reviewer, after)


def test_list_items_carry_the_paragraph_that_introduces_them() -> None:
    from assistant.review.reader import document_from_text, segment

    clauses = segment(document_from_text("投标人不得存在下列情形：\n（一）甲；\n(2) 乙；\n③丙\n正文段落。\n（四）丁"))
    assert [c.lead_in for c in clauses] == ["", "投标人不得存在下列情形：", "投标人不得存在下列情形：",
                                          "投标人不得存在下列情形：", "", ""]


def test_an_item_under_a_lead_in_that_voids_the_bid_is_read_as_a_condition(reviewer: Reviewer) -> None:
    """「投标人有下列情形之一的，其投标将被否决：」 makes each item a condition of the bid, whether the items are
    paragraphs of their own or follow the lead-in in one paragraph; the finding points at the item itself."""
    lead = "投标人有下列情形之一的，其投标将被否决：\n"
    separate = GOV_HEAD + lead + "（一）未按招标文件要求提交投标保证金的；\n（二）近五年内有行政处罚记录的；\n"
    found = [f for f in reviewer.review_text(separate).findings if f.rule_id == "T30"]
    assert found and found[0].clause.startswith("（二）") and found[0].evidence == "近五年内有行政处罚记录的"
    assert "T30" in _ruled(reviewer, GOV_HEAD + "无效投标情形：（三）近五年内有行政处罚记录的。\n")
    # the lawful item beside it, and the same item without a lead-in that says what happens to the bid
    assert not _ruled(reviewer, GOV_HEAD + lead + "（一）未按招标文件要求提交投标保证金的；\n")
    assert "T30" not in _ruled(reviewer, GOV_HEAD + "（二）近五年内有行政处罚记录的；\n")


@pytest.mark.parametrize(("lead", "item", "rule", "expected"), [
    ("投标人不得存在下列情形：", "（一）近五年内有行政处罚记录；", "T30", True),
    ("供应商不得存在以下情况：", "（三）非本市注册企业", "T21", True),
    ("投标人存在下列情形之一的，不得参加本项目投标：", "（二）近五年内有行政处罚记录的；", "T30", True),
    ("投标人不得存在下列情形：", "（一）近三年内有行贿犯罪记录；", "T30", False),
    ("供应商存在下列情形之一的，不得参加本项目：", "（二）为本项目提供整体设计、规范编制或者项目管理、监理、检测等服务的；",
     "T33", False),
    ("投标人须具备下列条件：", "（一）近五年内有行政处罚记录；", "T30", False),
])
def test_an_item_under_a_lead_in_that_bars_the_bidder_is_read_as_a_bar(reviewer: Reviewer, lead: str, item: str,
                                                                       rule: str, expected: bool) -> None:
    """「投标人不得存在下列情形：」 bars the bidders each item describes: the item reads as 「……的，不得参加投标。」,
    as its own paragraph or after the lead-in in one paragraph, and the finding quotes the item's own words; a lawful
    bar stays quiet, and a list of requirements is not read as bars."""
    for text in (lead + "\n" + item + "\n", lead + item + "\n"):
        found = [f for f in reviewer.review_text(GOV_HEAD + text).findings if f.rule_id == rule]
        assert bool(found) is expected, text
        if found:
            assert found[0].evidence and found[0].evidence in item


def test_the_items_of_a_list_written_in_one_paragraph_are_read_one_by_one(reviewer: Reviewer) -> None:
    """A list written in one paragraph after its lead-in: each item is read as a condition of its own (the lead-in's
    「不得」 does not silence an item), up to the list's full stop; a list the law condemns stays quiet."""
    barred = GOV_HEAD + "投标人不得存在下列情形：（一）被列入失信被执行人名单；（二）近五年内有行政处罚记录；（三）注册地不在金华市。\n"
    found = {f.rule_id: f.evidence for f in reviewer.review_text(barred).findings}
    assert found.get("T30") == "近五年内有行政处罚记录" and found.get("T21") == "注册地不在金华市"
    voided = GOV_HEAD + "投标人有下列情形之一的，投标无效：（一）未按要求提交投标保证金的；（二）近五年内有行政处罚记录的。\n"
    assert "T30" in _ruled(reviewer, voided)
    stops = GOV_HEAD + "投标人有下列情形之一的，投标无效：（一）未按要求提交投标保证金的。（二）近五年内有行政处罚记录的。\n"
    assert "T30" in _ruled(reviewer, stops)
    after_stop = GOV_HEAD + "投标人有下列情形之一的，投标无效：（一）未按要求提交投标保证金的。近五年内有行政处罚记录的，可以投标。\n"
    assert "T30" not in _ruled(reviewer, after_stop)
    lawful = GOV_HEAD + "投标人不得存在下列情形：（一）被列入失信被执行人名单；（二）近三年内有行贿犯罪记录。\n"
    assert not _ruled(reviewer, lawful)
