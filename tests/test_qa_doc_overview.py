"""Questions about what a document contains are answered from the knowledge base's own text of it."""

from __future__ import annotations

import pytest

from assistant.qa.doc_overview import asked_overview
from assistant.qa.understanding import Lexicon, shipped_lexicon_path

NAMES = {"87号令": "政府采购货物和服务招标投标管理办法", "政府采购货物和服务招标投标管理办法": "政府采购货物和服务招标投标管理办法",
         "招标投标法": "中华人民共和国招标投标法", "招标投标法实施条例": "中华人民共和国招标投标法实施条例",
         "婺区政发〔2025〕8号": "婺城区招标投标领域治理改革方案(2025-2027年)"}


@pytest.fixture(scope="module")
def overview_words() -> tuple[str, ...]:
    return Lexicon.load(shipped_lexicon_path()).overview_words


@pytest.mark.parametrize(("question", "name"), [
    ("87号令的主要内容是什么？", "87号令"),
    ("请简单介绍一下婺区政发〔2025〕8号", "婺区政发〔2025〕8号"),
    ("招标投标法实施条例一共有几章？", "招标投标法实施条例"),  # the longest name, not 招标投标法
    ("《招标投标法》都规定了哪些内容", "招标投标法"),
])
def test_an_overview_question_names_its_document(overview_words, question, name) -> None:
    assert asked_overview(question, NAMES, overview_words) == name


@pytest.mark.parametrize("question", [
    "87号令对投标保证金有哪些规定？",  # a provision, not the document
    "87号令第十条讲了什么",  # an article
    "87号令和招标投标法有什么区别",  # two documents
    "招标文件的主要内容有哪些？",  # no document: the contents of a tender file (招标投标法第十九条)
    "87号令还有效吗",  # a status question
])
def test_other_questions_are_not_overview_questions(overview_words, question) -> None:
    assert asked_overview(question, NAMES, overview_words) is None


@pytest.mark.integration
def test_a_regulation_is_told_by_its_chapters_and_its_first_articles(real_services) -> None:
    answer = real_services.qa.ask("87号令的主要内容是什么？")
    assert answer.flags == ["document_overview"] and not answer.refused
    assert answer.answer.startswith("答：知识库收录的《政府采购货物和服务招标投标管理办法》（财政部令第87号）共七章八十八条，现行有效，"
                                    "自2017年10月1日起施行。")
    assert "- 第四章 开标、评标（第三十九条至第六十七条）" in answer.answer
    assert "- 第七章 附则（第八十三条至第八十八条）" in answer.answer
    assert [(c.title, c.article) for c in answer.citations] == [
        ("政府采购货物和服务招标投标管理办法", "第一条"), ("政府采购货物和服务招标投标管理办法", "第二条")]
    scope = answer.citations[1].key_sentence
    assert scope == "本办法适用于在中华人民共和国境内开展政府采购货物和服务（以下简称货物服务）招标投标活动。"
    for cite in answer.citations:  # quoted word for word from the article the knowledge base holds
        article = real_services.kb.get_article(cite.title, cite.article_no)
        assert article is not None and cite.key_sentence in article.text


@pytest.mark.integration
def test_a_document_the_kb_holds_in_part_says_so(real_services) -> None:
    """The knowledge base ships the 民法典's contract book, one article of its 总则 (a legal person's branches) and one of
    its 附则, not the whole code."""
    answer = real_services.qa.ask("民法典的主要内容")
    assert answer.answer.startswith("答：知识库收录了《中华人民共和国民法典》的部分内容（第一编 总则 第三章 法人、第三编 合同等），")
    assert "- 第一编 总则 第三章 法人（第七十四条）" in answer.answer
    assert "- 附则（第一千二百六十条）" in answer.answer


@pytest.mark.integration
def test_the_reform_plan_asked_by_its_number_is_told_by_its_headings(real_services) -> None:
    """「婺区政发〔2025〕8号」 cut into tokens left nothing to search for: the question was refused."""
    answer = real_services.qa.ask("婺区政发〔2025〕8号的主要内容是什么？")
    assert answer.flags == ["document_overview"] and not answer.refused
    lines = answer.answer.splitlines()
    assert lines[0].startswith("答：知识库收录的《婺城区招标投标领域治理改革方案(2025-2027年)》（婺区政发〔2025〕8号）现行有效")
    assert lines[1].startswith("说明：")
    # blank lines around the list: a Markdown list would take the quote after it into its last item
    assert lines[lines.index("全文由以下部分组成：") - 1] == "" and lines[lines.index("- 四、组织领导") - 1].startswith("  - ")  # the scraped copy lost a few characters: said whenever it is shown
    assert "- 二、重点任务" in lines and "  - （二）推动交易、服务、监督三平台统一" in lines
    assert "- 附件：婺城区招投标领域突出问题专项整治工作方案" in lines
    [cite] = answer.citations
    assert cite.key_sentence.startswith("2025年底，理顺政府领导、发改牵头")


@pytest.mark.integration
def test_a_question_about_a_provision_is_still_answered_from_its_articles(real_services) -> None:
    answer = real_services.qa.ask("婺区政发〔2025〕8号对限额以下项目交易有什么要求？")
    assert answer.flags != ["document_overview"] and not answer.refused
    assert "限额以下项目交易" in answer.answer


@pytest.mark.parametrize(("question", "bare"), [
    ("这个文件的主要内容是什么？", True),
    ("请介绍一下", True),
    ("招标文件的主要内容有哪些？", False),  # 招标投标法第十九条 answers it
    ("框架协议有哪些规定", False),
    ("87号令的主要内容是什么", False),
])
def test_an_overview_question_with_no_document_is_told_apart(overview_words, question, bare) -> None:
    from assistant.qa.doc_overview import names_no_document

    assert names_no_document(question, overview_words) is bare


@pytest.mark.integration
def test_an_overview_question_naming_no_document_asks_which(real_services) -> None:
    """「这个文件的主要内容是什么」 was answered with 87号令第二十一条 (what a prequalification file contains)."""
    answer = real_services.qa.ask("这个文件的主要内容是什么")
    assert answer.refused and answer.flags == ["refused:not_a_question"] and not answer.citations
    assert "没有说明是哪份文件" in answer.answer and "87号令的主要内容是什么？" in answer.answer


@pytest.mark.integration
def test_a_chapter_is_told_by_its_articles_each_cited(real_services) -> None:
    """「招标投标法第五章是什么内容」 was answered with 第五条 (the nearest vector to 「第五章」)."""
    answer = real_services.qa.ask("招标投标法第五章是什么内容")
    assert answer.flags == ["document_overview"] and not answer.refused
    assert answer.answer.startswith("答：知识库收录的《中华人民共和国招标投标法》第五章 法律责任，共十六条（第四十九条至第六十四条）：")
    assert [c.article_no for c in answer.citations] == list(range(49, 65))
    assert "- 第五十三条：" in answer.answer and "条旨" in answer.answer  # the notes' topic headings, said to be ours
    absent = real_services.qa.ask("必须招标的工程项目规定第二章讲了什么")
    assert absent.answer.startswith("答：知识库收录的《必须招标的工程项目规定》（国家发展和改革委员会令第16号）不分章，没有第二章。")
    assert absent.citations == []


@pytest.mark.integration
def test_documents_the_kb_holds_are_not_called_words_it_lacks(real_services) -> None:
    """「87号令和94号令的主要内容」 (two documents: no overview) was refused with 「知识库中没有出现的词：87号令、94号令」."""
    answer = real_services.qa.ask("87号令和94号令的主要内容")
    assert "知识库中没有出现的词" not in answer.answer


@pytest.mark.integration
def test_a_section_of_the_plan_is_told_by_its_parts_each_cited(real_services) -> None:
    """「改革方案有哪些重点任务」 quoted one of the attachment's tasks as the answer; the plan's own section and its
    attachment's are listed whole, each part cited with its text."""
    answer = real_services.qa.ask("改革方案有哪些重点任务")
    assert answer.flags == ["document_section"]
    assert answer.answer.startswith("答：《婺城区招标投标领域治理改革方案(2025-2027年)》（婺区政发〔2025〕8号）「二、重点任务」分为以下三项：")
    assert "附件《婺城区招投标领域突出问题专项整治工作方案》「二、重点任务」分为以下六项：" in answer.answer
    assert "- （六）全面深化全域全量数据归集治理 [9]" in answer.answer
    assert len(answer.citations) == 9 and all(c.text for c in answer.citations)
    steps = real_services.qa.ask("婺城区改革的实施步骤是什么")
    assert [line for line in steps.answer.splitlines() if line.startswith("- ")] == [
        "- （一）2025年，理顺体制机制 [1]", "- （二）2026年，强化技术赋能 [2]", "- （三）2027年，巩固拓展提升 [3]"]
    # the attachment named: its section only
    attached = real_services.qa.ask("附件有哪些重点任务")
    assert attached.answer.startswith("答：附件《婺城区招投标领域突出问题专项整治工作方案》「二、重点任务」分为以下六项：")
    assert len(attached.citations) == 6


@pytest.mark.integration
@pytest.mark.parametrize("question", [
    "重点任务中对评标专家有什么要求",  # a provision within the section
    "政府采购有哪些重点任务",  # not the plan's words
    "改革的总体要求是什么",  # a section without parts: its sentence is quoted by retrieval
])
def test_other_questions_naming_a_section_go_to_retrieval(real_services, question) -> None:
    assert "document_section" not in real_services.qa.ask(question).flags
