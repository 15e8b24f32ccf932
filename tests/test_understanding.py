"""Question understanding: story vs question, regime, practice vocabulary (knowledge_base/qa_lexicon.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.qa.understanding import (
    LEXICON_FILE,
    Lexicon,
    LexiconError,
    core_question,
    detect_regime,
    understand,
)

ROOT = Path(__file__).resolve().parent.parent
LEX = Lexicon.load(ROOT / "knowledge_base" / LEXICON_FILE)


def test_lexicon_loads_with_terms_regimes_and_specific_rules():
    assert len(LEX.practice_terms) >= 40
    assert {r.name for r in LEX.regimes} == {"政府采购", "工程招标"}
    assert dict(LEX.specific_rules)["政府采购法"]


def test_narrative_question_keeps_the_asking_sentences_only():
    q = ("近日，有采购人咨询，他们计划采购一批办公家具。招标文件已经编好，预算二百万元，准备下月挂网。"
         "如果在招标文件中要求投标人提供样品并作为评分项，这样可以吗？")
    core = core_question(q, LEX)
    assert core.endswith("这样可以吗？") and "样品" in core
    assert "近日" not in core and "预算二百万元" not in core


def test_asking_sentence_that_points_back_keeps_what_it_points_to():
    # a real question (eval/real, collected): the asking sentence alone has no topic left
    q = ("我准备以联合体形式参与一个工程建设项目投标,但是听说招标人可能会拒绝联合体投标。"
         "我不太清楚招标人有没有这个权力,想知道在法律上是怎么规定的,遇到这种情况我该怎么办。")
    core = core_question(q, LEX)
    assert "拒绝联合体投标" in core and core.endswith("我该怎么办。")


def test_short_question_is_its_own_core():
    q = "采购桌椅可以要求提供样品吗？"
    assert core_question(q, LEX) == q


@pytest.mark.parametrize("question, regime", [
    ("政府采购项目的供应商对中标结果不满意，可以在几个工作日内质疑？", "政府采购"),
    ("依法必须进行招标的施工项目，招标人收到评标报告后多久公示中标候选人？", "工程招标"),
    ("这个规定是什么意思？", None),
])
def test_regime_detection(question, regime):
    assert detect_regime(question, LEX)[0] == regime


def test_practice_words_map_to_statute_wording():
    u = understand("第一名放弃了，能不能顺延给第二名？", LEX)
    assert "依次确定" in u.expansions and "其他中标候选人" in u.expansions
    u = understand("招标文件里能设拦标价吗？", LEX)
    assert "最高投标限价" in u.expansions
    assert "最高投标限价" in u.query() and u.query().startswith("招标文件里能设拦标价吗？")


def test_practice_words_are_kept_whole_by_the_tokenizer():
    from assistant.text_zh import add_user_words, tokenize

    add_user_words(LEX.user_words())
    assert "拦标价" in tokenize("招标文件能不能设置拦标价")


def test_malformed_lexicon_is_a_clear_chinese_error(tmp_path):
    bad = tmp_path / LEXICON_FILE
    bad.write_text("practice_terms: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match="问答词表文件"):
        Lexicon.load(bad)


def test_missing_lexicon_disables_understanding(tmp_path):
    lex = Lexicon.load(tmp_path / "none.yaml")
    u = understand("采购桌椅可以要求提供样品吗？", lex)
    assert u.regime is None and u.expansions == [] and u.core == u.question


def test_one_named_method_routes_away_from_the_other_methods_rules():
    from assistant.qa.understanding import detect_method, make_planner

    assert detect_method("开标时发现投标文件没有密封，还能继续开标吗？", LEX) == "招标"
    assert detect_method("询价小组能不能要求供应商二次报价？", LEX) == "非招标"
    assert detect_method("公开招标失败后转竞争性谈判要批准吗？", LEX) is None  # both methods named
    titles = {"87号令": "政府采购货物和服务招标投标管理办法", "74号令": "政府采购非招标采购方式管理办法"}
    plan = make_planner(LEX, titles.get, regime_boost=0.0, off_regime_penalty=0.0, specific_boost=0.0)
    boosts = plan("询价小组能不能要求供应商二次报价？").title_boosts
    assert boosts.get("政府采购货物和服务招标投标管理办法", 0.0) < 0 < LEX.method_penalty
    assert boosts.get("政府采购非招标采购方式管理办法", 0.0) == 0.0


def test_only_the_non_tender_rule_is_bound_to_its_method(tmp_path):
    from assistant.qa.understanding import other_method_titles

    titles = {"87号令": "政府采购货物和服务招标投标管理办法", "74号令": "政府采购非招标采购方式管理办法"}
    assert other_method_titles("公开招标项目评审结束后发现资格审查有误，可以重新评审吗？", LEX, titles.get) == {
        "政府采购非招标采购方式管理办法"}
    # 87号令 is applied to 非招标 projects too (样品, 评审): not bound
    assert other_method_titles("询价采购可以要求供应商提供样品吗？", LEX, titles.get) == frozenset()
    assert other_method_titles("公开招标失败后转竞争性谈判要批准吗？", LEX, titles.get) == frozenset()
    assert other_method_titles("采购桌椅可以要求提供样品吗？", LEX, titles.get) == frozenset()
    bad = tmp_path / LEXICON_FILE
    bad.write_text("methods:\n  招标:\n    signals: [开标]\nmethod_bound: [磋商]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="method_bound"):
        Lexicon.load(bad)


def test_scope_words_load_from_the_lexicon():
    assert "交期" in LEX.off_topic_terms and "最新" in LEX.information_terms and "政府采购" in LEX.legal_terms


def test_broken_lexicon_is_a_chinese_configuration_error_in_the_cli(tmp_path, monkeypatch, capsys):
    """Services read the lexicon when they start: a malformed one stops every command with the reason."""
    from tests.conftest import run_cli_main

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / LEXICON_FILE).write_text("practice_terms: [unclosed", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_BASE_DIR", str(kb))
    code, _out, err = run_cli_main(["ask", "采购桌椅可以要求提供样品吗？"], tmp_path, capsys)
    assert code == 1 and "问答词表文件无法读取" in err and "Traceback" not in err


def test_answer_gate_words_load_from_the_lexicon():
    words = LEX.gate_words
    assert "多少" in words.generic_terms and "工程建设项目" in words.generic_terms
    assert words.penalty_words[0] == "罚款" and "处罚" in words.consequence_words
    assert words.statute_words["拦标价"] == ("最高投标限价", "最高限价")


def test_a_practice_word_of_several_triggers_is_said_in_the_statutes_wording_when_they_all_occur():
    """招标文件+错误: the 错误 of a tender file is 「招标文件存在歧义、重大缺陷」 (87号令第六十五条), not in a question without
    the 招标文件, and the single-trigger wordings stay."""
    said = LEX.statute_words_for("评标时发现招标文件中有关评分办法的内容有错误怎么办")
    assert "招标文件存在歧义" in said["错误"] and "分值汇总计算错误" in said["错误"]  # 评分+错误 as well
    assert said["拦标价"] == LEX.statute_words["拦标价"]
    assert "招标文件存在歧义" not in LEX.statute_words_for("评分汇总有错误怎么办").get("错误", ())
    # a statute's own term is not said by the words qualifying it: 投标保证金+退's 签订 made 74号令第二十条's 「采购合同签订后」
    # carry the 投标保证金 of 「政府采购项目中，供应商的投标保证金什么时候退还」, and it was stated
    assert "签订" not in LEX.statute_words_for("政府采购项目中，供应商的投标保证金什么时候退还？").get("投标保证金", ())


@pytest.mark.integration
def test_the_tender_files_error_is_answered_by_the_article_on_its_defects(services):
    first = services.qa.ask("评标时发现招标文件中有关评分办法的内容有错误怎么办？").answer.split("\n")[0]
    assert first.startswith("答：依据《政府采购货物和服务招标投标管理办法》第六十五条")


@pytest.mark.parametrize("section", [
    "generic_terms: {采购: 1}",          # a mapping, not a list of words
    "penalty_words: 罚款",               # one word, not a list
    "consequence_words: [处罚, 3]",      # a number among the words
    "generic_terms: [采购, '']",         # an empty word (it is in every text)
    "generic_term: [采购]",              # a misspelt section name
    # the refusal check's section
    "refusal: [招标]",                               # a list, not the section's mapping
    "refusal: {domain_term: [招标]}",                # a misspelt key
    "refusal: {question_words: 请问}",               # one word, not a list
    "refusal: {other_places: [义乌, '']}",           # an empty word (it is in every text)
    "refusal: {synonyms: [涨价, 价格]}",             # a list, not a mapping
    "refusal: {synonyms: {涨价: 价格}}",             # a word, not a list of wordings
    "refusal: {short_forms: {串标: [串通投标]}}",    # a list, not one wording
    "alternatives: [质疑, 投诉]",                     # words, not groups
    "alternatives: [[质疑]]",                         # a group of one
    "refusal: {topic_documents: {磋商: [磋商办法]}}",  # a list, not one document
    # the definitional questions' section
    "definitions: {bare_questions: ['是什么']}",        # a template without its {term} slot
    "definitions: {case_verbs: 属于}",                  # one word, not a list
    "definitions: {attribute: [比例]}",                 # a misspelt key
    "definitions: {comparisons: ['{a}有什么区别']}",    # a comparison template without its second slot
    "definitions: {comparison_joins: 与}",               # one word, not a list
])
def test_malformed_gate_or_refusal_section_is_a_clear_chinese_error(tmp_path, section):
    bad = tmp_path / LEXICON_FILE
    bad.write_text(f"story_markers: [近日]\n{section}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="问答词表文件格式不正确"):
        Lexicon.load(bad)


def test_a_lexicon_without_the_answer_gate_sections_keeps_the_shipped_words(tmp_path):
    """A lexicon written before the gate's words moved into it (and no lexicon at all) leaves the gate as
    it was; a section given, even empty, is what the gate reads."""
    old = tmp_path / "old" / LEXICON_FILE
    old.parent.mkdir()
    old.write_text("story_markers: [近日]\npenalty_words: []\n", encoding="utf-8")
    lex = Lexicon.load(old)
    assert lex.generic_terms == LEX.generic_terms and lex.consequence_words == LEX.consequence_words
    assert lex.penalty_words == ()
    none = Lexicon.load(tmp_path / "none.yaml")
    assert none.gate_words.generic_terms == LEX.gate_words.generic_terms and none.gate_words.statute_words == {}


def test_refusal_words_load_from_the_lexicon():
    """The refusal check's word lists are data (section ``refusal``), read through the lexicon."""
    words = LEX.refusal_words
    assert "中标通知书" in words.domain_terms and "请问" in words.question_words
    assert words.synonyms["竞争对手"] == ("竞争对手", "竞争者", "经营者")
    assert list(words.short_forms) == ["招投标", "政采", "串标", "围标"] and words.short_forms["串标"] == "串通投标"
    assert "电子招标投标办法" in words.known_titles and words.known_short_titles == ("刑法", "宪法")
    assert words.other_places[0] == "金东" and "限额标准" in words.local_policy_words


def test_the_refusal_check_reads_the_lexicon_it_is_given(tmp_path):
    """A lexicon without the section keeps the shipped words; one that lists 义乌's neighbour only
    refuses that place's policy questions, and its question words leave the key terms."""
    from assistant.qa import refusal

    old = tmp_path / "old" / LEXICON_FILE
    old.parent.mkdir()
    old.write_text("story_markers: [近日]\n", encoding="utf-8")
    assert Lexicon.load(old).refusal_words == LEX.refusal_words
    assert Lexicon.load(tmp_path / "none.yaml").refusal_words == LEX.refusal_words
    own = tmp_path / "own" / LEXICON_FILE
    own.parent.mkdir()
    own.write_text("refusal: {other_places: [兰溪], local_policy_words: [限额标准], question_words: [请问, 多少]}\n",
                   encoding="utf-8")
    words = Lexicon.load(own).refusal_words
    assert words.domain_terms == () and words.synonyms == {}
    assert refusal.other_localities("兰溪市的政府采购限额标准是多少？", words=words) == ["兰溪"]
    assert refusal.other_localities("义乌市的政府采购限额标准是多少？", words=words) == []
    assert refusal.other_localities("义乌市的政府采购限额标准是多少？") == ["义乌"]  # shipped words
    assert "请问" not in refusal.key_terms("请问限额标准是多少？", words)
    policy = refusal.RefusalPolicy(lexicon=Lexicon.load(own))
    assert policy.words is words and refusal.RefusalPolicy().words == LEX.refusal_words
