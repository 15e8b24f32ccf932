"""A bare word typed as into a search box is no question: no article is stated as its answer."""

from __future__ import annotations

import pytest

from assistant.qa import refusal


def test_a_bare_word_is_a_keyword_query(lexicon) -> None:
    for q in ("测试", "保证金", "投标保证金", "保证金退还", " 串标 "):
        assert refusal.is_keyword_query(q, lexicon), q
    for q in ("什么是串标", "流标怎么办", "保证金能退吗", "投标保证金最多可以收多少？", "供应商可以要求退还投标保证金的期限",
              # asked by 谁, 哪, 何时, 几年 (they were taken for keywords and refused as no question)
              "质疑由谁答复", "改革由谁牵头", "投诉向哪个部门提", "中标通知书何时发出", "串标罚几年"):
        assert not refusal.is_keyword_query(q, lexicon), q
    assert not refusal.is_keyword_query("测试", None)  # no lexicon, no question words: never guessed


@pytest.mark.integration
def test_a_domain_word_shows_the_articles_without_stating_one(services) -> None:
    # before: 「答：依据《保障中小企业款项支付条例》第十三条：“…不得将保证金限定为现金。”」
    answer = services.qa.ask("保证金")
    assert not answer.refused and "no_direct_provision" in answer.flags and answer.citations
    assert answer.answer.startswith("「保证金」不是完整的问题，因此不直接作答") and "答：" not in answer.answer


@pytest.mark.integration
@pytest.mark.parametrize("word", ["测试", "你好"])
def test_a_word_outside_the_domain_is_refused_with_how_to_ask(services, word) -> None:
    # before: 「测试」 was answered 「答：依据《保障中小企业款项支付条例》第二十九条」 (企业规模类型测试平台)
    answer = services.qa.ask(word)
    assert answer.refused and answer.flags == ["refused:not_a_question"] and not answer.citations
    assert answer.answer.startswith(f"「{word}」不是一个完整的问题") and "例如「" in answer.answer
    assert "导入" not in answer.answer  # nothing to import: the user has to ask
    assert "最接近的条文" not in answer.answer  # 「测试」's nearest article (a 自测 platform) means nothing


@pytest.mark.integration
def test_a_short_question_is_still_answered(services) -> None:
    answer = services.qa.ask("流标怎么办")
    assert not answer.refused and "不是完整的问题" not in answer.answer
