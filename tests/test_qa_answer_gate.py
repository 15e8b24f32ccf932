"""The answer-first gate: when may the best article be stated as the answer (issue #12)."""

from __future__ import annotations

from assistant.qa.extractive import NOTE_LEAD_MARGIN, TIE_RATIO, confident
from assistant.schema import Hit


def _hit(title: str, article: str, text: str, rank_score: float, via: tuple[str, ...] = ("dense", "bm25"),
         dense: float = 0.9) -> Hit:
    return Hit(title=title, article=article, text=text, score=min(1.0, rank_score), doc_id=title, doc_type="行政法规",
               status="现行有效", chunk_id=f"{title}{article}", via=list(via), rank_score=rank_score, dense_score=dense)


Q = "询价小组能不能改变询价通知书确定的评审程序？"
ON_POINT = "询价小组在询价过程中，不得改变询价通知书所确定的技术和服务等要求、评审程序、评定成交的标准和合同文本等事项。"


def test_an_article_that_addresses_the_question_and_leads_clearly_is_stated():
    best = _hit("甲办法", "第四十六条", ON_POINT, 1.0)
    other = _hit("乙条例", "第三十六条", "询价通知书应当根据采购需求确定政府采购合同条款。", 0.8)
    assert confident(Q, best, [best, other])


def test_a_near_tie_with_another_documents_article_is_not_stated():
    best = _hit("甲办法", "第四十六条", ON_POINT, 1.0)
    other = _hit("乙条例", "第三十六条", ON_POINT, 1.0 * TIE_RATIO + 0.001)
    assert not confident(Q, best, [best, other])


def test_a_note_match_with_a_clear_lead_is_stated_even_in_other_words():
    text = "单位负责人为同一人或者存在直接控股、管理关系的不同供应商，不得参加同一合同项下的政府采购活动。"
    q = "两家公司老板是同一个人，能一起投一个项目吗？"
    runner_score = 1.0 * (1 - NOTE_LEAD_MARGIN) - 0.01
    noted = _hit("乙条例", "第十八条", text, 1.0, via=("dense", "note"), dense=0.93)
    plain = _hit("乙条例", "第十八条", text, 1.0, dense=0.93)
    runner = _hit("丙法", "第二十二条", "供应商参加政府采购活动应当具备下列条件。", runner_score, dense=0.90)
    assert confident(q, noted, [noted, runner])
    assert not confident(q, plain, [plain, runner])
    # the note alone is not enough when another passage is nearer to the question
    nearer = _hit("丙法", "第二十二条", "供应商参加政府采购活动应当具备下列条件。", runner_score, dense=0.95)
    assert not confident(q, noted, [noted, nearer])
