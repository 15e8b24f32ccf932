"""A word of one document's own (the district plan's 评定分离) finds the passages that use it."""

from __future__ import annotations

import pytest

from assistant.qa.understanding import Lexicon, LexiconError, make_planner, shipped_lexicon_path

LEX = Lexicon.load(shipped_lexicon_path())
PLAN = "婺城区招标投标领域治理改革方案(2025-2027年)"


def _planner():
    titles = {"婺区政发〔2025〕8号": PLAN, "87号令": "政府采购货物和服务招标投标管理办法"}
    return make_planner(LEX, titles.get, regime_boost=0.0, off_regime_penalty=0.0, specific_boost=0.0)


def test_a_question_using_a_word_of_the_plans_own_names_its_passages() -> None:
    plan = _planner()("评定分离怎么落实？")
    assert plan.passage_terms == ((PLAN, "评定分离"),)
    assert plan.passage_boost == LEX.document_term_boost > 0
    # the long form is found by the practice word's wording
    assert _planner()("评标定标分离是怎么规定的").passage_terms == ((PLAN, "评定分离"),)


def test_other_questions_name_no_passage() -> None:
    assert _planner()("评标方法有哪几种？").passage_terms == ()
    assert _planner()("采购桌椅可以要求提供样品吗？").passage_terms == ()


def test_the_words_are_kept_whole_by_the_tokenizer() -> None:
    words = LEX.user_words()
    assert {"评定分离", "千项万亿", "两场联动"} <= set(words)


@pytest.mark.integration
def test_every_word_occurs_in_its_document_and_in_no_other_shipped_one(real_services) -> None:
    """Otherwise the word does not name the document: the other document's passage would be missed."""
    chunks = list(real_services.kb._require().chunks.values())
    for name, words in LEX.document_terms:
        title = real_services.kb.title_of(name)
        assert title == PLAN
        for w in words:
            holders = {c.title for c in chunks if w in c.text}
            assert holders == {title}, (w, holders)


@pytest.mark.parametrize("text", ["document_terms: [评定分离]\n", "document_terms: {婺区政发〔2025〕8号: 评定分离}\n",
                                  "document_terms: {婺区政发〔2025〕8号: []}\n"])
def test_a_malformed_section_is_a_configuration_error(tmp_path, text) -> None:
    path = tmp_path / "qa_lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match="document_terms"):
        Lexicon.load(path)


@pytest.mark.integration
@pytest.mark.parametrize(("question", "quoted"), [
    ("评定分离怎么落实？", "根据省级分行业评定分离操作指引，落实招标人主体责任，做好各方主体权责清单和负面清单落实工作。"),
    ("评标定标分离是怎么规定的", "根据省级分行业评定分离操作指引，落实招标人主体责任，做好各方主体权责清单和负面清单落实工作。"),
    # led by 政府采购法第三十七条 (废标) at a boost of 0.5: the embedding and that article's note took 废改立 for 废标
    ("废改立怎么做", "推进招投标领域政策制度文件废改立，完善配套制度体系，落实招投标领域七个不准，破除地方保护。"),
])
def test_the_plans_measure_is_answered_from_the_plan(real_services, question, quoted) -> None:
    """Without naming the district, 「评定分离怎么落实？」 was refused: the plan's long section ranked eighth."""
    answer = real_services.qa.ask(question)
    assert not answer.refused
    assert answer.citations[0].title == PLAN
    assert answer.answer.startswith(f"答：依据《{PLAN}》：“{quoted}”[1]")


@pytest.mark.integration
def test_a_short_question_on_a_plan_word_is_not_refused(real_services) -> None:
    """「三分离是指什么」 was refused for low similarity: the e5 vector of a three-character question is far from every
    passage. The plan does not define the word: the answer says no article answers directly and lists the plan first."""
    answer = real_services.qa.ask("三分离是指什么")
    assert not answer.refused
    assert answer.citations[0].title == PLAN and "三分离" in answer.citations[0].text


@pytest.mark.integration
def test_a_plan_word_alone_lists_the_plans_passages(real_services) -> None:
    """「评定分离」 alone was refused as no question (no domain word); like 「保证金」 it now lists the passages, stating none."""
    answer = real_services.qa.ask("评定分离")
    assert not answer.refused
    assert "不是完整的问题" in answer.answer
    assert answer.citations[0].title == PLAN and "评定分离" in answer.citations[0].text


@pytest.mark.integration
@pytest.mark.parametrize(("question", "quoted"), [
    # the year is one of the question's words (the tokenizer drops digits); 目标 is said 总体要求 by the plan
    ("改革到2027年要达到什么目标？", "到2027年，规范有序的招投标市场基本形成，招投标领域营商环境走在全前列。"),
    # 任务 is said by the heading of its section (三、实施步骤); the short numbered headline is quoted with its next sentence
    ("2026年改革要完成哪些任务", "（二）2026年，强化技术赋能。在全推广使用全省统一招投标交易平台，做好统一交易平台与现有交易系统的过渡。"),
])
def test_a_question_on_the_plans_goals_or_years_is_answered(real_services, question, quoted) -> None:
    """Both hedged (「未能确定……」) although the plan's right section ranked first."""
    answer = real_services.qa.ask(question)
    assert answer.answer.startswith(f"答：依据《{PLAN}》：“{quoted}”[1]")


@pytest.mark.integration
def test_a_year_the_knowledge_base_does_not_plan_for_is_not_answered(real_services) -> None:
    """The year is a word the answer must carry: the plan says nothing of 2029."""
    answer = real_services.qa.ask("2029年婺城区改革要完成哪些任务")
    assert not answer.answer.startswith("答：")
