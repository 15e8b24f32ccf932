"""Real-question ranking, round 3 (issue 12): practice words asked in the statute wording.

The questions here are written for these tests (not taken from an evaluation set).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("question", "wording"), [
    # 政府采购法实施条例第四十九条: the next supplier is 下一候选人
    ("成交供应商放弃成交后，能由第二名顺延吗？", "下一候选人"),
    ("第一名放弃中标，采购人可以让排第二的递补吗？", "下一候选人"),
    ("中标人放弃中标后怎么办？", "下一候选人"),
    # 招标投标法第二十三条, 87号令第二十七条: clarifying an issued tender document is 澄清或者修改
    ("招标文件发出后还能发澄清改评分办法吗？", "澄清或者修改"),
    ("招标文件发出后还能发澄清改评分办法吗？", "已发出的招标文件"),
    # 招标投标法第三十一条, 政府采购法第二十四条: the lead member is one of 联合体各方
    ("联合体牵头人要承担什么义务？", "联合体各方"),
])
def test_practice_words_are_asked_in_the_statute_wording(lexicon, question, wording):
    from assistant.qa.understanding import understand

    assert wording in understand(question, lexicon).expansions


def test_a_bid_clarification_gets_no_tender_document_wording(lexicon):
    # 评标委员会 asking a bidder to clarify its bid (招标投标法第三十九条) is not a change of the tender document
    from assistant.qa.understanding import understand

    assert "已发出的招标文件" not in understand("评标时评委能要求投标人澄清报价吗？", lexicon).expansions


def _hit(title: str, article: str, text: str):
    from assistant.schema import Hit

    return Hit(title=title, article=article, text=text, score=1.0, doc_id=title, doc_type="法律",
               status="现行有效", chunk_id=title + article)


ENQUIRY = _hit("中华人民共和国政府采购法", "第三十二条",
               "第三十二条 采购的货物规格、标准统一、现货货源充足且价格变化幅度小的政府采购项目，可以依照本法采用询价方式采购。")


@pytest.mark.parametrize("question", [
    "政府采购过程中，什么情况下可以采用询价方式？",
    "作为采购人，什么情况下可以采用询价方式？",
])
def test_framing_words_are_not_words_the_answer_must_carry(lexicon, question):
    # 「过程」「作为」 say how the question frames its subject; the article on 询价 answers it
    from assistant.qa.extractive import addresses, term_coverage

    assert term_coverage(question, ENQUIRY, lexicon.gate_words) == 1.0
    assert addresses(question, ENQUIRY, lexicon.gate_words)


def test_a_subject_word_the_article_lacks_still_counts(lexicon):
    # the framing words are generic, a topic word (竞争性谈判) is not
    from assistant.qa.extractive import addresses

    assert not addresses("政府采购过程中，什么情况下可以采用竞争性谈判方式？", ENQUIRY, lexicon.gate_words)


def test_the_lead_member_is_one_tokenizer_word_and_carried_by_the_consortium_article(lexicon):
    # 「牵头人」 stays whole, and an article on 联合体各方 carries it (the answer gate's statute wording)
    from assistant.qa.extractive import term_coverage
    from assistant.text_zh import add_user_words

    assert "牵头人" in lexicon.user_words()
    add_user_words(lexicon.user_words())  # as Services does before anything is tokenized
    consortium = _hit("中华人民共和国招标投标法", "第三十一条",
                      "第三十一条 两个以上法人或者其他组织可以组成一个联合体，以一个投标人的身份共同投标。"
                      "联合体各方应当签订共同投标协议，明确约定各方拟承担的工作和责任。")
    assert term_coverage("联合体牵头人承担哪些责任？", consortium, lexicon.gate_words) == 1.0
