"""Evidence sufficiency: the signals and the refusal text."""

from __future__ import annotations

from datetime import date

from assistant.qa import refusal
from tests.qa_fakes import FakeKB, FakeRetriever

KB = FakeKB()
RETRIEVER = FakeRetriever(KB)
LEXICAL = refusal.RefusalPolicy.for_embedding("fake")


def assess(question: str, **kw) -> refusal.Evidence:
    return refusal.assess(question, RETRIEVER.search(question, k=6), KB, policy=kw.pop("policy", LEXICAL), **kw)


def test_a_question_word_kept_with_its_noun_leaves_the_noun():
    """The tokenizer keeps 「哪些项目」 whole: the term is 项目, which a statute may say; 「哪些项目」 it never does."""
    assert refusal.key_terms("87号令适用于哪些项目？")[-1] == "项目"
    assert "哪些项目" not in refusal.key_terms("哪些项目必须招标？")


def test_key_terms_drop_question_words_article_labels_and_personal_data():
    assert refusal.key_terms("招标投标法第二十四条规定了什么？") == ["招标", "投标法"]
    terms = refusal.key_terms("金华某某建设有限公司（电话13812345678）问：招标人能否排斥潜在投标人？")
    assert "有限公司" not in terms and "电话" not in terms and "排斥" in terms


def test_in_scope_question_is_sufficient():
    ev = assess("招标人能否以不合理的条件限制或者排斥潜在投标人？")
    assert ev.sufficient and ev.reason == "evidence" and ev.coverage >= 0.6


def test_words_the_kb_never_uses_mean_refusal():
    ev = assess("护照过期了应当如何换领，需要具备哪些条件？")  # 「条件」 is found, 护照 is not
    assert not ev.sufficient and ev.reason == "terms_not_in_kb" and "护照" in ev.foreign_terms


def test_domain_questions_get_the_scenario_floor():
    # a practitioner's scenario: few of its words are in the statute, but it is about tendering
    ev = assess("兄弟两人各自注册的公司，能否以不合理的条件排斥潜在投标人？")
    assert ev.in_domain and ev.sufficient


def test_named_document_missing_from_the_kb():
    ev = assess("政府采购质疑和投诉办法规定的投诉期限是多少？")
    assert ev.reason == "document_not_in_kb" and ev.missing_documents == ["政府采购质疑和投诉办法"]
    ev = assess("87号令规定的开标程序是什么？")
    assert ev.reason == "document_not_in_kb" and "87号令" in refusal.refusal_text("q", ev, [])


def test_known_documents_are_not_missing():
    known, missing = refusal.missing_documents("招标投标法和政府采购法有什么区别", KB)
    assert missing == [] and set(known) == {"招标投标法", "政府采购法"}


def test_future_policy_is_refused_but_current_years_are_not():
    assert assess("2030年新修订的政府采购法有哪些变化？", today=date(2025, 7, 1)).reason == "future_policy"
    assert refusal.future_years("2025年政府采购法有哪些变化", [], today=date(2025, 7, 1)) == []


def test_dense_threshold_applies_only_with_a_calibrated_model():
    ev = assess("招标人能否以不合理的条件限制或者排斥潜在投标人？", policy=refusal.RefusalPolicy(dense_threshold=0.99))
    assert not ev.sufficient and ev.reason == "low_similarity"
    assert refusal.RefusalPolicy.for_embedding("e5-small-q4").dense_threshold == refusal.DENSE_THRESHOLD
    assert refusal.RefusalPolicy.for_embedding("sentence-transformers").dense_threshold is None
    assert refusal.RefusalPolicy.for_embedding("fake", override=0.5).dense_threshold == 0.5


def test_refusal_text_says_what_was_searched_and_what_to_add():
    q = "明天金华会下雨吗？"
    hits = RETRIEVER.search(q, k=6)
    text = refusal.refusal_text(q, assess(q), hits)
    assert "知识库中没有找到" in text and f"「{q}」" in text and "导入" in text


def test_plain_text_document_names_are_detected():
    assert refusal.named_documents("刑法里串通投标罪判几年？") == ["刑法"]
    assert refusal.named_documents("土地管理法对征地补偿怎么规定？") == ["土地管理法"]
    assert refusal.named_documents("按必须招标的工程项目规定，多少钱以上要招标？") == ["必须招标的工程项目规定"]
    assert refusal.named_documents("评标委员会和评标方法暂行规定对专家人数有什么要求") == ["评标委员会和评标方法暂行规定"]
    assert refusal.named_documents("政采法怎么规定质疑期限？") == ["政采法"]


def test_generic_words_are_not_document_names():
    for q in ("按规定投标保证金交多少？", "按有关规定应当怎么办？", "根据国家规定，", "相关法律怎么说？", "本法第三条",
              "该法规定的期限", "依法必须招标的项目有哪些？", "这样做合法吗？", "违法分包怎么处理？", "按照招标文件规定，",
              "根据上述规定，", "有什么好的方法？", "这个办法什么时候施行？", "按照采购人的规定，", "按招标人规定，"):
        assert refusal.named_documents(q) == [], q
    assert refusal.named_documents("中小企业采购项目还需要提供《中小企业声明函》吗？") == []
    # evaluation methods end in 法 and are not laws
    for q in ("某政府采购项目采用最低评标价法，两家投标人的评标价相同，应该如何确定中标候选人排序？",
              "经评审的最低投标价法怎么评", "采用性价比法评标", "综合评估法和综合评分法有什么区别", "百分制打分法"):
        assert refusal.named_documents(q) == [], q
    # 「按照招标投标法规定」: the law is named, 规定 is the verb
    assert refusal.named_documents("按照招标投标法规定，投标截止时间至少多少天？") == ["招标投标法"]


def test_plain_names_missing_from_the_kb_are_refused_but_kb_short_forms_are_not():
    for q, name in (("刑法里串通投标罪判几年？", "刑法"), ("消防法对施工现场有什么要求？", "消防法"),
                    ("按必须招标的工程项目规定，多少钱以上要招标？", "必须招标的工程项目规定")):
        ev = assess(q)
        assert ev.reason == "document_not_in_kb" and ev.missing_documents == [name], q
        assert f"知识库中没有收录《{name}》" in refusal.refusal_text(q, ev, [])
    for q in ("招投标法对投标截止时间是怎么规定的？", "政府采购法里供应商要具备什么条件？"):
        known, missing = refusal.missing_documents(q, KB)
        assert known and missing == [], q
    assert assess("改革方案里有哪些重点任务？").reason != "document_not_in_kb"


def test_other_localities_asking_for_local_policy_are_refused():
    for q, place in (("金东区的招投标改革方案有哪些任务？", "金东"), ("义乌市政府采购限额标准是多少？", "义乌"),
                     ("宁波市的政府集中采购目录包括哪些项目？", "宁波")):
        ev = assess(q)
        assert not ev.sufficient and ev.reason == "other_locality" and ev.other_places == [place], q
        text = refusal.refusal_text(q, ev, [])
        assert "地方文件" in text and place in text and "仅供参考" in text


def test_places_in_scope_or_only_qualifying_the_project_are_not_refused():
    for q in ("婺城区改革方案有哪些重点任务？", "金华的项目投标保证金最多多少？", "浙江省政府采购限额标准是多少？",
              "杭州的供应商来婺城投标，能被要求在本地设立分公司吗？", "杭州的项目招标文件里能要求本地业绩吗？"):
        assert refusal.other_localities(q) == [], q
    ev = assess("杭州的供应商能否被以不合理的条件排斥为潜在投标人？")
    assert ev.reason != "other_locality"


def test_buyer_and_market_questions_without_a_legal_term_are_out_of_scope():
    from pathlib import Path

    from assistant.qa.understanding import LEXICON_FILE, Lexicon

    lex = Lexicon.load(Path(__file__).resolve().parent.parent / "knowledge_base" / LEXICON_FILE)
    policy = refusal.RefusalPolicy.for_embedding("fake", lexicon=lex)
    assert refusal.off_scope("仓库库存积压，采购员该怎么减少订单？", policy) == "off_topic"
    assert refusal.off_scope("最近的市政道路养护项目", policy) == "information_request"
    # a legal term, a named regulation or a question keeps the question in scope
    assert refusal.off_scope("政府采购合同约定的交期延误，采购人可以解除合同吗？", policy) is None
    assert refusal.off_scope("最新的实施条例对保证金怎么规定？", policy) is None
    assert refusal.off_scope("最近的项目信息在哪里能查到吗？", policy) is None
    # the 中标 of 「中标信息」 is a listing, not a legal question
    assert refusal.off_scope("最新关于旧设备处置的中标信息", policy) == "information_request"
    assert refusal.off_scope("最新的中标信息要在哪里公示吗？", policy) is None
    ev = assess("仓库库存积压，采购员该怎么减少订单？", policy=policy)
    assert not ev.sufficient and ev.reason == "off_topic"
    assert "企业日常采购管理" in refusal.refusal_text("仓库库存积压", ev, [])


def test_an_article_the_document_does_not_have_is_refused_with_its_last_article():
    """「招标投标法第九十九条」: the law's articles end at 第四十六条 in the fake KB (第六十八条 in the real one);
    unrelated articles are not offered instead."""
    ev = assess("招标投标法第九十九条规定了什么？")
    assert not ev.sufficient and ev.reason == "article_not_found"
    assert ev.missing_articles == [("中华人民共和国招标投标法", "第九十九条", "第四十六条")]
    text = refusal.refusal_text("招标投标法第九十九条规定了什么？", ev, RETRIEVER.search("招标投标法", k=3))
    assert text.startswith("知识库收录的《中华人民共和国招标投标法》条文至第四十六条为止，没有第九十九条。")
    assert "最接近的条文" not in text and "导入" not in text
    assert assess("招标投标法第二十四条规定了什么？").missing_articles == []


def test_a_practice_word_is_found_by_its_statute_wording() -> None:
    """「拦标价要公布吗？」 was refused (拦标价 occurs in no article); its practice term says 最高投标限价."""
    from assistant.config import PROJECT_ROOT
    from assistant.qa.refusal import coverage
    from assistant.qa.understanding import LEXICON_FILE, Lexicon
    from assistant.schema import Hit

    words = Lexicon.load(PROJECT_ROOT / "knowledge_base" / LEXICON_FILE).refusal_words
    hit = Hit(title="中华人民共和国招标投标法实施条例", article="第二十七条", score=0.9, doc_id="d", doc_type="行政法规",
              status="现行有效", text="第二十七条 招标人设有最高投标限价的，应当在招标文件中明确最高投标限价或者最高投标限价的计算方法。")
    assert coverage(["拦标价"], [hit], words=words) == (1.0, [])
    assert "最高投标限价" in words.synonyms["拦标价"]


def test_a_removed_bundled_law_is_not_answered_from_its_implementing_regulation():
    # the user removed 招标投标法: neither 招标投标法实施条例 (whose title contains the name)
    # nor a hit citing 《中华人民共和国招标投标法》 may stand in for it
    from assistant.schema import DocumentMeta, Hit

    rules = DocumentMeta(doc_id="reg-zbtbf-ssfl", title="中华人民共和国招标投标法实施条例",
                         aliases=["招标投标法实施条例"], doc_type="行政法规")
    kb = FakeKB(docs=[*(d for d in KB.docs if d.doc_id != "law-zbtbf"), rules])
    hit = Hit(title=rules.title, article="第二十条", text="依照《中华人民共和国招标投标法》的规定……", score=0.8,
              doc_id=rules.doc_id, doc_type="行政法规", status="现行有效")
    known, missing = refusal.missing_documents("招标投标法第二十条是怎么规定的？", kb, [hit])
    assert missing == ["招标投标法"] and known == []


def test_a_topic_named_in_a_list_is_not_what_the_text_is_about():
    assert refusal._about("竞争性磋商", "竞争性磋商项目可以不磋商直接按报价定成交供应商吗")
    # 94号令第十四条: the 磋商小组 is one of the groups that may help answer a challenge
    assert not refusal._about("竞争性磋商", "可以组织原评标委员会、竞争性谈判小组、询价小组或者竞争性磋商小组协助答复质疑")
    assert not refusal._about("竞争性磋商", "非招标方式（竞争性谈判、竞争性磋商、询价等）的资格审查由谁做")
    assert not refusal._about("竞争性磋商", "竞争性谈判和询价")


def test_why_is_a_question_word_and_the_colloquial_law_name_is_the_law():
    """「为什么要实行建筑意外伤害保险制度」 was refused for the 'subject word' 为什么; 「投招标法中如何认定串标」
    for naming 《投招标法》, a word order practitioners use for 招标投标法 (real dev questions, round 6)."""
    from assistant.citations import canonical_title
    from assistant.titles import static_aliases

    assert "为什么" not in refusal.key_terms("为什么要实行建筑意外伤害保险制度?")
    assert "为何" not in refusal.key_terms("评标委员会为何要回避？")
    aliases = static_aliases()
    assert canonical_title("投招标法", aliases) == canonical_title("招标投标法", aliases) == "中华人民共和国招标投标法"


def test_a_storys_pronouns_and_function_words_are_not_subject_words():
    """「我在一个项目里，发现有一方为了自己的利益在规避招标……我该怎么做」 was refused as "low coverage": 一方, 为了, 自己,
    整个 and 我该 counted as subject words no retrieved article carries (real dev, round 13). A negation stays: 「评标满分值
    不是100分」 asks about the 不是."""
    terms = refusal.key_terms("我在一个项目里，发现有一方为了自己的利益在规避招标，这让整个项目的公平性受到影响，我该怎么做？")
    assert "规避招标" in terms and not {"一方", "为了", "自己", "整个", "我该"} & set(terms)
    assert "不是" in refusal.key_terms("招标文件中的评标满分值不是100分，违规吗？")
    # 违法 asks whether, like 违规 and 合法: 「用别人的公司投标是否属于违法」 was hedged for no article saying 违法
    assert "违法" not in refusal.key_terms("用别人的公司投标是否属于违法？")
