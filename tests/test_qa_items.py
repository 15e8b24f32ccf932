"""The first sentence of a no-LLM answer when the article sets out a list: an item on a line of its own is one
sentence, however many it has (「（一）成立谈判小组。谈判小组由……组成……。」: its first sentence only names the step);
an item that speaks of the question is read with the sentence that introduces it; a sentence that leaves the
matter to other rules (「……另有规定的，从其规定。」) answers nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.qa.citing import _sentences, key_in_context, key_sentence
from assistant.qa.extractive import _with_items

REGULATIONS = Path(__file__).resolve().parents[1] / "knowledge_base" / "regulations"
# 政府采购法第三十八条, as the knowledge base stores it (first three items)
NEGOTIATION = ("第三十八条 采用竞争性谈判方式采购的，应当遵循下列程序：\n"
               "（一）成立谈判小组。谈判小组由采购人的代表和有关专家共三人以上的单数组成，其中专家的人数不得少于成员总数的三分之二。\n"
               "（二）制定谈判文件。谈判文件应当明确谈判程序、谈判内容、合同草案的条款以及评定成交的标准等事项。\n"
               "（三）确定邀请参加谈判的供应商名单。谈判小组从符合相应资格条件的供应商名单中确定不少于三家的供应商参加谈判，"
               "并向其提供谈判文件。")
# 招标投标法实施条例第六十七条, first and last paragraphs
COLLUSION = ("第六十七条 投标人相互串通投标或者与招标人串通投标的，投标人向招标人或者评标委员会成员行贿谋取中标的，中标无效；"
             "构成犯罪的，依法追究刑事责任；尚不构成犯罪的，依照招标投标法第五十三条的规定处罚。"
             "投标人未中标的，对单位的罚款金额按照招标项目合同金额依照招标投标法规定的比例计算。\n"
             "法律、行政法规对串通投标报价行为的处罚另有规定的，从其规定。")

# 招标投标法第二十八条
LATE_BIDS = ("第二十八条 投标人应当在招标文件要求提交投标文件的截止时间前，将投标文件送达投标地点。招标人收到投标文件后，应当签收保存，"
             "不得开启。投标人少于三个的，招标人应当依照本法重新招标。\n"
             "在招标文件要求提交投标文件的截止时间后送达的投标文件，招标人应当拒收。")


@pytest.fixture(autouse=True, scope="module")
def _practice_words(lexicon):
    from assistant.text_zh import add_user_words

    add_user_words(lexicon.user_words())


def _key(lexicon, article: str, question: str, title: str = "") -> str | None:
    w = lexicon.gate_words
    return key_sentence(article, question, w.alternatives, w.statute_words, w.generic_terms, title)


def test_an_item_on_its_own_line_is_one_sentence():
    sentences = _sentences(NEGOTIATION)
    assert sentences[1] == ("（一）成立谈判小组。谈判小组由采购人的代表和有关专家共三人以上的单数组成，"
                            "其中专家的人数不得少于成员总数的三分之二。")
    assert len(sentences) == 4
    # blank lines between the items (as an uploaded document may have them) change nothing
    assert _sentences(NEGOTIATION.replace("\n", "\n\n")) == sentences


def test_items_run_on_in_a_paragraph_and_numbered_headings_stay_apart():
    # the last item of a list run on in a paragraph does not take the sentence after it
    inline = "第九条 有下列情形之一的，可以不招标：（一）涉及国家安全；（二）抢险救灾。前款规定以外的项目，应当招标。"
    assert "前款规定以外的项目，应当招标。" in _sentences(inline)
    # a numbered heading of a plan, with no list introduced before it, is not one sentence with its paragraph
    plan = "三、主要任务\n(二)强化专项治理。依托智慧监管系统，开展四大整治行动。由区公安分局牵头打击串通投标犯罪。"
    assert "由区公安分局牵头打击串通投标犯罪。" in _sentences(plan)


def test_the_composition_of_the_negotiation_group_is_quoted_with_its_step(lexicon):
    key = _key(lexicon, NEGOTIATION, "竞争性谈判的谈判小组怎么组成", "中华人民共和国政府采购法")
    assert key is not None and key.startswith("（一）成立谈判小组。")
    quoted = key_in_context(NEGOTIATION, key)
    assert quoted.startswith("采用竞争性谈判方式采购的，应当遵循下列程序：（一）成立谈判小组。")
    assert "三人以上的单数组成" in quoted


def test_a_lead_in_is_quoted_with_whole_items():
    quoted = _with_items("采用竞争性谈判方式采购的，应当遵循下列程序：", NEGOTIATION)
    assert "（一）成立谈判小组。谈判小组由采购人的代表和有关专家共三人以上的单数组成" in quoted
    assert "（二）制定谈判文件。谈判文件应当明确" in quoted
    # a document a user adds may number its items 「1.」 (「1.5倍」 starts no item)
    local = "第五条 评标结束后，按照以下方式处理：\n1.公示中标候选人。公示期不少于3日。\n2.确定中标人。\n1.5倍以上的，另行处理。"
    assert _with_items("评标结束后，按照以下方式处理：", local) == "评标结束后，按照以下方式处理：1.公示中标候选人。公示期不少于3日。2.确定中标人。"
    # no items after it, or no such sentence: the lead-in alone
    assert _with_items("评标结束后，按照以下方式处理：", "第六条 评标结束后，按照以下方式处理：\n另行通知。") == "评标结束后，按照以下方式处理："
    assert _with_items("评标结束后，按照以下方式处理：", "第七条 与此无关。") == "评标结束后，按照以下方式处理："


def test_a_question_for_the_conditions_gets_the_list_not_one_item(lexicon):
    # 招标投标法第四十一条
    article = ("第四十一条 中标人的投标应当符合下列条件之一：\n（一）能够最大限度地满足招标文件中规定的各项综合评价标准；\n"
               "（二）能够满足招标文件的实质性要求，并且经评审的投标价格最低；但是投标价格低于成本的除外。")
    key = _key(lexicon, article, "中标人的投标需要满足什么条件才能中标？", "中华人民共和国招标投标法")
    assert key == "中标人的投标应当符合下列条件之一："


def test_a_sentence_leaving_the_matter_to_other_rules_is_not_the_answer(lexicon):
    key = _key(lexicon, COLLUSION, "串通投标怎么处罚", "中华人民共和国招标投标法实施条例")
    assert key is not None and "从其规定" not in key
    assert key.startswith("投标人相互串通投标")
    # a rule with such a tail is still the rule
    article = _article("保障中小企业款项支付条例.md", "第十条", "第十一条")
    key = _key(lexicon, article, "合同里检验或者验收期限应当怎么约定？", "保障中小企业款项支付条例")
    assert key is not None and key.startswith("合同双方应当在合同中约定明确、合理的检验或者验收期限")
    # an article that says nothing else still has it as its sentence
    only = "第八十三条 政府采购的法律、行政法规对政府采购货物、服务的招标投标另有规定的，从其规定。"
    assert _key(lexicon, only, "政府采购货物服务招标投标适用什么规定") is not None


def _article(file: str, label: str, following: str) -> str:
    text = (REGULATIONS / file).read_text(encoding="utf-8")
    start = text.index(f"{label} ")
    return text[start:text.index(following, start)]


def test_an_item_is_singled_out_by_a_word_its_siblings_lack(lexicon):
    article = _article("中华人民共和国政府采购法实施条例.md", "第十七条", "第十八条")
    question = "采购文件要求供应商提供开标前近三个月的税收和社保缴费证明，新办企业无法提供，怎么办？"
    key = _key(lexicon, article, question, "中华人民共和国政府采购法实施条例")
    # 税收 is item (二)'s alone; 证明 is shared by items (一), (三) and (五) and singles out none of them
    assert key is not None and key.startswith("（二）财务状况报告，依法缴纳税收")
    assert key_in_context(article, key).startswith("参加政府采购活动的供应商应当具备")


def test_a_special_case_the_question_does_not_name_gives_way_to_the_general_rule(lexicon):
    article = _article("政府采购货物和服务招标投标管理办法.md", "第六十八条", "第六十九条")
    key = _key(lexicon, article, "确定中标人的权利是谁", "政府采购货物和服务招标投标管理办法")
    assert key is not None and key.startswith("采购人应当自收到评标报告之日起5个工作日内")
    # ... and stays the answer when the question names it
    key = _key(lexicon, article, "采购人自行组织招标的，多久确定中标人？", "政府采购货物和服务招标投标管理办法")
    assert key is not None and key.startswith("采购人自行组织招标的")


@pytest.mark.integration
def test_the_negotiation_group_question_is_answered_by_its_composition(services):
    first = services.qa.ask("竞争性谈判的谈判小组怎么组成？").answer.split("\n")[0]
    assert "政府采购法》第三十八条" in first
    assert "谈判小组由采购人的代表和有关专家共三人以上的单数组成" in first


@pytest.mark.integration
def test_splitting_a_procurement_project_finds_the_rule_against_it(services):
    # practice word 拆分 -> 化整为零 (knowledge_base/qa_lexicon.yaml)
    hits = services.retriever.search("政府采购项目太大了，能不能拆分成几个小项目分别采购？", k=3)
    assert (hits[0].title, hits[0].article) == ("中华人民共和国政府采购法", "第二十八条")


@pytest.mark.integration
def test_changing_a_signed_procurement_contract_finds_the_rules(services):
    # practice words 合同 + 变更 -> 擅自变更、中止或者终止合同 / 补充合同 (knowledge_base/qa_lexicon.yaml): the rule
    # against changing it and the one allowing a supplementary contract for more of the same goods
    question = "我们单位签了政府采购合同，现在因为实际情况需要变更合同里的采购数量，法律上允许吗？"
    hits = services.retriever.search(question, k=3)
    assert {(h.title, h.article) for h in hits[:2]} == {("中华人民共和国政府采购法", "第五十条"),
                                                        ("中华人民共和国政府采购法", "第四十九条")}


@pytest.mark.parametrize(("question", "statute"), [
    ("招标人硬要投标人组成联合体去投标，合法吗？", "强制"),
    ("采购人强行要求供应商用现金交保证金", "强制"),
    ("招标公告里必须写明哪些内容？", "载明"),
    ("项目能不能拆分成几个小项目分别采购", "化整为零"),
    ("合同签了以后还能变更吗", "补充合同"),
    ("评审专家受贿了怎么处理", "财物或者其他好处"),
    ("区发改局在招投标中职责是什么", "发展改革部门"),
    ("财政局对政府采购负责什么", "财政部门"),
    ("招标公告在哪里发布", "指定的媒介"),
    ("对招标文件的内容有什么禁止性规定？", "不得"),
    ("用别人的公司投标是否属于违法？", "以他人名义投标"),
])
def test_everyday_words_are_searched_by_the_statute_wording(lexicon, question, statute):
    from assistant.qa.understanding import expansions

    assert statute in expansions(question, lexicon)


@pytest.mark.integration
@pytest.mark.parametrize(("question", "first"), [
    # practice word 在哪发 -> the designated media (knowledge_base/qa_lexicon.yaml): the sentence saying where, not the
    # one next to it on notices in different media having the same content
    ("招标公告或资格预审公告在哪发？",
     "答：依据《中华人民共和国招标投标法实施条例》第十五条：“依法必须进行招标的项目的资格预审公告和招标公告，应当在国务院发展改革部门依法指定的媒介发布。”"),
    # practice word 禁止性 -> 不得, 禁止
    ("对招标文件的内容有什么禁止性规定？",
     "答：依据《中华人民共和国招标投标法》第二十条：“招标文件不得要求或者标明特定的生产供应者以及含有倾向或者排斥潜在投标人的其他内容。”"),
    # practice word 委派代表 -> 代表; 人员 generic (「由哪些人员组成」)
    ("评标委员会由哪些人员组成？招标人能否委派代表参加评标委员会？",
     "答：依据《中华人民共和国招标投标法》第三十七条：“依法必须进行招标的项目，其评标委员会由招标人的代表和有关技术、经济等方面的专家组成"),
    # 工作 generic: the asker's task (「我在参与政府采购相关工作」), not the topic
    ("我在参与政府采购相关工作，对采购文件保存这块不太清楚。想了解具体该怎么保存这些文件，保存期限是多久？",
     "答：依据《中华人民共和国政府采购法》第四十二条：“采购文件的保存期限为从采购结束之日起至少保存十五年。”"),
    # practice word 联合体协议 -> 共同投标协议
    ("联合体投标需要提交联合体协议书吗？",
     "答：依据《中华人民共和国招标投标法》第三十一条：“联合体各方应当签订共同投标协议，明确约定各方拟承担的工作和责任，"
     "并将共同投标协议连同投标文件一并提交招标人。”"),
    # 至少 is a how-many word like 最少: the article says 「三个以上」
    ("邀请招标至少要邀请几家？", "答：依据《中华人民共和国招标投标法》第十七条：“招标人采用邀请招标方式的，应当向三个以上"),
    # 承担 is a question word of 「要承担什么法律责任」: the penalty article need not say it
    ("必须招标的项目规避招标要承担什么法律责任？", "答：依据《中华人民共和国招标投标法》第四十九条：“违反本法规定，必须进行招标的项目而不招标的"),
    # the note of 招标投标法第六十条 asks what failing to perform the contract costs (not 第五十九条, on a contract
    # concluded against the tender documents)
    ("中标人不履行与招标人订立的合同要承担什么责任？",
     "答：依据《中华人民共和国招标投标法》第六十条：“中标人不履行与招标人订立的合同的，履约保证金不予退还"),
    # a question naming the district is answered by its own plan, not by the province's regulation ranked beside it
    ("婺城区招投标改革后谁负责工程建设招标投标的综合指导协调？",
     "答：依据《婺城区招标投标领域治理改革方案(2025-2027年)》：“调整后，区发改局负责全工程建设招标投标项目的综合指导协调"),
    # 重点 asks for the content: the plan's step for 2026 need not say 重点
    ("婺城区2026年招投标改革的重点是什么？", "答：依据《婺城区招标投标领域治理改革方案(2025-2027年)》：“（二）2026年，强化技术赋能。"),
    # the plan names the industry departments by their short names (区住建、交通、水务……): a which-department question is
    # answered by them
    ("婺城区哪些部门负责本行业招标投标活动的监督管理？",
     "答：依据《婺城区招标投标领域治理改革方案(2025-2027年)》：“招投标领域行政执法权限回归行业部门，区住建、交通、水务"),
    # a best article carrying under half the question's words gives way to another document's, ranked practically as
    # well, that carries them (招标投标法第五十三条's penalty for 串通投标 has no 集中打击行动 or 牵头; 招标投标法第四条, found by
    # its note, has none of 肢解发包 or 处罚)
    ("串通投标犯罪集中打击行动由谁牵头？",
     "答：依据《婺城区招标投标领域治理改革方案(2025-2027年)》：“由区公安分局牵头落实全区串通投标犯罪集中打击行动"),
    ("招标人肢解发包怎么处罚", "答：依据《建设工程质量管理条例》第五十五条：“违反本条例规定，建设单位将建设工程肢解发包的"),
    # practice words of contract law: 情势变更 (the doctrine 民法典第五百三十三条 describes), claiming 定金 and 违约金 together
    ("合同履行中情势变更怎么处理？", "答：依据《中华人民共和国民法典》第五百三十三条：“合同成立后，合同的基础条件发生了"),
    ("定金和违约金能同时主张吗？", "答：依据《中华人民共和国民法典》第五百八十八条：“当事人既约定违约金，又约定定金的"),
    # the article note of 实施条例第四十六条 names the evaluators' duty to stand down (回避), not only how they are drawn
    ("评标委员会成员与投标人有利害关系怎么办？",
     "答：依据《中华人民共和国招标投标法实施条例》第四十六条：“评标委员会成员与投标人有利害关系的，应当主动回避。”"),
])
def test_everyday_words_are_answered_by_the_statute_saying_them(services, question, first):
    assert services.qa.ask(question).answer.startswith(first)


@pytest.mark.integration
def test_bidding_under_another_company_finds_the_rule_on_bidding_in_anothers_name(services):
    # practice word 别人的公司 -> 以他人名义投标: 实施条例第四十二条 first; the penalty for lending one's certificates to
    # another (第六十九条) was stated as the answer
    question = "用别人的公司投标是否属于违法？"
    hits = services.retriever.search(question, k=3)
    assert (hits[0].title, hits[0].article) == ("中华人民共和国招标投标法实施条例", "第四十二条")
    assert "第六十九条" not in services.qa.ask(question).answer.splitlines()[0]


@pytest.mark.integration
def test_an_error_in_the_tender_document_finds_the_rule_on_its_ambiguities_and_defects(services):
    # practice words 招标文件 + 有误 -> 歧义, 重大缺陷 (87号令第六十五条), not the errors of the scoring (第六十四条)
    question = "招标文件内容有误，评标委员会应当如何处理？"
    hits = services.retriever.search(question, k=3)
    assert (hits[0].title, hits[0].article) == ("政府采购货物和服务招标投标管理办法", "第六十五条")
    assert services.qa.ask(question).answer.startswith("答：依据《政府采购货物和服务招标投标管理办法》第六十五条")


def test_an_office_is_one_word_not_two_halves(lexicon):
    from assistant.qa.refusal import key_terms

    assert "发改局" in key_terms("区发改局在招投标中职责是什么")  # was 「区发」「改局」


def test_a_contract_split_into_pieces_to_let_is_not_taken_for_an_evaded_tender(lexicon):
    # 「拆成几块分别发包」 is 肢解发包 (建筑法第二十四条), not 化整为零
    from assistant.qa.understanding import expansions

    assert "化整为零" not in expansions("建设单位把一个工程拆成几块分别发包给不同施工单位，可以吗？", lexicon)


@pytest.mark.integration
def test_an_evaluator_taking_bribes_finds_the_sanction(services):
    # practice word 受贿 -> 收受……财物或者其他好处 (knowledge_base/qa_lexicon.yaml)
    hits = services.retriever.search("评标专家受贿了怎么处理？", k=3)
    assert (hits[0].title, hits[0].article) == ("中华人民共和国招标投标法实施条例", "第七十二条")
    # and states it: the article's 评标委员会成员 is the question's 评标专家 (qa_lexicon.yaml), so the gate finds every
    # word of the question in it
    answer = services.qa.ask("评标专家受贿了怎么处理？")
    assert answer.answer.startswith("答：依据《中华人民共和国招标投标法实施条例》第七十二条：“评标委员会成员收受投标人的财物")


def test_the_rungs_of_a_penalty_are_one_sentence():
    # 「……中标无效；构成犯罪的，……；尚不构成犯罪的，……处罚。」: the act is named in the first rung, the sanction in the last
    first = _sentences(COLLUSION)[0]
    assert first.endswith("依照招标投标法第五十三条的规定处罚。") and "中标无效；构成犯罪的" in first
    # other clauses after 「；」 stay sentences of their own
    assert _sentences("第一条 甲应当通知乙；乙应当在三日内答复。") == ["第一条 甲应当通知乙；", "乙应当在三日内答复。"]


def test_a_question_for_the_sanction_gets_the_main_rule_not_an_aggravated_case(lexicon):
    # 实施条例第六十七条 whole: its third paragraph (3年内又有……吊销营业执照) also names 串通投标 and 处罚
    article = _article("中华人民共和国招标投标法实施条例.md", "第六十七条", "第六十八条")
    for question in ("串通投标怎么处罚", "围标串标会受到什么处罚？"):
        key = _key(lexicon, article, question, "中华人民共和国招标投标法实施条例")
        assert key is not None and key.startswith("投标人相互串通投标"), question
        assert key.endswith("依照招标投标法第五十三条的规定处罚。")
    # 「怎么处理」 asks what to do, not for a sanction: the sentence that says so still wins
    key = _key(lexicon, LATE_BIDS, "投标截止时间过了才送到的投标文件怎么处理？", "中华人民共和国招标投标法")
    assert key is not None and key.startswith("在招标文件要求提交投标文件的截止时间后送达的投标文件")


def test_a_question_for_the_cases_gets_the_list_though_no_item_repeats_its_words(lexicon):
    # 实施条例第三十九条: none of the five items says 串通, so the list counted as cases the question does not name
    article = _article("中华人民共和国招标投标法实施条例.md", "第三十九条", "第四十条")
    for question in ("串通投标有哪些情形", "哪些情形属于串通投标"):
        key = _key(lexicon, article, question, "中华人民共和国招标投标法实施条例")
        assert key == "有下列情形之一的，属于投标人相互串通投标：", question
    # a question not asking for the cases still gets the rule
    assert _key(lexicon, article, "串通投标是否被禁止", "中华人民共和国招标投标法实施条例") == "禁止投标人相互串通投标。"


def test_a_lead_in_states_the_quantities_of_its_items(lexicon):
    # 建设工程质量管理条例第四十条: 「多长」 is answered by the list of periods, not by 「保修期，自竣工验收合格之日起计算」
    article = _article("建设工程质量管理条例.md", "第四十条", "第四十一条")
    key = _key(lexicon, article, "工程质量保修期多长", "建设工程质量管理条例")
    assert key == "在正常使用条件下，建设工程的最低保修期限为："
    # a question for the start of the period still gets its sentence
    key = _key(lexicon, article, "保修期从什么时候开始计算", "建设工程质量管理条例")
    assert key is not None and key.startswith("建设工程的保修期，自竣工验收合格之日起计算")


def test_the_same_legal_representative_is_the_same_head_of_unit(lexicon):
    # 法人代表 (everyday 法定代表人) is the 单位负责人 of 招标投标法实施条例第三十四条: its second paragraph answers
    article = _article("中华人民共和国招标投标法实施条例.md", "第三十四条", "第三十五条")
    key = _key(lexicon, article, "同一个法人代表的两个公司能同时投标吗", "中华人民共和国招标投标法实施条例")
    assert key is not None and key.startswith("单位负责人为同一人或者存在控股、管理关系的不同单位")


PLAN_PREAMBLE = ("各乡镇(街道)人民政府(办事处),区属有关单位:\n"
                 "现将《婺城区招标投标领域治理改革方案(20252027年)》印发给你们,请结合实际认真组织实施。\n"
                 "金华市婺城区人民政府\n202564\n婺城区招投标领域治理改革方案\n"
                 "为全面落实全省深化招投标(以下简称招投标)领域治理改革的工作部署,进一步规范招投标市场,持续优化提升营商环境,"
                 "结合我实际,制定本方案")


def test_a_heading_signature_or_date_line_is_not_the_key_sentence(lexicon):
    """The plan's preamble: its title line carries every word of 「婺城区招投标领域治理改革的目标是什么」 and said nothing."""
    key = _key(lexicon, PLAN_PREAMBLE, "婺城区招投标领域治理改革的目标是什么？", "婺城区招标投标领域治理改革方案(2025-2027年)")
    assert key is not None and ("，" in key or "," in key)
    assert key not in ("婺城区招投标领域治理改革方案", "金华市婺城区人民政府", "202564")
    # a text of headings alone still has one
    assert _key(lexicon, "一、总体要求\n二、重点任务", "重点任务有哪些") == "二、重点任务"
    # a bare numbered heading is not a sentence beside one: 「……改革的目标是什么」 (目标 said 总体要求) quoted 「一、总体要求」
    goals = "一、总体要求\n到2027年，规范有序的招投标市场基本形成，招投标领域营商环境走在全前列。"
    wordings = {**lexicon.gate_words.statute_words, "目标": ("总体要求",)}
    assert key_sentence(goals, "改革的目标是什么？", statute=wordings).startswith("到2027年")


@pytest.mark.integration
def test_a_plans_goals_are_found_under_its_general_requirements(services):
    """「目标」 of a plan: its 总体要求 (「到2027年，规范有序的招投标市场基本形成……」), not the leadership sentence that
    mentions 改革目标 in passing."""
    answer = services.qa.ask("婺城区招投标改革的目标是什么？")
    first = answer.citations[0]
    assert "总体要求" in first.text[:10] and "到2027年" in first.text
    assert not answer.answer.startswith("答：依据《婺城区招标投标领域治理改革方案(2025-2027年)》：“深化协同联动")
