"""QAChain end to end over a small in-memory KB: fake model, no-LLM mode, refusal, multi-turn."""

from __future__ import annotations

import pytest

from assistant.config import LLMSettings
from assistant.errors import BackendError, UserError
from assistant.llm import FakeChatModel, make_chat_model
from assistant.prompts import load_prompt
from assistant.qa import citing
from assistant.qa.chain import FALLBACK_EMPTY, FALLBACK_REFUSED, FALLBACK_UNVERIFIED, MODEL_REFUSAL, QAChain
from assistant.qa.extractive import LEAD
from assistant.qa.refusal import RefusalPolicy
from assistant.schema import Answer
from assistant.testing import OpenAIStubServer
from tests.qa_fakes import FakeKB, FakeRetriever

Q_DAYS = "依法必须招标的项目，投标文件编制时间最短多少天？"


@pytest.fixture
def kb():
    return FakeKB()


@pytest.fixture
def retriever(kb):
    return FakeRetriever(kb)


def chain(kb, retriever, llm=None, **kw) -> QAChain:
    # the fake retriever's dense scores are not e5 cosines: judge evidence lexically
    kw.setdefault("refusal_policy", RefusalPolicy.for_embedding("fake"))
    return QAChain(retriever, kb, llm, **kw)


# ------------------------------------------------------------------ with a (fake) model


def test_llm_answer_keeps_verified_citations_with_article_text(kb, retriever):
    llm = FakeChatModel(["依法必须招标的项目，最短不得少于二十日[1]。"])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert answer.mode == "llm" and not answer.refused and answer.flags == []
    [cite] = answer.citations
    assert (cite.n, cite.title, cite.article) == (1, "中华人民共和国招标投标法", "第二十四条")
    assert "最短不得少于二十日" in cite.text and "二十日" in (cite.key_sentence or "")
    # the prompt carried the numbered context and the question
    prompt = llm.calls[-1][-1].content
    assert "[1] 《中华人民共和国招标投标法》第二十四条（法律，现行有效）" in prompt and Q_DAYS in prompt


def test_metadata_records_prompt_hash_model_latency_and_scores(kb, retriever):
    llm = FakeChatModel(["不少于二十日[1]。"], model_name="fake-qwen")
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    meta = answer.metadata
    assert meta["prompt_hashes"] == {"qa_answer": load_prompt("qa_answer").hash}
    assert meta["model"] == "fake-qwen" and meta["backend"] == "fake" and meta["latency_ms"] >= 0
    assert meta["standalone_question"] == Q_DAYS
    assert meta["retrieval"][0]["article"] == "第二十四条" and meta["retrieval"][0]["dense_score"] > 0.8


def test_hallucinated_article_number_is_removed_and_flagged(kb, retriever):
    llm = FakeChatModel(["根据《招标投标法》第九十九条，最短不得少于二十日[1]。"])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert "第九十九条" not in answer.answer
    assert citing.FLAG_NONEXISTENT in answer.flags and any("第九十九条" in n for n in answer.notes)
    assert all(c.article != "第九十九条" for c in answer.citations)
    assert "第九十九条" in answer.metadata["raw_answer"]


def test_real_article_not_in_context_is_removed(kb, retriever):
    llm = FakeChatModel(["依据《中华人民共和国招标投标法》第四十六条，最短不得少于二十日[1]。"])
    answer = chain(kb, retriever, llm, k=2).ask(Q_DAYS)
    assert citing.FLAG_UNCONTEXTED in answer.flags and "第四十六条" not in answer.answer
    # the sentence rested on the removed reference: it goes too, and the articles are quoted instead
    assert answer.answer.startswith(FALLBACK_UNVERIFIED) and citing.FLAG_UNSUPPORTED in answer.flags
    assert answer.citations[0].article == "第二十四条"
    assert "第四十六条" not in [c.article for c in answer.citations]


def test_fabricated_marker_is_removed(kb, retriever):
    llm = FakeChatModel(["最短不得少于二十日[1][9]。"])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert "[9]" not in answer.answer and citing.FLAG_BAD_MARKER in answer.flags
    assert [c.n for c in answer.citations] == [1]


def test_answer_without_markers_is_flagged_and_shows_retrieved_articles(kb, retriever):
    llm = FakeChatModel(["最短二十日。"])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert citing.FLAG_NO_MARKERS in answer.flags and answer.citations[0].article == "第二十四条"


def test_model_refusal_with_sufficient_evidence_quotes_the_articles_and_nothing_after_it(kb, retriever):
    """D14: the articles were found, so the model's refusal gives way to the quoted articles."""
    llm = FakeChatModel([MODEL_REFUSAL + "不过根据常识，一般是二十天。"])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert not answer.refused and "常识" not in answer.answer and "相关度不足" not in answer.answer
    assert answer.answer.splitlines()[0] == FALLBACK_REFUSED and "llm_refused" in answer.flags
    assert answer.citations[0].article == "第二十四条" and "常识" in answer.metadata["raw_answer"]


def test_empty_model_reply_quotes_the_articles(kb, retriever):
    """D14: an empty reply is said as such, not as 「知识库中没有依据」."""
    answer = chain(kb, retriever, FakeChatModel(["  "])).ask(Q_DAYS)
    assert not answer.refused and answer.answer.splitlines()[0] == FALLBACK_EMPTY
    assert "llm_empty_reply" in answer.flags and FALLBACK_EMPTY in answer.notes
    assert "没有依据" not in answer.answer and answer.citations[0].article == "第二十四条"


def test_an_answer_whose_figures_are_not_in_its_article_falls_back_to_the_articles(kb, retriever):
    """D1: 「……5%[1]」 where [1] says 二十日 is removed; nothing verified is left, so the articles are quoted."""
    llm = FakeChatModel(["投标文件编制时间最短不得少于十五日，且保证金不超过5%[1]。"])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert answer.answer.splitlines()[0] == FALLBACK_UNVERIFIED and "5%" not in answer.answer
    assert {"llm_answer_unverified", citing.FLAG_UNSUPPORTED} <= set(answer.flags)
    assert any("15日" in n and "5%" in n for n in answer.notes) and answer.citations[0].article == "第二十四条"


def test_stream_yields_tokens_then_the_verified_answer(kb, retriever):
    llm = FakeChatModel(["最短不得少于二十日[1]，另见[8]。"], chunk_size=3)
    parts = list(chain(kb, retriever, llm).stream(Q_DAYS))
    assert isinstance(parts[-1], Answer) and all(isinstance(p, str) for p in parts[:-1])
    assert len(parts) > 3 and "".join(parts[:-1]) == "最短不得少于二十日[1]，另见[8]。"
    assert "[8]" not in parts[-1].answer


def test_backend_failure_falls_back_to_the_articles(kb, retriever):
    """D15: the model failing is not the end of the answer: the articles are quoted, the cause told briefly."""
    llm = FakeChatModel([BackendError("大模型服务响应超时……", "timeout (server http://x)", "响应超时")])
    answer = chain(kb, retriever, llm).ask(Q_DAYS)
    assert answer.answer.splitlines()[0] == "大模型暂不可用（响应超时），以下为知识库条文摘录。"
    assert "llm_unavailable" in answer.flags and answer.citations[0].article == "第二十四条"
    assert "http" not in answer.answer and "ASSISTANT_" not in answer.answer


def test_superseded_or_lower_rank_basis_is_noted(kb, retriever):
    llm = FakeChatModel(["严禁以特定行政区域的业绩作为加分条件[1]。"])
    answer = chain(kb, retriever, llm).ask("婺城区能否以特定行政区域业绩作为加分条件？")
    assert answer.citations[0].doc_type == "规范性文件"
    assert "lower_rank_basis" in answer.flags and any("效力层级" in n for n in answer.notes)


# ------------------------------------------------------------------ no-LLM (extractive) mode


def test_extractive_answer_reads_well(kb, retriever):
    answer = chain(kb, retriever).ask(Q_DAYS)
    assert answer.mode == "extractive" and not answer.refused
    # answer first: one sentence with its citation, then the quoted articles
    assert answer.answer.startswith("答：依据《中华人民共和国招标投标法》第二十四条：“")
    assert answer.answer.splitlines()[0].endswith("[1]") and "二十日" in answer.answer.splitlines()[0]
    assert LEAD in answer.answer and "no_direct_provision" not in answer.flags
    assert "《**中华人民共和国招标投标法**》（法律，现行有效）" in answer.answer
    # key sentence in bold: the 「但是」 clause belongs to its sentence
    assert "**招标人应当确定投标人编制投标文件所需要的合理时间；但是，依法必须进行招标的项目" in answer.answer
    first = answer.citations[0]
    assert (first.n, first.article) == (1, "第二十四条") and "二十日" in first.key_sentence
    assert "第二十四条 [1]" in answer.answer


def test_extractive_puts_the_named_article_first(kb, retriever):
    answer = chain(kb, retriever).ask("招标投标法第四十六条是怎么规定的？")
    assert answer.citations[0].article == "第四十六条" and "direct" in answer.citations[0].via


def test_extractive_groups_laws_before_lower_rank_documents(kb, retriever):
    answer = chain(kb, retriever).ask("以特定行政区域业绩作为加分条件，排斥潜在投标人可以吗？")
    titles = [c.title for c in answer.citations]
    law_pos = titles.index("中华人民共和国招标投标法")
    plan_pos = next(i for i, t in enumerate(titles) if t.startswith("婺城区"))
    assert law_pos < plan_pos
    assert "lower_rank_basis" in answer.flags and "效力层级低于法律" in answer.answer


# ------------------------------------------------------------------ refusal


@pytest.mark.parametrize(
    "question",
    ["明天金华会下雨吗？", "个人所得税的起征点是多少？", "护照过期了怎么换领？", "协议离婚需要办理什么手续？",
     "招标投标法实施条例第三十四条规定了什么？", "2030年新修订的政府采购法有哪些变化？"],
)
def test_out_of_scope_questions_are_refused(kb, retriever, question):
    llm = FakeChatModel(["不应被调用"])
    answer = chain(kb, retriever, llm).ask(question)
    assert answer.refused and answer.citations == []
    assert "知识库中没有找到回答该问题的依据" in answer.answer and "导入" in answer.answer
    assert llm.calls == []  # never answered from general knowledge


def test_refusal_names_the_missing_document(kb, retriever):
    answer = chain(kb, retriever).ask("根据北京市招标投标条例，评标专家怎么抽取？")
    assert answer.refused and "《北京市招标投标条例》" in answer.answer
    assert answer.metadata["evidence"]["reason"] == "document_not_in_kb"


# ------------------------------------------------------------------ input errors


def test_empty_and_overlong_questions_are_user_errors(kb, retriever):
    with pytest.raises(UserError):
        chain(kb, retriever).ask("   ")
    with pytest.raises(UserError):
        chain(kb, retriever).ask("招标" * 400)


# ------------------------------------------------------------------ multi-turn


def test_follow_up_inherits_the_topic_without_llm(kb, retriever):
    history = [("供应商参加政府采购活动应当具备哪些条件？", "……")]
    answer = chain(kb, retriever).ask("那如果是三年内有重大违法记录呢？", history)
    assert answer.standalone_question.startswith("供应商参加政府采购活动应当具备哪些条件")
    assert answer.citations[0].article == "第二十二条"
    assert retriever.queries[-1] == answer.standalone_question


def test_follow_up_is_condensed_by_the_llm(kb, retriever):
    llm = FakeChatModel(["依法必须招标的项目投标文件编制最短时间是多少天？", "最短不得少于二十日[1]。"])
    answer = chain(kb, retriever, llm).ask("那这个期限是多少？", [("招标投标法对投标文件编制时间有什么规定？", "……")])
    assert answer.standalone_question == "依法必须招标的项目投标文件编制最短时间是多少天？"
    assert answer.metadata["condense"] == "llm" and "condense" in answer.metadata["prompt_hashes"]
    assert "对话历史" in llm.calls[0][-1].content


@pytest.mark.parametrize("condensed", [
    "依据《中华人民共和国招标投标法》第二十四条，最短不得少于二十日。[1]",  # an answer, with a citation
    "最短不得少于二十日[1]",  # a marker
    "招标投标法第四十六条规定的期限是多少？",  # an article nobody named
    "依法必须招标的项目投标文件编制最短时间是多少天？" * 4,  # much longer than the inputs
    "最短二十日。从发出之日起算。",  # sentences, not a question
])
def test_a_condensed_question_that_is_not_a_question_falls_back_to_the_rule(kb, retriever, condensed):
    """D18: small models answer the condense prompt; such output must not become the search query."""
    llm = FakeChatModel([condensed, "最短不得少于二十日[1]。"])
    answer = chain(kb, retriever, llm).ask("那这个期限是多少？", [(Q_DAYS, "……")])
    assert answer.metadata["condense"] == "rule_fallback" and answer.standalone_question.startswith("依法必须招标")
    assert retriever.queries[0] == answer.standalone_question


def test_llm_condense_failure_falls_back_to_the_rule(kb, retriever):
    llm = FakeChatModel([TimeoutError("slow"), "最短不得少于二十日[1]。"])
    answer = chain(kb, retriever, llm).ask("这个期限是多少？", [(Q_DAYS, "……")])
    assert answer.metadata["condense"] == "rule_fallback" and answer.standalone_question.startswith("依法必须招标")


# ------------------------------------------------------------------ masking


def test_personal_data_is_masked_before_the_llm_and_restored(kb, retriever):
    llm = FakeChatModel(responder=lambda m: "泄露" if "金华某某建设有限公司" in m[-1].content else "〔单位名称1〕不得被排斥[1]。")
    question = "金华某某建设有限公司（电话13812345678）问：招标人能否以不合理的条件限制或者排斥潜在投标人？"
    answer = chain(kb, retriever, llm, mask_personal_data=True).ask(question)
    sent = llm.calls[-1][-1].content
    assert "13812345678" not in sent and "金华某某建设有限公司" not in sent and "〔手机号1〕" in sent
    assert "金华某某建设有限公司不得被排斥" in answer.answer and answer.metadata["masked"]


# ------------------------------------------------------------------ the real wire path


def test_chain_over_a_real_openai_compatible_http_server(kb, retriever):
    with OpenAIStubServer(models=["qwen-test"]) as server:
        server.queue("依法必须招标的项目最短不得少于二十日[1]；《招标投标法》第九十九条另有规定[5]。")
        llm = make_chat_model(LLMSettings(backend="openai", base_url=server.base_url, model="qwen-test",
                                          timeout_s=5, max_retries=0))
        parts = list(chain(kb, retriever, llm).stream(Q_DAYS))
        answer = parts[-1]
        assert isinstance(answer, Answer) and len(parts) > 3  # streamed over SSE
        assert server.requests[-1]["stream"] is True
        assert "第九十九条" not in answer.answer and citing.FLAG_NONEXISTENT in answer.flags
        assert next(c.article for c in answer.citations) == "第二十四条"
        assert answer.metadata["model"] == "qwen-test" and answer.metadata["backend"] == "openai"
        server.mode = "error500"
        failed = chain(kb, retriever, llm).ask(Q_DAYS)
        assert failed.answer.startswith("大模型暂不可用（服务出错 HTTP 500）") and "llm_unavailable" in failed.flags


def test_a_named_article_is_stated_and_a_missing_one_said_first(kb, retriever):
    """The article the question names is the answer (it was hedged when another document's article of the
    same number scored the same); an article the document lacks is said before the answer."""
    qa = chain(kb, retriever)
    ans = qa.ask("招标投标法第二十四条规定了什么？")
    assert ans.answer.startswith("答：依据《中华人民共和国招标投标法》第二十四条")
    both = qa.ask("招标投标法第九十九条和第二十四条分别规定了什么？")
    assert both.answer.splitlines()[0] == "知识库收录的《中华人民共和国招标投标法》条文至第四十六条为止，没有第九十九条。"
    assert not both.refused and any(c.article == "第二十四条" for c in both.citations)


def test_a_named_article_is_not_stated_for_a_question_about_a_document_the_kb_lacks(kb, retriever):
    ans = chain(kb, retriever).ask("《某某市招标投标补充规定》对招标投标法第二十四条的等标期有什么补充？")
    assert not ans.refused and not ans.answer.startswith("答：")


def test_a_question_naming_no_regime_gets_both_regimes_answers():
    """「投标保证金最多能收多少」 names neither regime: 2% of the 预算 (政府采购) and 2% of the 估算价 (工程)
    are both stated, each with its regime; a question naming one regime gets that one."""
    from assistant.qa.extractive import Regimes, build_extractive
    from tests.qa_fakes import ZBTB, ZFCG, make_chunk, to_hit

    gov = make_chunk("law-zfcgf", 33, "招标文件要求投标人提交投标保证金的，投标保证金不得超过采购项目预算金额的2%。", None)
    works = make_chunk("law-zbtbf", 26, "招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的2%。", None)
    hits = [to_hit(gov, 0.93, 0.92, ["dense", "bm25"]), to_hit(works, 0.88, 0.91, ["dense", "bm25"])]
    regimes = {ZFCG: "政府采购", ZBTB: "工程招标"}
    both = build_extractive("投标保证金最多能收多少？", hits, regimes=Regimes(None, regimes))
    first = both.text.splitlines()[0]
    assert first.startswith("答：政府采购项目依据《中华人民共和国政府采购法》第三十三条")
    assert "；工程招标项目依据《中华人民共和国招标投标法》第二十六条" in first and both.lead_n == 1
    one = build_extractive("投标保证金最多能收多少？", hits, regimes=Regimes("政府采购", regimes))
    assert one.text.startswith("答：依据《中华人民共和国政府采购法》第三十三条") and "工程招标项目" not in one.text.splitlines()[0]


def test_two_regimes_parallel_articles_scoring_the_same_are_both_stated_not_hedged():
    """The tie check withholds an answer when another document's article scores practically the same; the other
    regime's parallel article is no such rival: it is stated beside the best, and so is its own rule on the point asked.
    Two regimes' articles on different points scoring the same still leave the answer hedged."""
    from assistant.qa.extractive import FLAG_NO_DIRECT, TIE_RATIO, Regimes, build_extractive
    from tests.qa_fakes import ZBTB, ZFCG, make_chunk, to_hit

    regimes = Regimes(None, {ZFCG: "政府采购", ZBTB: "工程招标"})
    gov = make_chunk("law-zfcgf", 33, "招标文件要求投标人提交投标保证金的，投标保证金不得超过采购项目预算金额的2%。", None)
    works = make_chunk("law-zbtbf", 26, "招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的2%。", None)
    tied = 0.93 * (TIE_RATIO + 0.01)
    hits = [to_hit(gov, 0.93, 0.92, ["dense", "bm25"]), to_hit(works, tied, 0.91, ["dense", "bm25"])]
    both = build_extractive("投标保证金最多能收多少？", hits, regimes=regimes)
    first = both.text.splitlines()[0]
    assert first.startswith("答：政府采购项目依据《中华人民共和国政府采购法》第三十三条")
    assert "；工程招标项目依据《中华人民共和国招标投标法》第二十六条" in first
    # the same tie between articles on different points of the two regimes: neither is stated
    other = make_chunk("law-zbtbf", 40, "投标人不得以他人名义投标，投标保证金应当从其基本账户转出。", None)
    rivals = [to_hit(gov, 0.93, 0.92, ["dense", "bm25"]), to_hit(other, tied, 0.91, ["dense", "bm25"])]
    hedged = build_extractive("投标保证金最多能收多少？", rivals, regimes=regimes)
    assert FLAG_NO_DIRECT in hedged.flags and not hedged.text.startswith("答：")
    # each regime's own rule on what is asked (the cases allowing 邀请招标): both are stated, each with its regime
    works11 = make_chunk("law-zbtbf", 11, "国务院发展计划部门确定的国家重点项目不适宜公开招标的，经国务院发展计划部门批准，"
                         "可以进行邀请招标。", None)
    gov29 = make_chunk("law-zfcgf", 29, "符合下列情形之一的货物或者服务，可以依照本法采用邀请招标方式采购：（一）具有特殊性，"
                       "只能从有限范围的供应商处采购的；", None)
    cases = [to_hit(works11, 0.83, 0.92, ["dense", "bm25"]), to_hit(gov29, 0.83 * (TIE_RATIO + 0.01), 0.91, ["dense", "bm25"])]
    first = build_extractive("什么情况下可以邀请招标", cases, regimes=regimes).text.splitlines()[0]
    assert first.startswith("答：工程招标项目依据《中华人民共和国招标投标法》第十一条")
    assert "；政府采购项目依据《中华人民共和国政府采购法》第二十九条" in first
