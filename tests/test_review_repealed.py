"""A tender that still names a repealed law or rule as its basis (T58): 《合同法》 in the contract terms years after
the 民法典 replaced it, 财政部令第18号 for a 87号令 tender, 《政府采购供应商投诉处理办法》 for complaints, 财库〔2011〕181号
for the SME preference. The finding quotes the article that repealed the document, which the knowledge base ships
(民法典第一千二百六十条 beside the contract book; 87号令第八十八条, 94号令第四十五条, 财库〔2020〕46号第二十五条)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import UserError
from assistant.review.pipeline import Reviewer
from assistant.schema import Finding

GOV = "本项目为政府采购项目，采购人：婺城区某学校。\n"
WORKS = "本项目为依法必须招标的工程建设项目，施工招标，招标人：某建设公司。工程估算价：1000万元。\n"
REAL_TENDER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tenders" / "政府采购项目公开招标文件.docx"


def _t58(reviewer: Reviewer, text: str) -> list[Finding]:
    return [f for f in reviewer.review_text(text, use_llm=False).findings if f.rule_id == "T58"]


@pytest.mark.parametrize(("head", "clause", "article"), [
    (WORKS, "本合同依据《中华人民共和国合同法》《中华人民共和国建筑法》及有关法律订立。", ("中华人民共和国民法典", "第一千二百六十条")),
    (GOV, "合同未尽事宜，按照合同法的有关规定执行。", ("中华人民共和国民法典", "第一千二百六十条")),
    (WORKS, "履约担保的方式和责任按《中华人民共和国担保法》执行。", ("中华人民共和国民法典", "第一千二百六十条")),
    (GOV, "本项目依据《政府采购货物和服务招标投标管理办法》（财政部令第18号）组织公开招标。",
     ("政府采购货物和服务招标投标管理办法", "第八十八条")),
    (GOV, "供应商对质疑答复不满意的，可依据《政府采购供应商投诉处理办法》向财政部门投诉。", ("政府采购质疑和投诉办法", "第四十五条")),
    (GOV, "根据《政府采购促进中小企业发展暂行办法》（财库〔2011〕181号），对小微企业产品价格给予6%的扣除。",
     ("政府采购促进中小企业发展管理办法", "第二十五条")),
])
def test_a_repealed_basis_is_flagged_with_the_article_that_repealed_it(reviewer: Reviewer, head: str, clause: str,
                                                                       article: tuple[str, str]) -> None:
    [found] = _t58(reviewer, head + clause)
    assert found.severity == "low"
    assert [(b.title, b.article) for b in found.basis] == [article]
    # the explanation says which current document replaced the one cited
    successor = {"中华人民共和国民法典": "《中华人民共和国民法典》施行时废止", "政府采购货物和服务招标投标管理办法": "由财政部令第87号取代",
                 "政府采购质疑和投诉办法": "由《政府采购质疑和投诉办法》（财政部令第94号）取代",
                 "政府采购促进中小企业发展管理办法": "由《政府采购促进中小企业发展管理办法》（财库〔2020〕46号）取代"}[article[0]]
    assert successor in found.explanation


@pytest.mark.parametrize(("head", "clause"), [
    (GOV, "本合同依据《中华人民共和国民法典》及有关法律法规订立。"),
    # the 劳动合同法 is in force; 「合同法律关系」 names no law
    (GOV, "中标人应依照《中华人民共和国劳动合同法》与服务人员订立劳动合同，为其缴纳社会保险。"),
    (WORKS, "当事人之间的合同法律关系适用中华人民共和国法律。"),
    # a clause that says the old law is repealed is not citing it
    (WORKS, "《中华人民共和国合同法》已于2021年1月1日废止，本合同依据《中华人民共和国民法典》订立。"),
    (GOV, "质疑和投诉按照《政府采购质疑和投诉办法》（财政部令第94号）办理。"),
    (GOV, "本项目依据《政府采购货物和服务招标投标管理办法》（财政部令第87号）组织实施。"),
    (GOV, "价格扣除按《政府采购促进中小企业发展管理办法》（财库〔2020〕46号）执行。"),
])
def test_current_documents_are_left_alone(reviewer: Reviewer, head: str, clause: str) -> None:
    assert _t58(reviewer, head + clause) == []


@pytest.mark.integration
def test_the_finding_quotes_the_civil_codes_repealing_article_from_the_kb(real_services) -> None:
    report = real_services.reviewer.review_text(WORKS + "合同条款：本合同依据《中华人民共和国合同法》订立。", use_llm=False)
    [found] = [f for f in report.findings if f.rule_id == "T58"]
    [basis] = found.basis
    assert (basis.title, basis.article) == ("中华人民共和国民法典", "第一千二百六十条")
    assert "《中华人民共和国合同法》" in (basis.text or "") and "同时废止" in (basis.text or "")


def test_the_real_tender_cites_no_repealed_document(reviewer: Reviewer) -> None:
    """The corpus tender cites the 劳动合同法 and the 民法典 (both in force): checked, nothing found."""
    if not REAL_TENDER.exists():
        pytest.skip("real tender not available")
    report = reviewer.review(REAL_TENDER, use_llm=False)
    assert "T58" not in {f.rule_id for f in report.findings}
    assert next(c for c in report.checklist if c.rule_id == "T58").status == "未发现问题"


@pytest.mark.integration
def test_the_kb_ships_the_civil_codes_final_article_under_its_own_heading(real_services) -> None:
    [hit] = real_services.retriever.lookup_articles("民法典第一千二百六十条")
    assert hit.article == "第一千二百六十条" and hit.text.startswith("第一千二百六十条 本法自2021年1月1日起施行。")
    assert hit.location.get("section") == "附则"  # not 侵权责任编's last chapter, where the law database files it


def test_a_malformed_extra_range_in_the_manifest_is_a_clear_error() -> None:
    from assistant.kb.sources import _plan_china_law

    entry = {"kind": "china_law", "doc_id": "x", "title": "中华人民共和国民法典", "articles": [463, 988],
             "also": [{"articles": [1260], "section": "附则"}]}
    with pytest.raises(UserError, match="articles 应写作"):
        _plan_china_law(entry)
