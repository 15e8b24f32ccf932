"""The answer-first gate: when may the best article be stated as the answer (issue #12)."""

from __future__ import annotations

from assistant.qa.extractive import NOTE_LEAD_MARGIN, TIE_RATIO, addresses, confident
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


def _lexicon_without(tmp_path, section: str, *words: str):
    """The shipped lexicon with words taken out of one of the gate's sections."""
    from pathlib import Path

    import yaml

    from assistant.qa.understanding import LEXICON_FILE, Lexicon

    shipped = Path(__file__).resolve().parent.parent / "knowledge_base" / LEXICON_FILE
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    assert set(words) <= set(data[section])
    data[section] = [w for w in data[section] if w not in words]
    path = tmp_path / LEXICON_FILE
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Lexicon.load(path)


def test_the_gate_reads_its_generic_words_from_the_lexicon(tmp_path):
    """「工程」 only names the regime, so the article that sets the 2% cap answers without it; a lexicon
    that does not list 工程 among the generic terms makes the article carry it."""
    from assistant.qa.understanding import default_gate_words

    q = "工程建设项目的投标保证金最多不能超过多少？"
    cap = _hit("实施条例", "第二十六条", "招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的2%。",
               1.0)
    assert addresses(q, cap) and addresses(q, cap, default_gate_words())
    words = _lexicon_without(tmp_path, "generic_terms", "工程").gate_words
    assert "工程" not in words.generic_terms and not addresses(q, cap, words)
    assert not confident(q, cap, [cap], words)


def test_the_gate_reads_its_consequence_words_from_the_lexicon(tmp_path):
    """A penalty article answers 「会受什么处罚」 because 处罚 (and 罚) are consequence words of the lexicon."""
    q = "招标人透露潜在投标人名称会受什么处罚？"
    penalty = _hit("招标投标法", "第五十二条", "招标人向他人透露已获取招标文件的潜在投标人的名称的，给予警告，可以并处一万元以上"
                   "十万元以下的罚款；对单位直接负责的主管人员和其他直接责任人员依法给予处分。", 1.0)
    assert addresses(q, penalty)
    assert not addresses(q, penalty, _lexicon_without(tmp_path, "consequence_words", "处罚", "罚").gate_words)


def test_the_gate_reads_its_sanction_words_from_the_lexicon(tmp_path):
    """「……怎么处罚」 asks for the sanction, which a duty does not state, because 处罚 is a sanction word of the
    lexicon; a lexicon without it takes the duty as an answer."""
    from assistant.qa.extractive import asks_sanction_of_duty
    from assistant.qa.understanding import default_gate_words

    q = "建设单位压缩合理工期怎么处罚？"
    duty = _hit("建设工程质量管理条例", "第十条", "建设工程发包单位不得迫使承包方以低于成本的价格竞标，不得任意压缩合理工期。", 1.0)
    assert asks_sanction_of_duty(q, duty, default_gate_words())
    assert not asks_sanction_of_duty(q, duty, _lexicon_without(tmp_path, "sanction_words", "处罚").gate_words)


def test_question_words_glued_to_generic_ones_are_not_subject_words():
    """「投标保证金最多能收多少」: jieba keeps 「最多能」 whole; it is 最多 + 能, not a word the article must
    contain (the UI's own example question was hedged); a negation glued on (「不是」) still counts."""
    from assistant.qa.extractive import _gate, _generic

    words = _gate(None)
    assert _generic("最多能", words) and _generic("是否需要", words)
    assert not _generic("保证金", words) and not _generic("不是", words)


def test_the_named_documents_title_words_are_carried_by_its_articles():
    """「北京市招标投标条例对评标专家有什么规定」: the article does not repeat its document's name."""
    q = "北京市招标投标条例对评标专家有什么规定？"
    text = "前款专家应当由招标人从评标专家名册或者专家库内的相关专业的专家名单中采取随机抽取方式确定。"
    assert addresses(q, _hit("北京市招标投标条例", "第二十六条", text, 1.0))
    assert not addresses(q, _hit("某省实施办法", "第二十六条", text, 1.0))


def test_a_penalty_article_naming_the_act_answers_whether_the_act_is_allowed(tmp_path):
    """「能否在中标候选人以外确定中标人」 (real-134): 招标投标法第五十七条 punishes exactly that act, so it answers
    the question (no); the same article does not answer a question about something else, nor when the
    lexicon lists no permission words."""
    art57 = _hit("中华人民共和国招标投标法", "第五十七条", "招标人在评标委员会依法推荐的中标候选人以外确定中标人的，依法必须进行"
                 "招标的项目在所有投标被评标委员会否决后自行确定中标人的，中标无效。责令改正，可以处中标项目金额千分之五以上"
                 "千分之十以下的罚款；对单位直接负责的主管人员和其他直接责任人员依法给予处分。", 1.0)
    q = "招标人是否可以在评标委员会依法推荐的中标候选人以外确定中标人?"
    assert addresses(q, art57)
    assert not addresses("中标候选人公示期是几天？", art57)
    words = _lexicon_without(tmp_path, "permission_words", "可以").gate_words
    assert not addresses(q, words=words, hit=art57)
