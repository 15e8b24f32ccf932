"""Evidence sufficiency: the signals and the refusal text."""

from __future__ import annotations

from datetime import date

from assistant.qa import refusal
from tests.qa_fakes import FakeKB, FakeRetriever

KB = FakeKB()
RETRIEVER = FakeRetriever(KB)
LEXICAL = refusal.RefusalPolicy.for_embedding("fake")


def assess(question: str, **kw) -> refusal.Evidence:
    return refusal.assess(question, RETRIEVER.search(question, k=6), KB, policy=kw.pop("policy", LEXICAL), **kw)


def test_key_terms_drop_question_words_article_labels_and_personal_data():
    assert refusal.key_terms("招标投标法第二十四条规定了什么？") == ["招标", "投标法"]
    terms = refusal.key_terms("金华某某建设有限公司（电话13812345678）问：招标人能否排斥潜在投标人？")
    assert "有限公司" not in terms and "电话" not in terms and "排斥" in terms


def test_in_scope_question_is_sufficient():
    ev = assess("招标人能否以不合理的条件限制或者排斥潜在投标人？")
    assert ev.sufficient and ev.reason == "evidence" and ev.coverage >= 0.6


def test_words_the_kb_never_uses_mean_refusal():
    ev = assess("护照过期了应当如何换领，需要具备哪些条件？")  # 「条件」 is found, 护照 is not
    assert not ev.sufficient and ev.reason == "terms_not_in_kb" and "护照" in ev.foreign_terms


def test_domain_questions_get_the_scenario_floor():
    # a practitioner's scenario: few of its words are in the statute, but it is about tendering
    ev = assess("兄弟两人各自注册的公司，能否以不合理的条件排斥潜在投标人？")
    assert ev.in_domain and ev.sufficient


def test_named_document_missing_from_the_kb():
    ev = assess("政府采购质疑和投诉办法规定的投诉期限是多少？")
    assert ev.reason == "document_not_in_kb" and ev.missing_documents == ["政府采购质疑和投诉办法"]
    ev = assess("87号令规定的开标程序是什么？")
    assert ev.reason == "document_not_in_kb" and "87号令" in refusal.refusal_text("q", ev, [])


def test_known_documents_are_not_missing():
    known, missing = refusal.missing_documents("招标投标法和政府采购法有什么区别", KB)
    assert missing == [] and set(known) == {"招标投标法", "政府采购法"}


def test_future_policy_is_refused_but_current_years_are_not():
    assert assess("2030年新修订的政府采购法有哪些变化？", today=date(2025, 7, 1)).reason == "future_policy"
    assert refusal.future_years("2025年政府采购法有哪些变化", [], today=date(2025, 7, 1)) == []


def test_dense_threshold_applies_only_with_a_calibrated_model():
    ev = assess("招标人能否以不合理的条件限制或者排斥潜在投标人？", policy=refusal.RefusalPolicy(dense_threshold=0.99))
    assert not ev.sufficient and ev.reason == "low_similarity"
    assert refusal.RefusalPolicy.for_embedding("e5-small-q4").dense_threshold == refusal.DENSE_THRESHOLD
    assert refusal.RefusalPolicy.for_embedding("sentence-transformers").dense_threshold is None
    assert refusal.RefusalPolicy.for_embedding("fake", override=0.5).dense_threshold == 0.5


def test_refusal_text_says_what_was_searched_and_what_to_add():
    q = "明天金华会下雨吗？"
    hits = RETRIEVER.search(q, k=6)
    text = refusal.refusal_text(q, assess(q), hits)
    assert "知识库中没有找到" in text and f"「{q}」" in text and "导入" in text
