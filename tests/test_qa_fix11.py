"""Real-question answers, round 5 (issue 12): the gate weighs an article against what is asked, not
against the asker's story; chat courtesy (「谢谢老师」) is not a subject.

The questions here are written for these tests (not taken from an evaluation set).
"""

from __future__ import annotations

import pytest

from assistant.qa.extractive import build_extractive
from assistant.schema import Hit

GOODS = "政府采购货物和服务招标投标管理办法"
#: 87号令第四十七条, first sentence
ART47 = ("评标委员会由采购人代表和评审专家组成，成员人数应当为5人以上单数，其中评审专家不得少于成员总数的三分之二。")
STORY = "某县人民医院为改善诊疗条件筹措资金，计划年内购置一批彩色多普勒超声诊断仪器，预算四百五十万元。"
ASKED = "采购人代表能占评标委员会成员总数的一半吗？"


def _hit(title: str, article: str, text: str, rank_score: float) -> Hit:
    return Hit(title=title, article=article, text=text, score=min(1.0, rank_score), doc_id=title, doc_type="部门规章",
               status="现行有效", chunk_id=f"{title}{article}", via=["dense", "bm25"], rank_score=rank_score,
               dense_score=0.9)


def test_the_gate_weighs_the_article_against_the_question_asked_not_the_story(lexicon):
    from assistant.qa.understanding import core_question

    question = STORY + ASKED
    asked = core_question(question, lexicon)
    assert asked == ASKED
    hits = [_hit(GOODS, "第四十七条", ART47, 1.0), _hit(GOODS, "第四十八条", "评审专家应当回避。", 0.7)]
    words = lexicon.gate_words
    # the story's words (医院, 多普勒, 超声 …) are in no article: against the whole message the article is hedged
    hedged = build_extractive(question, hits, words=words)
    assert hedged.lead_n is None
    stated = build_extractive(question, hits, words=words, asked=asked)
    assert stated.lead_n == 1 and stated.text.startswith("答：依据《政府采购货物和服务招标投标管理办法》第四十七条")


@pytest.mark.parametrize("tail", ["谢谢老师", "麻烦各位解答一下，谢谢！", "请教一下各位，急"])
def test_chat_courtesy_is_not_a_subject_word(tail):
    from assistant.qa.refusal import key_terms

    question = "开标那天只来了两家，还能开标吗？"
    assert key_terms(question + tail) == key_terms(question)


@pytest.mark.integration
def test_a_question_ending_in_thanks_is_answered_like_the_question(services):
    plain = services.qa.ask("开标那天只来了两家供应商，还能开标吗？")
    thanked = services.qa.ask("开标那天只来了两家供应商，还能开标吗？谢谢老师")
    assert not plain.refused and not thanked.refused
    for answer in (plain, thanked):
        assert any((c.title, c.article) == (GOODS, "第四十一条") for c in answer.citations)
