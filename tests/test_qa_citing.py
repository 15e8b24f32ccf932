"""Citation parsing and verification (anti-hallucination), key sentences."""

from __future__ import annotations

from assistant.qa import citing
from assistant.qa.context import build_context, render_context
from assistant.text_zh import strip_article_label
from tests.qa_fakes import CHUNKS, FakeKB, to_hit

KB = FakeKB()


def items(*chunk_ids: str):
    chunks = {c.chunk_id: c for c in CHUNKS}
    return build_context([to_hit(chunks[i], 0.9, 0.9, ["dense"]) for i in chunk_ids])


CTX = items("law-zbtbf:24", "law-zfcgf:22")


def test_parse_markers_accepts_common_forms():
    found = [numbers for _, numbers in citing.parse_markers("甲[1]乙[2,3]丙【4】丁[5、6]")]
    assert found == [[1], [2, 3], [4], [5, 6]]


def test_valid_markers_are_kept_and_recorded():
    v = citing.verify_answer("最短不得少于二十日[1]。供应商应具备条件[2]。", CTX, KB)
    assert v.used == [1, 2] and v.flags == [] and "[1]" in v.text


def test_fabricated_marker_is_removed_and_flagged():
    v = citing.verify_answer("最短不得少于二十日[1][9]。另见[7, 2]。", CTX, KB)
    assert "[9]" not in v.text and "[7" not in v.text and "[2]" in v.text
    assert citing.FLAG_BAD_MARKER in v.flags and any("[9]" in n for n in v.notes)
    assert v.used == [1, 2]


def test_nonexistent_article_in_prose_is_removed():
    v = citing.verify_answer("依据《招标投标法》第九十九条，最短二十日[1]。另见[1]。", CTX, KB)
    assert "第九十九条" not in v.text and citing.FLAG_NONEXISTENT in v.flags
    # the sentence rested on the removed reference: its [1] does not keep it
    assert v.text == "另见[1]。" and citing.FLAG_UNSUPPORTED in v.flags
    assert any("第九十九条" in n and "不存在" in n for n in v.notes)


def test_real_article_outside_the_context_is_removed():
    # 招标投标法第四十六条 exists in the knowledge base but was not retrieved for this answer
    v = citing.verify_answer("根据《中华人民共和国招标投标法》第四十六条，应在三十日内订立合同[1]。", CTX, KB)
    assert "第四十六条" not in v.text and citing.FLAG_UNCONTEXTED in v.flags
    assert v.removed[0] == {"kind": citing.FLAG_UNCONTEXTED, "title": "中华人民共和国招标投标法", "article": "第四十六条"}


def test_prose_reference_to_a_context_article_counts_as_citation():
    v = citing.verify_answer("招标投标法第二十四条规定最短不得少于二十日。", CTX, KB)
    assert v.used == [1] and v.flags == [] and "第二十四条" in v.text


def test_continued_references_keep_their_separator():
    v = citing.verify_answer("见招标投标法第二十四条、第九十九条[1]。", CTX, KB)
    assert "第二十四条、" + citing.REMOVED_NONEXISTENT in v.text


def test_key_sentence_is_the_sentence_closest_to_the_query():
    text = CHUNKS[1].text  # 招标投标法第二十四条
    assert "二十日" in citing.key_sentence(text, "依法必须招标的项目最短多少日")
    assert citing.key_sentence("", "x") is None


def test_key_sentence_leaves_out_the_article_label() -> None:
    """The citation prints 「第二十六条」; the key sentence is the sentence itself, so the no-LLM answer can
    find it in the quoted text and cut the quote to it."""
    text = "第二十六条 招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的2%。投标保证金有效期应当与投标有效期一致。"
    assert citing.key_sentence(text, "投标保证金最多能收多少？") == "招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的2%。"
    assert strip_article_label("第三条规定的情形除外。") == "第三条规定的情形除外。"


def test_context_lines_are_numbered_with_title_article_and_status():
    text = render_context(CTX)
    assert text.splitlines()[0].startswith("[1] 《中华人民共和国招标投标法》第二十四条（法律，现行有效）招标人应当")
    assert text.splitlines()[1].startswith("[2] 《中华人民共和国政府采购法》第二十二条")


def test_key_sentence_states_the_quantity_asked_for() -> None:
    """「公示期多长」 takes the sentence with 「不得少于3日」, not the one that merely repeats 公示期."""
    from assistant.qa.citing import key_sentence

    text = ("第五十四条 依法必须进行招标的项目，招标人应当自收到评标报告之日起3日内公示中标候选人，公示期不得少于3日。"
            "投标人或者其他利害关系人对依法必须进行招标的项目的评标结果有异议的，应当在中标候选人公示期间提出。")
    assert "不得少于3日" in (key_sentence(text, "中标候选人公示期多长？") or "")
    assert "有异议" in (key_sentence(text, "对评标结果有异议应当什么时候提出？") or "")


def test_how_much_is_answered_by_the_sentence_with_the_figure():
    """The later sentence shares more words (价格扣除) but states no rate; the one with 6%—10% answers."""
    text = ("第九条 对于经主管预算单位统筹后未预留份额专门面向中小企业采购的采购项目，以及预留份额项目中的非预留部分采购包，"
            "采购人、采购代理机构应当对符合本办法规定的小微企业报价给予6%—10%（工程项目为3%—5%）的扣除，用扣除后的价格参加评审。"
            "组成联合体或者接受分包的小微企业与联合体内其他企业、分包企业之间存在直接控股、管理关系的，不享受价格扣除优惠政策。")
    assert "6%—10%" in (citing.key_sentence(text, "小微企业价格扣除比例是多少？") or "")
    # without a how-much question the sentence sharing most words still wins
    assert "不享受价格扣除" in (citing.key_sentence(text, "存在控股关系的小微企业能享受价格扣除吗？") or "")


def test_a_ceiling_question_gets_the_sentence_that_sets_the_ceiling():
    """「……投标保证金最多能收多少」: 「不得超过……2%」, not the article's 「5个工作日内退还」 sentence that shares
    more of the question's words."""
    from assistant.qa.citing import key_sentence

    article = ("招标文件要求投标人提交投标保证金的，投标保证金不得超过采购项目预算金额的2%。"
               "采购人或者采购代理机构应当自中标通知书发出之日起5个工作日内退还未中标供应商的投标保证金，"
               "自政府采购合同签订之日起5个工作日内退还中标供应商的投标保证金。")
    assert "2%" in (key_sentence(article, "政府采购项目投标保证金最多能收多少？") or "")


def test_key_sentence_is_on_the_side_of_the_moment_the_question_asks_about() -> None:
    """QA report 2, #4: 「截止前……撤回」 was answered with the after-deadline forfeiture sentence."""
    from assistant.qa.citing import key_sentence

    article = ("第三十五条 投标人撤回已提交的投标文件，应当在投标截止时间前书面通知招标人。招标人已收取投标保证金的，"
               "应当自收到投标人书面撤回通知之日起5日内退还。\n投标截止后投标人撤销投标文件的，招标人可以不退还投标保证金。")
    before = key_sentence(article, "投标文件递交截止前，投标人可以撤回投标文件吗？撤回后保证金退不退？")
    assert before is not None and "截止后" not in before
    assert key_sentence(article, "投标截止后撤销投标文件，保证金退吗？") == "投标截止后投标人撤销投标文件的，招标人可以不退还投标保证金。"


ART_22 = ("第二十二条 潜在投标人或者其他利害关系人对资格预审文件有异议的，应当在提交资格预审申请文件截止时间2日前提出；"
          "对招标文件有异议的，应当在投标截止时间10日前提出。招标人应当自收到异议之日起3日内作出答复；作出答复前，应当暂停招标投标活动。")
ALTERNATIVES = (("资格预审文件", "招标文件", "谈判文件", "询价通知书"),)


def test_key_sentence_is_not_about_another_alternative_than_the_question_names() -> None:
    """QA report 3, D10: a question about 招标文件 was answered with the 资格预审文件 deadline (2日前)."""
    q = "有个潜在投标人对招标文件有异议，他最晚什么时候要提出来？"
    assert "资格预审文件" in citing.key_sentence(ART_22, q)  # without the groups: the longer match wins
    assert citing.key_sentence(ART_22, q, ALTERNATIVES).startswith("对招标文件有异议的，应当在投标截止时间10日前")
    assert "资格预审文件" in citing.key_sentence(ART_22, "对资格预审文件有异议应当什么时候提出", ALTERNATIVES)


def test_key_sentence_ignores_pairs_with_a_particle() -> None:
    """QA report 3, D1: 「给小微企业的价格扣除比例」 quoted the consortium rate (2%-3%), matched by 「业的」."""
    text = ("第九条 对于未预留份额专门面向中小企业采购的采购项目，采购人、采购代理机构应当对符合本办法规定的小微企业报价给予"
            "6%—10%（工程项目为3%—5%）的扣除，用扣除后的价格参加评审。接受大中型企业与小微企业组成联合体的采购项目，对于联合协议"
            "约定小微企业的合同份额占到合同总金额30%以上的，应当对联合体的报价给予2%-3%（工程项目为1%—2%）的扣除，用扣除后的价格参加评审。")
    assert "6%—10%" in citing.key_sentence(text, "给小微企业的价格扣除比例现在是多少？货物和工程一样吗？")


def test_key_sentence_finds_a_practice_word_by_its_statute_wording() -> None:
    """「拦标价可以不公布吗？」 quoted 实施条例第二十七条's first sentence (标底), as 拦标价 occurs in no article."""
    from assistant.text_zh import add_user_words

    add_user_words(["拦标价"])  # as Services registers the lexicon's practice words
    text = ("第二十七条 招标人可以自行决定是否编制标底。一个招标项目只能有一个标底。标底必须保密。"
            "招标人设有最高投标限价的，应当在招标文件中明确最高投标限价或者最高投标限价的计算方法。招标人不得规定最低投标限价。")
    assert citing.key_sentence(text, "拦标价可以不公布吗？") == "招标人可以自行决定是否编制标底。"
    statute = {"拦标价": ("最高投标限价", "最高限价")}
    assert citing.key_sentence(text, "拦标价可以不公布吗？", statute=statute).startswith("招标人设有最高投标限价的")


def test_key_sentence_for_a_whether_question_says_whether() -> None:
    """「暂估价的专业工程需要招标吗？」 quoted the definition of 暂估价 (shorter, same terms), not the duty to tender."""
    text = ("第二十九条 招标人可以依法对工程以及与工程建设有关的货物、服务全部或者部分实行总承包招标。以暂估价形式包括在总承包"
            "范围内的工程、货物、服务属于依法必须进行招标的项目范围且达到国家规定规模标准的，应当依法进行招标。\n"
            "前款所称暂估价，是指总承包招标时不能确定价格而由招标人在招标文件中暂时估定的工程、货物、服务的金额。")
    assert citing.key_sentence(text, "暂估价的专业工程需要招标吗？").startswith("以暂估价形式包括在总承包范围内")
    assert citing.key_sentence(text, "暂估价是什么意思？").startswith("前款所称暂估价")


def test_key_sentence_counts_generic_words_for_little() -> None:
    """QA report 4, D5: 「政府采购投标保证金最多能收多少？」 quoted the refund sentence for its 「政府采购合同」, and
    「履约保证金最多是多少」 the duty to pay one (its 「招标」「交」), not the caps."""
    generic = {"政府采购", "招标", "招标人", "交", "最多", "工程"}
    deposit = ("第三十三条 招标文件要求投标人提交投标保证金的，投标保证金不得超过采购项目预算金额的2%。投标保证金应当以支票、汇票、"
               "本票或者金融机构、担保机构出具的保函等非现金形式提交。采购人或者采购代理机构应当自中标通知书发出之日起5个工作日内"
               "退还未中标供应商的投标保证金，自政府采购合同签订之日起5个工作日内退还中标供应商的投标保证金。")
    assert "2%" in citing.key_sentence(deposit, "政府采购投标保证金最多能收多少？", generic=generic)
    assert "5个工作日" in citing.key_sentence(deposit, "政府采购投标保证金最多能收多少？")  # as before
    performance = ("第五十八条 招标文件要求中标人提交履约保证金的，中标人应当按照招标文件的要求提交。"
                   "履约保证金不得超过中标合同金额的10%。")
    question = "工程施工招标，招标人要求中标人交的履约保证金最多是多少？"
    assert citing.key_sentence(performance, question, generic=generic) == "履约保证金不得超过中标合同金额的10%。"


# --------------------------------------------------------------------------- sentences against their articles (QA report 4)


def test_a_sentence_whose_figure_is_not_in_its_article_is_removed():
    """D1: 「……5%[1]」 under an article that says 二十日 goes, with a note naming the figure."""
    v = citing.verify_answer("投标保证金不得超过预算金额的5%[1]。最短不得少于20天[1]。", CTX, KB)
    assert v.text == "最短不得少于20天[1]。"  # 20天 is the article's 二十日
    assert citing.FLAG_UNSUPPORTED in v.flags and any("5%" in n and "[1]" in n for n in v.notes)
    assert v.dropped == ["投标保证金不得超过预算金额的5%[1]。"] and v.used == [1]


def test_a_figure_is_checked_against_the_cited_article_not_another():
    v = citing.verify_answer("供应商最短不得少于二十日[2]。", CTX, KB)  # 二十日 is in [1], not in [2]
    assert v.text == "" and v.used == [] and citing.FLAG_UNSUPPORTED in v.flags


def test_figures_the_question_states_may_be_repeated():
    v = citing.verify_answer("预算300万元的项目，最短不得少于二十日[1]。", CTX, KB, question="预算300万元的项目最短多少天？")
    assert v.flags == [] and v.used == [1]


def test_a_misquote_is_removed_and_an_exact_quote_kept():
    """D3: text in “…” attributed to [1] must be the article's wording (punctuation and spaces aside)."""
    v = citing.verify_answer("第二十四条规定：“最短不得少于十日。”[1]", CTX, KB)
    assert v.text == "" and citing.FLAG_MISQUOTE in v.flags
    assert any("最短不得少于十日" in n and "引文与条文原文不符，已删除" in n for n in v.notes)
    ok = citing.verify_answer("第二十四条规定：“自招标文件开始发出之日起……最短不得少于 二十日”[1]", CTX, KB)
    assert ok.flags == [] and ok.used == [1]
