"""Which article and sentence the no-LLM answer states when its evidence nearly ties.

- Two articles of one document scoring practically the same: when the best one lacks the question's words and
  its neighbour carries them, the neighbour is stated (「质疑要在几天内提出」: 政府采购法第五十二条, not 第五十三条).
- Two documents' articles scoring practically the same and saying the same thing (a rule restating its law:
  94号令第十七条 and 政府采购法第五十五条): the best is stated, not withheld as a tie.
- The same for a parallel article of another document that carries the question's words (建设工程质量管理条例
  第六十四条's 施工单位 beside 建筑法第七十四条's 建筑施工企业), but a question about consequences keeps to the
  penalty articles.
"""

from __future__ import annotations

import pytest

from assistant.qa.extractive import FLAG_NO_DIRECT, TIE_RATIO, build_extractive
from assistant.schema import Hit

ZFCG = "中华人民共和国政府采购法"
ZTB_RULES = "中华人民共和国招标投标法实施条例"
COMPLAINTS = "政府采购质疑和投诉办法"

# 政府采购法第五十二条、第五十三条、第五十五条
RAISE = ("第五十二条 供应商认为采购文件、采购过程和中标、成交结果使自己的权益受到损害的，可以在知道或者应知其权益受到损害之日起"
         "七个工作日内，以书面形式向采购人提出质疑。")
REPLY = ("第五十三条 采购人应当在收到供应商的书面质疑后七个工作日内作出答复，并以书面形式通知质疑供应商和其他有关供应商，"
         "但答复的内容不得涉及商业秘密。")
LAW_55 = ("第五十五条 质疑供应商对采购人、采购代理机构的答复不满意或者采购人、采购代理机构未在规定的时间内作出答复的，"
          "可以在答复期满后十五个工作日内向同级政府采购监督管理部门投诉。")
# 政府采购质疑和投诉办法第十七条
RULE_17 = ("第十七条 质疑供应商对采购人、采购代理机构的答复不满意，或者采购人、采购代理机构未在规定时间内作出答复的，"
           "可以在答复期满后15个工作日内向本办法第六条规定的财政部门提起投诉。")


def _hit(title: str, article: str, text: str, score: float, dense: float = 0.9) -> Hit:
    return Hit(title=title, article=article, text=text, score=score, rank_score=score, doc_id=title, doc_type="法律",
               status="现行有效", chunk_id=f"{title}:{article}", dense_score=dense, via=["dense", "bm25"])


def _first_line(question: str, hits: list[Hit], lexicon) -> str:
    return build_extractive(question, hits, words=lexicon.gate_words).text.splitlines()[0]


def test_a_neighbour_carrying_the_questions_words_is_stated_for_a_best_article_lacking_them(lexicon):
    reply = _hit(ZFCG, "第五十三条", REPLY, 0.943)
    raise_ = _hit(ZFCG, "第五十二条", RAISE, 0.943 * (TIE_RATIO + 0.03))
    first = _first_line("质疑要在几天内提出？", [reply, raise_], lexicon)
    assert first.startswith(f"答：依据《{ZFCG}》第五十二条") and "提出质疑" in first
    # not when the neighbour scores clearly less: the answer is then hedged, as before
    far = _hit(ZFCG, "第五十二条", RAISE, 0.943 * (TIE_RATIO - 0.1))
    hedged = build_extractive("质疑要在几天内提出？", [reply, far], words=lexicon.gate_words)
    assert FLAG_NO_DIRECT in hedged.flags
    # nor when both shown scores are capped at 1 (boosted rankings above it): the ranking scores decide
    boosted = reply.model_copy(update={"score": 1.0, "rank_score": 1.12})
    behind = raise_.model_copy(update={"score": 1.0, "rank_score": 1.12 * (TIE_RATIO - 0.1)})
    assert FLAG_NO_DIRECT in build_extractive("质疑要在几天内提出？", [boosted, behind], words=lexicon.gate_words).flags


def test_a_penalty_article_withheld_for_the_asked_act_does_not_hand_over_to_its_neighbour(lexicon):
    # 实施条例第七十四条 carries the question's words but is a penalty article for a question that asks no consequence;
    # the refund rule beside it (第五十七条) does not answer whether the bond is kept
    penalty = _hit(ZTB_RULES, "第七十四条", "第七十四条 中标人无正当理由不与招标人订立合同，在签订合同时向招标人提出附加条件，或者"
                   "不按照招标文件要求提交履约保证金的，取消其中标资格，投标保证金不予退还。对依法必须进行招标的项目的中标人，由"
                   "有关行政监督部门责令改正，可以处中标项目金额10‰以下的罚款。", 0.801)
    refund = _hit(ZTB_RULES, "第五十七条", "第五十七条 招标人和中标人应当依照招标投标法和本条例的规定签订书面合同。招标人最迟"
                  "应当在书面合同签订后5日内向中标人和未中标的投标人退还投标保证金及银行同期存款利息。", 0.799)
    out = build_extractive("中标人不按规定签订合同，投标保证金能退吗？", [penalty, refund], words=lexicon.gate_words)
    assert not out.text.startswith(f"答：依据《{ZTB_RULES}》第五十七条")


def test_a_rule_restating_its_law_is_stated_though_the_law_scores_the_same(lexicon):
    rule = _hit(COMPLAINTS, "第十七条", RULE_17, 1.0)
    law = _hit(ZFCG, "第五十五条", LAW_55, 1.0)
    first = _first_line("供应商对质疑答复不满意怎么办？", [rule, law], lexicon)
    assert first.startswith(f"答：依据《{COMPLAINTS}》第十七条") and "15个工作日内" in first
    # two documents' articles on different points scoring the same still leave the answer hedged
    other = _hit(ZFCG, "第五十三条", REPLY, 1.0)
    hedged = build_extractive("供应商对质疑答复不满意怎么办？", [rule, other], words=lexicon.gate_words)
    assert FLAG_NO_DIRECT in hedged.flags


BUILDING = "中华人民共和国建筑法"
QUALITY = "建设工程质量管理条例"
BUILDING_74 = ("第七十四条 建筑施工企业在施工中偷工减料的，使用不合格的建筑材料、建筑构配件和设备的，或者有其他不按照工程设计图纸"
               "或者施工技术标准施工的行为的，责令改正，处以罚款；情节严重的，责令停业整顿，降低资质等级或者吊销资质证书。")
QUALITY_64 = ("第六十四条 违反本条例规定，施工单位在施工中偷工减料的，使用不合格的建筑材料、建筑构配件和设备的，或者有不按照"
              "工程设计图纸或者施工技术标准施工的其他行为的，责令改正，处工程合同价款百分之二以上百分之四以下的罚款。")


def test_a_parallel_article_of_another_document_carrying_the_questions_words_is_stated(lexicon):
    building = _hit(BUILDING, "第七十四条", BUILDING_74, 0.851)
    quality = _hit(QUALITY, "第六十四条", QUALITY_64, 0.815)
    first = _first_line("施工单位偷工减料怎么处罚？", [building, quality], lexicon)
    assert first.startswith(f"答：依据《{QUALITY}》第六十四条")


def test_a_question_about_consequences_is_not_answered_by_the_duty_beside_the_sanction(lexicon):
    sanction = _hit(ZTB_RULES, "第七十二条", "第七十二条 评标委员会成员收受投标人的财物或者其他好处的，没收收受的财物，处3000元"
                    "以上5万元以下的罚款，取消担任评标委员会成员的资格，不得再参加依法必须进行招标的项目的评标；构成犯罪的，依法追究"
                    "刑事责任。", 0.864)
    duty = _hit("中华人民共和国招标投标法", "第四十四条", "第四十四条 评标委员会成员不得私下接触投标人，不得收受投标人的财物"
                "或者其他好处。", 0.862)
    out = build_extractive("评委私下收了投标人的好处，会怎么处理？", [sanction, duty], words=lexicon.gate_words)
    assert not out.text.startswith("答：依据《中华人民共和国招标投标法》第四十四条")


def test_two_regimes_articles_on_different_points_of_the_question_are_not_stated_side_by_side(lexicon):
    """The other regime's article is stated beside the best only when both key sentences carry the same words of the
    question: 87号令第二十三条's refusal to refund lacks the 一致 that 实施条例第二十六条 says (a pair overlap of 0.5)."""
    from assistant.qa.extractive import Regimes

    goods = _hit("政府采购货物和服务招标投标管理办法", "第二十三条", "第二十三条 投标有效期从提交投标文件的截止之日起算。"
                 "投标文件中承诺的投标有效期应当不少于招标文件中载明的投标有效期。投标有效期内投标人撤销投标文件的，采购人或者"
                 "采购代理机构可以不退还投标保证金。", 0.689)
    works = _hit(ZTB_RULES, "第二十六条", "第二十六条 招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目"
                 "估算价的2%。投标保证金有效期应当与投标有效期一致。", 0.682)
    regimes = Regimes(None, {"政府采购货物和服务招标投标管理办法": "政府采购", ZTB_RULES: "工程招标"})
    out = build_extractive("投标保证金有效期要和投标有效期一致吗？", [goods, works], words=lexicon.gate_words, regimes=regimes)
    assert FLAG_NO_DIRECT in out.flags and "政府采购项目依据" not in out.text


@pytest.mark.integration
@pytest.mark.parametrize("question, article, said", [
    ("质疑要在几天内提出？", "《中华人民共和国政府采购法》第五十二条", "七个工作日内"),
    ("供应商对质疑答复不满意怎么办？", "《政府采购质疑和投诉办法》第十七条", "15个工作日内"),
    ("评标时发现投标报价有算术错误怎么处理？", "《政府采购货物和服务招标投标管理办法》第五十九条", "报价出现前后不一致"),
    ("开标现场只来了两家投标人，还能继续开标吗？", "《中华人民共和国招标投标法实施条例》第四十四条", "投标人少于3个的，不得开标"),
    # the count the question tells (只有两家) is the article's 「不足3家」: the answer gate counts it as carried
    ("公开招标项目投标截止后只有两家供应商递交了投标文件，怎么处理？", "《政府采购货物和服务招标投标管理办法》第四十三条",
     "投标截止后投标人不足3家"),
    ("资格预审文件的澄清要提前几天？", "《中华人民共和国招标投标法实施条例》第二十一条", "至少3日前"),
    ("采购人可以拒绝中标供应商的履约保函而要求现金吗？", "《中华人民共和国政府采购法实施条例》第四十八条", "非现金形式"),
    ("政府采购项目采购人有哪些违法行为要被处罚？", "《中华人民共和国政府采购法实施条例》第六十七条", "采购人有下列情形之一的"),
    ("中标结果公告要公示多少天？", "《政府采购货物和服务招标投标管理办法》第六十九条", "中标公告期限为1个工作日"),
    ("施工单位偷工减料怎么处罚？", "《建设工程质量管理条例》第六十四条", "施工单位在施工中偷工减料的"),
    # 交纳 is a generic word like 缴纳: no article says it, and it does not make the answer a guess
    ("投标保证金交纳后招标人多久退还？", "《中华人民共和国招标投标法实施条例》第五十七条", "书面合同签订后5日内"),
    ("政府采购项目交纳的履约保证金最多多少？", "《中华人民共和国政府采购法实施条例》第四十八条", "不得超过政府采购合同金额的10%"),
    # 比例 is how the question asks for a share: the article states it as a fraction
    ("评标委员会中专家要占多少比例？", "《中华人民共和国招标投标法》第三十七条", "不得少于成员总数的三分之二"),
    # asked how much: 第六条 (the plan to reserve a share, no figure) ties with 第八条, which has the figure
    ("政府采购项目预留给中小企业的份额是多少？", "《政府采购促进中小企业发展管理办法》第八条", "预算总额的30%以上"),
    # 第八条 says the share as 「预留该部分……的30%以上」, not by the practice word 预留份额 of 第六条
    ("中小企业预留份额的比例是多少？", "《政府采购促进中小企业发展管理办法》第八条", "预算总额的30%以上"),
    # 举报 is said 控告和检举 in the statute
    ("发现采购人违法可以举报吗？", "《中华人民共和国政府采购法》第七十条", "有权控告和检举"),
    # 违法 is what is asked, not a word the answer must carry
    ("用别人的公司投标是否属于违法？", "《中华人民共和国招标投标法实施条例》第四十二条", "以他人名义投标"),
    # 投标保证金 is the tender method's word: 74号令第二十条 (谈判/询价 保证金, ranked first) is not its answer
    ("政府采购项目中，供应商的投标保证金什么时候退还？", "《政府采购货物和服务招标投标管理办法》第三十八条", "5个工作日内退还"),
    # two articles named: the one on what is asked leads, not the story's first
    ("按照《政府采购法实施条例》第三十八条的规定，采购人将单一来源采购信息进行了公示。A供应商提出了异议，按照《政府采购非招标采购方式"
     "管理办法》第四十条的规定，采购人组织了补充论证。供应商对补充论证意见不认可怎么办？", "《政府采购非招标采购方式管理办法》第四十条",
     "组织补充论证"),
    # the named documents' own title words (投标法, 实施条例) do not make their articles the answer
    ("《招标投标法实施条例》第三十四条、第三十五条和《政府采购法》第七十条，哪个管举报？", "《中华人民共和国政府采购法》第七十条",
     "有权控告和检举"),
    # a tender document at odds with itself is what 87号令第六十五条 calls 歧义、重大缺陷
    ("评审中发现采购文件的内容前后不一致，该怎么办？", "《政府采购货物和服务招标投标管理办法》第六十五条", "歧义、重大缺陷"),
    ("招标文件技术要求前后矛盾，评标委员会怎么处理？", "《政府采购货物和服务招标投标管理办法》第六十五条", "歧义、重大缺陷"),
    # 发包方 is the contract's 发包人: the sentence on suing the 发包人, not the one on suing the 转包人
    ("实际施工人能不能直接起诉发包方？", "《最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）》第四十三条",
     "以发包人为被告"),
    ("发包方拖欠工程款，实际施工人可以告发包方吗？",
     "《最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）》第四十三条", "以发包人为被告"),
    # everyday words of the trade for the statute's (knowledge_base/qa_lexicon.yaml practice_terms)
    ("两家公司的老板是同一个人，能投同一个标吗？", "《中华人民共和国招标投标法实施条例》第三十四条", "单位负责人为同一人"),
    ("施工队偷工减料怎么处罚？", "《中华人民共和国建筑法》第七十四条", "偷工减料"),
    ("工程招标的投标押金什么时候退？", "《中华人民共和国招标投标法实施条例》第五十七条", "退还投标保证金"),
    ("乙方中标后不签合同怎么办？", "《中华人民共和国政府采购法实施条例》第四十九条", "拒绝与采购人签订合同"),
    ("投标文件没盖公章会被废标吗？", "《中华人民共和国招标投标法实施条例》第五十一条", "未经投标单位盖章"),
    ("评委能不能当场改分？", "《政府采购货物和服务招标投标管理办法》第六十四条", "当场修改评标结果"),
    ("国有企业的工程项目可以邀请招标吗？", "《中华人民共和国招标投标法实施条例》第八条", "国有资金占控股或者主导地位"),
    ("房子漏水保修期几年？", "《建设工程质量管理条例》第四十条", "防渗漏，为5年"),
    # a statute wording of a practice word joins the tokenizer's dictionary: as one phrase (国有资金占控股或者主导地位,
    # 修改评标结果) it would be one keyword of the article and no longer match a question saying part of it
    ("国有资金控股的项目必须公开招标吗？", "《中华人民共和国招标投标法实施条例》第八条", "国有资金占控股或者主导地位"),
    ("评标结果可以修改吗？", "《政府采购货物和服务招标投标管理办法》第六十四条", "任何人不得修改评标结果"),
])
def test_everyday_questions_get_the_answering_article_and_sentence_first(services, question, article, said):
    first = services.qa.ask(question).answer.split("\n")[0]
    assert first.startswith(f"答：依据{article}") and said in first


@pytest.mark.parametrize("question, answering", [
    # 打招呼 is what the statute calls 非法干涉招标投标活动; the question was refused as off-topic
    ("领导打招呼让某家公司中标怎么办？", {("中华人民共和国招标投标法实施条例", "第六条")}),
    # a purchase cut into several is 化整为零 (政府采购法第二十八条, defined by its 实施条例第二十八条), not the
    # 招标投标法第四条 of works nor the 74号令 article that led before
    ("采购项目拆开来分几次买行不行？", {("中华人民共和国政府采购法", "第二十八条"), ("中华人民共和国政府采购法实施条例", "第二十八条")}),
    # a contract signed without the licence is void (施工合同司法解释（一）第一条), not 质量条例第二十五条 (licence duty)
    ("施工单位没有资质签的合同有效吗？", {("最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）", "第一条")}),
    # an error in a tender document already issued is put right by 澄清或者修改 (招标投标法第二十三条, 87号令第二十七条);
    # 87号令第六十五条 (歧义、重大缺陷) is for an error the committee finds while evaluating, and led before
    ("招标文件有错误，发出以后还可以修改吗？", {("中华人民共和国招标投标法", "第二十三条"),
                                              ("政府采购货物和服务招标投标管理办法", "第二十七条")}),
    ("评审中发现招标文件有错误，评标委员会该怎么办？", {("政府采购货物和服务招标投标管理办法", "第六十五条")}),
])
def test_everyday_words_find_the_statute_article_first(services, question, answering):
    first = services.retriever.search(question, 3)[0]
    assert (first.title, first.article) in answering


def test_a_bidder_not_at_the_opening_is_not_answered_by_the_rule_on_too_few_bidders(services):
    """不在场 is 未参加 (87号令第四十二条「投标人未参加开标的，视同认可开标结果」): the rule that fewer than three bidders
    stop the opening (实施条例第四十四条) used to be stated as the answer."""
    answer = services.qa.ask("开标时投标人不在场可以吗？")
    assert not answer.answer.startswith("答：依据《中华人民共和国招标投标法实施条例》第四十四条")
    assert ("政府采购货物和服务招标投标管理办法", "第四十二条") in {(c.title, c.article) for c in answer.citations}


def test_what_counts_as_a_figure_one_of_something_not_hours_yes():
    from assistant.qa.citing import states_quantity

    assert not states_quantity("要求获得采购合同的供应商将采购项目中的一定比例分包给一家或者多家中小企业。")
    assert states_quantity("预留该部分采购项目预算总额的30%以上") and states_quantity("公示期不得少于5个工作日")
    assert states_quantity("成员人数应当为5人以上单数") and states_quantity("至少保存十五年")
    # hours are a period too (建设工程质量管理条例第五十二条), and asking for them asks for a figure
    assert states_quantity("有关单位应当在24小时内向当地建设行政主管部门和其他有关部门报告")
    from assistant.qa.citing import asks_quantity

    assert asks_quantity("质量事故发生后几小时内要上报？")
    # a count of things (招标投标法第十七条「三个以上」, 实施条例第四十四条「少于3个的」), not 「一个投标人」 or 「各个」
    assert states_quantity("应当向三个以上具备承担招标项目的能力、资信良好的特定的法人或者其他组织发出投标邀请书")
    assert states_quantity("投标人少于3个的，不得开标")
    assert not states_quantity("以一个投标人的身份共同投标") and not states_quantity("各个环节")
    # a share (招标投标法第三十七条「三分之二」, 87号令第四十七条「2/3」)
    assert states_quantity("技术、经济等方面的专家不得少于成员总数的三分之二")
    assert states_quantity("其中评审专家不得少于成员总数的2/3")


def test_a_lower_rank_best_article_gives_way_only_to_one_ranked_nearly_as_well():
    from assistant.qa.extractive import RANK_PREFERENCE, lead_hit

    notice = _hit("政府采购促进中小企业发展管理办法", "第八条", "第八条 ……预留该部分采购项目预算总额的30%以上专门面向中小企业采购。", 1.0)
    notice = notice.model_copy(update={"doc_type": "规范性文件", "rank_score": 1.12})
    law = _hit(ZFCG, "第九条", "第九条 政府采购应当有助于实现国家的经济和社会发展政策目标，包括……促进中小企业发展等。", 1.0)
    near = law.model_copy(update={"rank_score": 1.12 * (RANK_PREFERENCE + 0.05)})
    far = law.model_copy(update={"rank_score": 1.12 * (RANK_PREFERENCE - 0.1)})
    question = "政府采购促进中小企业发展有什么政策目标？"
    assert lead_hit(question, [notice, near]) is near
    # both shown scores are capped at 1: the ranking scores decide
    assert lead_hit(question, [notice, far]) is notice


# 政府采购法实施条例第十二条 (the definition of 采购代理机构), 预算法第三十五条, 民法典第五百六十三条
AGENCIES = ("第十二条 政府采购法所称采购代理机构，是指集中采购机构和集中采购机构以外的采购代理机构。\n"
            "集中采购机构以外的采购代理机构，是从事采购代理业务的社会中介机构。")
BUDGET = "第三十五条 地方各级预算按照量入为出、收支平衡的原则编制，除本法另有规定外，不列赤字。"
TERMINATION = ("第五百六十三条 有下列情形之一的，当事人可以解除合同：\n（一）因不可抗力致使不能实现合同目的；\n"
               "（三）当事人一方迟延履行主要债务，经催告后在合理期限内仍未履行；")


def test_a_question_whether_an_act_is_allowed_is_not_answered_by_a_sentence_silent_on_it(lexicon):
    """「……能委托社会代理机构吗」 stated 「集中采购机构以外的采购代理机构，是从事采购代理业务的社会中介机构。」, which neither
    allows nor forbids anything: the answer is hedged. A sentence that denies (「不列赤字」), an item under a list that
    allows (「……的，当事人可以解除合同：……」) or a definition of what a rule covers still answers."""
    from assistant.qa.extractive import silent_on_leave

    agencies = _hit("中华人民共和国政府采购法实施条例", "第十二条", AGENCIES, 0.96)
    key = "集中采购机构以外的采购代理机构，是从事采购代理业务的社会中介机构。"
    assert silent_on_leave("集中采购目录以内的项目能委托社会代理机构吗", agencies, key)
    assert silent_on_leave("集中采购目录以内的项目可以委托社会代理机构吗？", agencies, key)
    assert not silent_on_leave("社会代理机构是什么", agencies, key)  # not a question whether something is allowed
    assert not silent_on_leave("这样做可能会被处罚吗", agencies, key)  # 可能, not 能……吗
    # a long act between 可以 and 吗 (22 characters here), but not across the end of a sentence
    assert silent_on_leave("集中采购机构可以将集中采购项目转委托给社会中介机构代理采购吗？", agencies, key)
    assert not silent_on_leave("有的项目可以委托社会代理机构。它们有什么区别吗？", agencies, key)
    out = build_extractive("集中采购目录以内的项目能委托社会代理机构吗", [agencies], words=lexicon.gate_words)
    assert FLAG_NO_DIRECT in out.flags and not out.text.startswith("答：")
    budget = _hit("中华人民共和国预算法", "第三十五条", BUDGET, 0.9)
    assert not silent_on_leave("地方预算可以列赤字吗？", budget, "地方各级预算按照量入为出、收支平衡的原则编制，除本法另有规定外，不列赤字。")
    contract = _hit("中华人民共和国民法典", "第五百六十三条", TERMINATION, 0.9)
    assert not silent_on_leave("催告后还不履行，我们能解除合同吗？", contract, "（三）当事人一方迟延履行主要债务，经催告后在合理期限内仍未履行；")
    assert not silent_on_leave("能委托社会代理机构吗", agencies, "政府采购法所称采购代理机构，是指集中采购机构和集中采购机构以外的采购代理机构。")


def _quality(label: str, following: str) -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "knowledge_base" / "regulations" / "建设工程质量管理条例.md").read_text(
        encoding="utf-8")
    start = text.index(f"{label} ")
    return text[start:text.index(following, start)].strip()


def test_a_question_for_the_sanction_of_a_duty_is_answered_by_the_penalty_article_or_not_at_all(lexicon):
    """「建设单位压缩合理工期怎么处罚」 stated 建设工程质量管理条例第十条, the duty (「不得任意压缩合理工期」), which says
    nothing of the sanction: the penalty article of the same document punishing the act (第五十六条) is stated when it
    scores nearly as well; when none does, the answer is hedged. A question not asking for a sanction keeps the duty."""
    title = "建设工程质量管理条例"
    duty = Hit(title=title, article="第十条", text=_quality("第十条", "第十一条"), score=0.885, rank_score=0.885,
               doc_id=title, doc_type="行政法规", status="现行有效", chunk_id="q10", dense_score=0.9, via=["dense", "bm25"],
               heading="第二章 建设单位的质量责任和义务")
    fine = Hit(title=title, article="第五十六条", text=_quality("第五十六条", "第五十七条"), score=0.745, rank_score=0.745,
               doc_id=title, doc_type="行政法规", status="现行有效", chunk_id="q56", dense_score=0.85,
               via=["dense", "bm25"], heading="第八章 罚则")
    question = "建设单位压缩合理工期怎么处罚"
    first = _first_line(question, [duty, fine], lexicon)
    assert first.startswith(f"答：依据《{title}》第五十六条") and "任意压缩合理工期" in first
    far = fine.model_copy(update={"score": 0.5, "rank_score": 0.5})
    hedged = build_extractive(question, [duty, far], words=lexicon.gate_words)
    assert FLAG_NO_DIRECT in hedged.flags and not hedged.text.startswith("答：")
    assert _first_line("建设单位任意压缩合理工期有什么后果", [duty, fine], lexicon).startswith(f"答：依据《{title}》第五十六条")
    kept = _first_line("建设单位可以压缩合理工期吗", [duty, fine], lexicon)
    assert kept.startswith(f"答：依据《{title}》第十条")


VOID_AWARD = ("第六十四条 依法必须进行招标的项目违反本法规定，中标无效的，应当依照本法规定的中标条件从其余投标人中重新确定中标人"
              "或者依照本法重新进行招标。")
INVITATION = ("第十一条 国务院发展计划部门确定的国家重点项目和省、自治区、直辖市人民政府确定的地方重点项目不适宜公开招标的，"
              "经国务院发展计划部门或者省、自治区、直辖市人民政府批准，可以进行邀请招标。")


def test_a_question_for_the_cases_is_not_answered_by_a_sentence_taking_the_case_as_its_condition(lexicon):
    """「哪些情况是中标无效」 stated 招标投标法第六十四条, which says what follows once an award is void, not when it is."""
    from assistant.qa.extractive import presumes_case

    words = lexicon.gate_words
    key = VOID_AWARD.removeprefix("第六十四条 ")
    for question in ("哪些情况是中标无效", "什么情况下中标无效", "中标无效的情形有哪些"):
        assert presumes_case(question, key, words), question
    assert not presumes_case("中标无效了怎么办", key, words)  # asks what follows: the sentence answers it
    # a sentence whose condition is another case than the asked one does say when (邀请招标 is in its rule)
    assert not presumes_case("什么情况下可以邀请招标", INVITATION.removeprefix("第十一条 "), words)
    void = _hit("中华人民共和国招标投标法", "第六十四条", VOID_AWARD, 0.9)
    out = build_extractive("哪些情况是中标无效", [void], words=words)
    assert FLAG_NO_DIRECT in out.flags and not out.text.startswith("答：")



COMPLAINT_60 = ("第六十条 投标人或者其他利害关系人认为招标投标活动不符合法律、行政法规规定的，可以自知道或者应当知道之日起10日内"
                "向有关行政监督部门投诉。投诉应当有明确的请求和必要的证明材料。")


def test_a_question_for_the_body_in_charge_is_not_answered_by_a_sentence_naming_none(lexicon):
    """「招投标投诉应该向哪个部门投诉」 stated 实施条例第六十条's 「……向有关行政监督部门投诉」, which does not say which: hedged.
    A sentence naming the body (财政部门, the district plan's 区发改局) still answers."""
    from assistant.qa.extractive import names_no_body

    key = "投标人或者其他利害关系人认为招标投标活动不符合法律、行政法规规定的，可以自知道或者应当知道之日起10日内向有关行政监督部门投诉。"
    assert names_no_body("招投标投诉应该向哪个部门投诉", key)
    assert names_no_body("投标人或者其他利害关系可以向那些行政监督部门进行投诉？", key)
    assert not names_no_body("投诉期限是多久", key)  # not a question for a body
    assert not names_no_body("政府采购由哪个部门监督管理", "各级人民政府财政部门是负责政府采购监督管理的部门，依法履行对政府采购活动的监督管理职责。")
    assert not names_no_body("招投标综合协调职责归哪个部门", "原由区行政服务中心承担的综合指导协调招投标工作……职责划转至区发改局")
    complaint = _hit(ZTB_RULES, "第六十条", COMPLAINT_60, 0.9)
    out = build_extractive("招投标投诉应该向哪个部门投诉", [complaint], words=lexicon.gate_words)
    assert FLAG_NO_DIRECT in out.flags and not out.text.startswith("答：")
    # the same article still answers how long one has to complain
    assert build_extractive("招投标投诉期限是几天", [complaint], words=lexicon.gate_words).text.startswith("答：")


QUESTION_17 = ("第十七条 质疑供应商对采购人、采购代理机构的答复不满意，或者采购人、采购代理机构未在规定时间内作出答复的，"
               "可以在答复期满后15个工作日内向本办法第六条规定的财政部门提起投诉。")


def test_a_sentence_ruling_on_the_next_step_does_not_answer_a_question_on_the_step_before(lexicon):
    """「质疑答复的期限是多少天」 stated 94号令第十七条, whose 15个工作日 is the time to complain (投诉) once the reply to a
    challenge (质疑) is in: hedged. Asking what follows the reply (「质疑答复不满意怎么办」) is answered by it, and so is
    a sentence whose rule names the asked step (「……收到质疑函后7个工作日内作出答复」)."""
    from assistant.qa.extractive import rules_on_other_step

    words = lexicon.gate_words
    key = QUESTION_17.removeprefix("第十七条 ")
    assert rules_on_other_step("质疑答复的期限是多少天？", key, words)
    assert not rules_on_other_step("质疑答复不满意怎么办？", key, words)
    assert not rules_on_other_step("质疑答复的期限是多少天？", "采购人、采购代理机构应当在收到质疑函后7个工作日内作出答复", words)
    # a sentence naming none of the question's alternatives in its condition is left to the key sentence's own check
    assert not rules_on_other_step("中标人拒签合同，采购人想重新采购需向财政部门报告吗？",
                                   "中标或者成交供应商拒绝与采购人签订合同的，采购人可以……确定下一候选人为中标或者成交供应商", words)
    challenge = _hit("政府采购质疑和投诉办法", "第十七条", QUESTION_17, 0.9)
    out = build_extractive("质疑答复的期限是多少天？", [challenge], words=words)
    assert FLAG_NO_DIRECT in out.flags and not out.text.startswith("答：")
    assert build_extractive("质疑答复不满意怎么办？", [challenge], words=words).text.startswith("答：")


def test_of_two_articles_saying_the_same_the_specific_rule_is_stated_first(lexicon):
    """94号令第十七条 restates 政府采购法第五十五条; ranked a hair below it, the specific rule is still stated first (the
    law is quoted beside it). Not when the specific rule says something else, nor for a rule not implementing it."""
    from dataclasses import replace

    words = replace(lexicon.gate_words, specific_rules={ZFCG: (COMPLAINTS,)})
    law = _hit(ZFCG, "第五十五条", "第五十五条 质疑供应商对采购人、采购代理机构的答复不满意或者采购人、采购代理机构未在规定的时间内"
               "作出答复的，可以在答复期满后十五个工作日内向同级政府采购监督管理部门投诉。", 1.0)
    rule = _hit(COMPLAINTS, "第十七条", QUESTION_17, 0.99)
    rule = rule.model_copy(update={"doc_type": "部门规章"})
    q = "供应商对质疑答复不满意怎么办？"
    assert build_extractive(q, [law, rule], words=words).text.startswith(f"答：依据《{COMPLAINTS}》第十七条")
    # without the lexicon's specific rules the better-ranked law comes first
    assert build_extractive(q, [law, rule], words=lexicon.gate_words).text.startswith(f"答：依据《{ZFCG}》第五十五条")
    # the specific rule's article on another matter does not take the lead (the two tie: nothing is stated)
    other = rule.model_copy(update={"text": "第十七条 投诉人应当在投诉有效期内提起投诉。"})
    assert COMPLAINTS not in build_extractive(q, [law, other], words=words).text.splitlines()[0]
