"""Real-question ranking (issue 12): article notes in practitioners' words, key sentences.

The questions here are written for these tests (not taken from an evaluation set); each asks
what an article rules in other words than its note's typical questions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import rank_of

ZTB_TIAOLI = "中华人民共和国招标投标法实施条例"
ZFCG_TIAOLI = "中华人民共和国政府采购法实施条例"


@pytest.mark.integration
@pytest.mark.parametrize(("question", "title", "article", "within"), [
    # the objection at the opening is made on the spot (条例第四十四条), not the one against the tender documents
    ("开标时对开标过程有异议应当怎么提？", ZTB_TIAOLI, "第四十四条", 1),
    # the deposits of the winner and of the others are refunded within 5 days of the contract (条例第五十七条)
    ("招标结束后，没中标的单位交的投标保证金最晚多久要退？", ZTB_TIAOLI, "第五十七条", 2),
    # evaluators sign the evaluation report and answer for their opinion (政府采购法实施条例第四十一条)
    ("评审专家不在评审报告上签字会怎样？", ZFCG_TIAOLI, "第四十一条", 3),
    # the same article for the practitioners' 「签字」 of an evaluator (lexicon: 签字+评审; 74号令第十七条, which
    # says the same of the negotiation and enquiry groups, may come first)
    ("评审专家拒绝签字，评审结果还有效吗？", ZFCG_TIAOLI, "第四十一条", 2),
])
def test_a_practitioner_question_finds_the_article_its_note_describes(services, question, title, article, within):
    rank = rank_of(services, question, title, article)
    assert rank is not None and rank <= within, (question, rank)


# 87号令第四十七条 (the knowledge base's text, first two paragraphs)
COMMITTEE = ("第四十七条 评标委员会由采购人代表和评审专家组成，成员人数应当为5人以上单数，其中评审专家不得少于成员总数的2/3。\n"
             "采购项目符合下列情形之一的，评标委员会成员人数应当为7人以上单数：\n"
             "（一）采购预算金额在1000万元以上；\n（二）技术复杂；\n（三）社会影响较大。\n"
             "评标委员会成员名单在评标结果公告前应当保密。")


@pytest.mark.parametrize(("question", "figure"), [
    ("评标委员会成员人数有何要求", "5人以上单数"),
    ("政府采购项目评标委员会要几个人？", "5人以上单数"),
    # the question names one of the listed cases: the sentence of those cases answers it
    ("技术复杂的项目评标委员会要几个人？", "7人以上单数"),
    ("采购预算1000万元以上的项目评标委员会成员人数有何要求", "7人以上单数"),
])
def test_the_key_sentence_is_the_general_rule_unless_the_question_names_a_listed_case(question, figure):
    from assistant.qa.citing import key_in_context, key_sentence
    from assistant.qa.understanding import default_gate_words

    words = default_gate_words()
    sentence = key_sentence(COMMITTEE, question, words.alternatives, words.statute_words, words.generic_terms,
                            "政府采购货物和服务招标投标管理办法")
    # as quoted: a listed case comes with the sentence that lists it (「……应当为7人以上单数：（一）采购预算金额在1000万元以上；」)
    assert sentence is not None and figure in key_in_context(COMMITTEE, sentence)


@pytest.mark.parametrize(("question", "wording"), [
    ("评审专家中途离开没签字怎么办？", "在评审报告上签字"),
    ("询价项目需要发成交公告吗？", "公告成交结果"),
    ("投标文件未按时提交还能补交吗？", "逾期送达"),
    ("成交供应商拒签合同，采购人怎么办？", "拒绝与采购人签订合同"),
    ("竞争性谈判能直接邀请三家供应商吗？", "发布公告"),
    ("递交标书后想撤回，要走什么手续？", "撤回已提交的投标文件"),
    ("截止前撤标需要书面说明吗？", "书面通知"),
])
def test_practice_words_are_asked_in_the_statute_wording(question, wording):
    from assistant.qa.understanding import LEXICON_FILE, Lexicon, understand

    lex = Lexicon.load(Path(__file__).resolve().parent.parent / "knowledge_base" / LEXICON_FILE)
    assert wording in understand(question, lex).expansions
