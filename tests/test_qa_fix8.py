"""Real-question ranking, continued (issue 12): practice words asked in the statute wording.

The questions here are written for these tests (not taken from an evaluation set).
"""

from __future__ import annotations

import pytest

from tests.conftest import rank_of

GOODS = "政府采购货物和服务招标投标管理办法"
MANDATORY = "必须招标的工程项目规定"


@pytest.mark.parametrize(("question", "wording"), [
    # 招标投标法第二十三条, 87号令第二十七条
    ("招标文件已经挂网了，发现技术参数写错了还能修改吗？", "澄清或者修改"),
    ("招标文件已经挂网了，发现技术参数写错了还能修改吗？", "已发出的招标文件"),
    # 必须招标的工程项目规定第五条（三）
    ("监理服务合同估算100万元要招标吗？", "勘察、设计、监理等服务的采购"),
    # 政府采购质疑和投诉办法第十条
    ("供应商对采购文件不服，被质疑的一方应当是谁？", "向采购人、采购代理机构提出质疑"),
    # 政府采购法实施条例第三十四条
    ("综合评分的满分一定要设成100分吗？", "分值设置"),
])
def test_practice_words_are_asked_in_the_statute_wording(lexicon, question, wording):
    from assistant.qa.understanding import understand

    assert wording in understand(question, lexicon).expansions


def test_a_tender_document_question_without_a_change_gets_no_change_wording(lexicon):
    from assistant.qa.understanding import understand

    assert "澄清或者修改" not in understand("招标文件应当包括哪些内容？", lexicon).expansions


def test_the_service_threshold_trigger_does_not_cut_mandatory_tendering_as_one_word(lexicon):
    # a tokenizer word 「必须招标」 would cut every article that says 依法必须招标 differently: the trigger
    # with digits (100万) is not a tokenizer word, and 必须招标 is not added through it
    words = lexicon.user_words()
    assert "必须招标" not in words
    assert "100万" not in words
    assert "勘察、设计、监理等服务的采购" in words


@pytest.mark.integration
@pytest.mark.parametrize(("question", "title", "article", "within"), [
    # the service threshold of 第五条 (100万元), not 第四条 (the range of other projects)
    ("勘察设计服务费超过100万元的项目一定要招标吗？", MANDATORY, "第五条", 1),
    # changing an issued tender document (87号令第二十七条; 第六十四条 and 第六十五条, on changing the results and
    # stopping an evaluation, may come first)
    ("政府采购招标文件发出后发现评分项写反了，开标前能修改吗？", GOODS, "第二十七条", 3),
])
def test_a_practitioner_question_finds_the_article(services, question, title, article, within):
    rank = rank_of(services, question, title, article)
    assert rank is not None and rank <= within, (question, rank)


def test_a_closing_question_without_a_subject_keeps_the_earlier_question(lexicon):
    from assistant.qa.understanding import core_question

    story = ("我们单位第一次参加政府采购，不清楚投标保证金交多少合适。公司的财务人员都是新来的，对流程很陌生，"
             "领导催得也紧，怕交错了耽误事情。想问一下具体怎么规定的？")
    core = core_question(story, lexicon)
    assert "投标保证金" in core and "想问一下具体怎么规定的" in core
    assert "财务人员" not in core


def test_a_closing_question_with_its_own_subject_stands_alone(lexicon):
    from assistant.qa.understanding import core_question

    story = ("我们单位第一次参加政府采购，不清楚投标保证金交多少合适。公司的财务人员都是新来的，对流程很陌生，"
             "领导催得也紧，怕交错了耽误事情。想问一下履约保证金最多能收多少？")
    core = core_question(story, lexicon)
    assert core.startswith("想问一下履约保证金")


def _planner(lexicon):
    from assistant.qa.understanding import make_planner

    held = {"招标文件审查要点", "浙江省招标投标条例"}
    return make_planner(lexicon, lambda name: name if name in held else None,
                        regime_boost=0.08, off_regime_penalty=0.08, specific_boost=0.04)


def test_the_local_restatement_ranks_behind_the_national_rule_unless_the_province_is_named(lexicon):
    plain = _planner(lexicon)("招标人收取的投标保证金应当什么时候退还？").title_boosts
    local = _planner(lexicon)("浙江的招标项目，投标保证金应当什么时候退还？").title_boosts
    assert plain.get("浙江省招标投标条例", 0.0) < 0
    assert local.get("浙江省招标投标条例", 0.0) >= 0


def test_the_review_catalogue_ranks_behind_the_regulations_for_a_legal_question(lexicon):
    penalty = {g.name: (g.documents, p) for g, p in lexicon.secondary}["catalogue"]
    assert penalty[0] == ("招标文件审查要点",)
    plan = _planner(lexicon)("招标文件能不能指定品牌？")
    assert plan.title_boosts.get("招标文件审查要点", 0.0) == -penalty[1] < 0


@pytest.mark.parametrize("question", ["审查要点里指定品牌这一项怎么判断？", "查招标文件时，摇号定标算不算风险点？"])
def test_a_question_about_the_review_keeps_the_catalogue(lexicon, question):
    assert "招标文件审查要点" not in _planner(lexicon)(question).title_boosts


@pytest.mark.parametrize("text", ["secondary_documents: [审查要点]\n", "secondary_documents: {catalogue: [审查要点]}\n"])
def test_a_secondary_documents_section_of_another_form_is_a_configuration_error(tmp_path, text):
    from assistant.qa.understanding import Lexicon, LexiconError

    bad = tmp_path / "qa_lexicon.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError):
        Lexicon.load(bad)


@pytest.mark.parametrize(("question", "present", "absent"), [
    # 拒签合同 is refusing to sign (实施条例第四十九条), not the 30 days to sign (签合同, 87号令第七十一条)
    ("成交供应商拒签合同，采购人能另选供应商吗？", "拒绝签订", "中标通知书发出之日起三十日内"),
    # so is 不签合同, and in an engineering tender it is 实施条例第七十四条's 不与招标人订立合同
    ("工程项目中标人不签合同怎么办？", "不与招标人订立合同", "中标通知书发出之日起三十日内"),
    # 签合同 on its own still asks for the days to sign
    ("中标以后最晚什么时候签合同？", "中标通知书发出之日起三十日内", "拒绝签订"),
    # 标书费 is the price of the tender documents, not 标书 (招标文件 / 投标文件)
    ("标书费一般收多少？", "招标文件售价", "投标文件"),
])
def test_a_practice_word_inside_a_longer_one_is_not_asked_separately(lexicon, question, present, absent):
    from assistant.qa.understanding import understand

    found = understand(question, lexicon).expansions
    assert present in found and absent not in found


def test_a_practice_word_also_standing_alone_is_asked():
    from assistant.qa.understanding import _only_inside_longer

    # 签合同 inside 拒签合同, and once more on its own
    assert _only_inside_longer("签合同", {"签合同", "拒签合同"}, "他拒签合同")
    assert not _only_inside_longer("签合同", {"签合同", "拒签合同"}, "他拒签合同后，采购人何时与第二名签合同")
    assert not _only_inside_longer("签合同", {"签合同"}, "他拒签合同")
