"""Semantic review (LLM mode) defects of QA report 4: failed batches, misshapen replies, lawful clauses,
lead-in clauses sent without their list."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import httpx
import openai

from assistant.config import LLMSettings
from assistant.llm import FakeChatModel, make_chat_model, map_llm_error
from assistant.qa.chain import QAChain
from assistant.qa.refusal import RefusalPolicy
from assistant.review.catalogue import load_catalogue
from assistant.review.facts import extract_facts
from assistant.review.pipeline import Reviewer
from assistant.review.reader import document_from_text, segment
from assistant.review.report import render_docx, render_markdown
from assistant.review.semantic import SemanticChecker
from assistant.schema import ReviewReport
from assistant.testing import OpenAIStubServer
from tests.qa_fakes import FakeKB, FakeRetriever

TENDER = (
    "婺城区某中学智慧教室设备采购项目公开招标文件\n"
    "第一章 投标邀请\n"
    "一、项目名称：智慧教室设备采购项目。预算金额：200万元。采购人：某中学。本项目为政府采购项目，供应商应按要求投标。\n"
    "五、投标人有下列情形之一的，投标保证金不予退还：投标人在投标有效期内撤回投标文件的。\n"
    "第四章 采购需求\n"
    "交互式平板：处理器主频≥3.6GHz，内存16GB，须与采购人现有某某科技有限公司的系统兼容一致。\n"
)

_REQUEST = httpx.Request("POST", "http://127.0.0.1:8011/v1/chat/completions")
HTTP_500 = map_llm_error(openai.InternalServerError("boom", response=httpx.Response(500, request=_REQUEST), body=None))


def _item(report: ReviewReport, rule_id: str) -> Any:
    return next(i for i in report.checklist if i.rule_id == rule_id)


def _review(model: FakeChatModel | None) -> ReviewReport:
    return Reviewer(kb=None, llm=model, use_llm=True).review_text(TENDER)


def test_failed_semantic_batch_leaves_its_points_unjudged(tmp_path: Path) -> None:
    """HTTP 500 for the only batch: T11 and T35 were 「未发现问题」 with no caveat; now 无法判断 with the reason,
    a warning naming the batch, a Chinese reason in llm_rejected, and a mode line that does not claim an LLM check."""
    r = _review(FakeChatModel(replies=[HTTP_500] * 4))
    for rule_id in ("T11", "T35"):
        item = _item(r, rule_id)
        assert item.status == "无法判断", item
        assert "大模型语义审查未完成（原因：服务出错 HTTP 500）" in item.note and "请人工核对" in item.note
        assert item.clause
    assert any("第1批（共1批）未完成" in w and "T11" in w for w in r.warnings)
    assert r.metadata["llm_rejected"] == ["模型调用失败：服务出错 HTTP 500"]
    assert r.metadata["semantic_batches"] == {"total": 1, "failed": 1}
    assert r.mode == "rules"
    md = render_markdown(r)
    assert "审查方式：规则审查（规则 " in md and "个）；大模型语义审查未完成，相关要点标为无法判断" in md and "第1批（共1批）未完成" in md
    text = "\n".join(p.text for p in docx.Document(str(render_docx(r, tmp_path / "r.docx"))).paragraphs)
    assert "审查方式：规则审查；大模型语义审查未完成" in text and "第1批（共1批）未完成" in text


def test_a_failed_model_call_is_told_in_the_words_qa_uses() -> None:
    """One failure, one wording: the review said 「大模型服务出错（HTTP 500）」 (cut from the error message, which
    may carry an address) where Q&A said 「服务出错 HTTP 500」; both now show the failure's reason."""
    with OpenAIStubServer(models=["qwen-test"]) as server:
        server.mode = "error500"
        llm = make_chat_model(LLMSettings(backend="openai", base_url=server.base_url, model="qwen-test",
                                          timeout_s=5, max_retries=0))
        kb = FakeKB()
        qa = QAChain(FakeRetriever(kb), kb, llm, refusal_policy=RefusalPolicy.for_embedding("fake"))
        said = re.match(r"大模型暂不可用（(.+?)），", qa.ask("依法必须招标的项目，投标文件编制时间最短多少天？").answer)
        review = _review(llm)
    assert said is not None
    reason = said.group(1)
    assert f"大模型语义审查未完成（原因：{reason}）" in _item(review, "T35").note
    assert review.metadata["llm_rejected"] == [f"模型调用失败：{reason}"]
    assert any(f"未完成：{reason}，已跳过" in w for w in review.warnings)


def test_misshapen_reply_is_a_failure_not_an_empty_answer() -> None:
    """A JSON object in another schema was read as 「no findings」: nothing told the user the model said nothing."""
    other = json.dumps({"violation": True, "rule": "T99", "reason": "违反某法"}, ensure_ascii=False)
    r = _review(FakeChatModel(replies=[other] * 4))
    assert _item(r, "T35").status == "无法判断"
    assert any("未完成：应答无法解析" in w for w in r.warnings)


def test_judged_points_say_what_was_read() -> None:
    """T35's candidate clause was sent and judged, yet the note said 「全文未出现相关条款」; the same in no-LLM mode."""
    r = _review(FakeChatModel(responder=lambda _m: '{"findings": []}'))
    item = _item(r, "T35")
    assert item.status == "未发现问题" and "全文未出现" not in item.note
    assert "1 处相关条款经大模型语义审查" in item.note and "交互式平板" in (item.clause or "")
    assert r.mode == "rules+llm" and not r.warnings
    plain = _review(None)
    item = _item(plain, "T35")
    assert "全文未出现" not in item.note and "找到 1 处相关条款" in item.note and "需配置大模型" in item.note


def test_one_failed_batch_of_two_marks_only_its_points() -> None:
    clauses = segment(document_from_text(TENDER, "t"))
    facts = extract_facts(clauses)

    def responder(messages: list) -> str:
        if "交互式平板" in str(messages[-1].content):
            raise map_llm_error(openai.APITimeoutError(request=_REQUEST))
        return '{"findings": []}'

    checker = SemanticChecker(FakeChatModel(responder=responder), load_catalogue(), batch_size=1)
    checker.check(clauses, facts, [])
    assert (checker.batches, checker.failed_batches) == (2, 1)
    assert checker.outcomes["T35"].failure == "响应超时"
    assert checker.outcomes["T11"].failure is None
    assert re.fullmatch(r"大模型语义审查第2批（共2批）未完成：.*（T35）标为无法判断，请人工核对。", checker.failures[0])


LEAD_IN = (
    "第二章 投标人须知\n"
    "本项目为政府采购项目，供应商应按要求投标。采购人：某某局。\n"
    "有下列情形之一的，采购人或采购代理机构可以不予退还投标保证金：\n"
    "（一）投标有效期内投标人撤销投标文件的；\n"
    "（二）投标人未中标的。\n"
    "投标文件应在投标有效期内保持有效。\n"
    "投标人应准备投标文件正本、副本各一份。\n"
)


def test_lead_in_clause_is_sent_with_its_list() -> None:
    """「有下列情形之一的，……不予退还投标保证金：」 was sent alone, so the model could not judge it; its items
    go with it now, and a finding quoting an item is anchored on that item."""
    seen: list[str] = []

    def responder(messages: list) -> str:
        prompt = str(messages[-1].content)
        seen.append(prompt)
        cid = int(re.findall(r"^【条款(\d+)】", prompt, re.M)[0])
        return json.dumps({"findings": [{"clause_id": cid, "rule_id": "T11", "violated": True,
                                         "evidence": "投标人未中标的", "explanation": "未中标不得没收保证金。"}]},
                          ensure_ascii=False)

    clauses = segment(document_from_text(LEAD_IN, "t"))
    checker = SemanticChecker(FakeChatModel(responder=responder), load_catalogue())
    hits = checker.check(clauses, extract_facts(clauses), [])
    block = seen[0].split("<<<招标文件条款开始>>>")[1]
    assert "撤销投标文件的；" in block and "投标人未中标的。" in block
    assert "保持有效" not in block and "正本、副本" not in block  # not numbered like the list: not its item
    assert [h.rule.id for h in hits] == ["T11"] and hits[0].clause.text.endswith("投标人未中标的。")


def _t11_finding(evidence: str) -> FakeChatModel:
    def responder(messages: list) -> str:
        prompt = str(messages[-1].content)
        cid = int(re.findall(r"^【条款(\d+)】（[^）]*T11", prompt, re.M)[0])
        return json.dumps({"findings": [{"clause_id": cid, "rule_id": "T11", "violated": True, "evidence": evidence,
                                         "explanation": "不予退还情形超出法定范围。",
                                         "citations": [{"title": "政府采购货物和服务招标投标管理办法",
                                                        "article": "第二十三条"}]}]}, ensure_ascii=False)
    return FakeChatModel(responder=responder)


def test_finding_on_a_situation_the_basis_permits_is_rejected() -> None:
    """「投标有效期内撤回投标文件 → 保证金不予退还」 is what 87号令第二十三条 permits; the model's T11 "violation" was
    reported with that very article as its basis."""
    for evidence in ("投标人在投标有效期内撤回投标文件的", "投标保证金不予退还"):
        r = _review(_t11_finding(evidence))
        assert not [f for f in r.findings if f.rule_id == "T11"], evidence
        assert any("依据明确允许的情形" in x and "第二十三条" in x for x in r.metadata["llm_rejected"])
        assert _item(r, "T11").status == "未发现问题"
    text = TENDER.replace("投标人在投标有效期内撤回投标文件的。", "投标人在投标有效期内撤回投标文件的；投标人被列入失信名单的。")
    r = Reviewer(kb=None, llm=_t11_finding("投标人被列入失信名单的"), use_llm=True).review_text(text)
    assert [f.source for f in r.findings if f.rule_id == "T11"] == ["llm"]  # another situation: kept


def test_lawful_cases_never_cover_a_violating_example() -> None:
    from assistant.review.semantic import lawful_reason

    rules = [r for r in load_catalogue().rules if any(d.lawful for d in r.detect)]
    assert rules
    for rule in rules:
        for example in rule.examples.violating:
            assert lawful_reason(rule, example, example) is None, (rule.id, example)
        assert any(lawful_reason(rule, ex, ex) for ex in rule.examples.compliant), rule.id


def test_candidates_beyond_the_limit_leave_their_points_unjudged() -> None:
    """Candidates beyond max_semantic_clauses were never sent, yet their points read 「未发现问题」."""
    clauses = segment(document_from_text(TENDER, "t"))
    facts = extract_facts(clauses)
    checker = SemanticChecker(FakeChatModel(responder=lambda _m: '{"findings": []}'), load_catalogue(), max_clauses=1)
    checker.check(clauses, facts, [])
    assert len(checker.over_limit) == 1 and checker.batches == 1
    skipped = {r.id for r in checker.over_limit[0].rules}
    assert all("超过单次语义审查上限（1 个）" in (checker.outcomes[rid].failure or "") for rid in skipped)
    assert any(o.failure is None for rid, o in checker.outcomes.items() if rid not in skipped)
    assert re.fullmatch(r"另有 1 个待判条款超过单次语义审查上限（1 个），未送大模型判断；相关要点（.+）标为无法判断，请人工核对。",
                        checker.failures[0])
