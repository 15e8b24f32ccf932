"""Questions about a document itself (in force? since when? which version?) are answered from its record."""

from __future__ import annotations

import pytest

from assistant.qa.doc_status import asked_document, names_no_document, repealed_in_kb
from assistant.qa.understanding import Lexicon, shipped_lexicon_path
from assistant.schema import Chunk, DocumentMeta

NAMES = {"87号令": "政府采购货物和服务招标投标管理办法", "政府采购货物和服务招标投标管理办法": "政府采购货物和服务招标投标管理办法",
         "招标投标法": "中华人民共和国招标投标法", "招标投标法实施条例": "中华人民共和国招标投标法实施条例",
         "中华人民共和国招标投标法实施条例": "中华人民共和国招标投标法实施条例", "财政部18号令": "财政部18号令"}


@pytest.fixture(scope="module")
def status_words() -> tuple[str, ...]:
    return Lexicon.load(shipped_lexicon_path()).status_words


@pytest.mark.parametrize(("question", "name"), [
    ("87号令现在还有效吗？", "87号令"),
    ("招标投标法实施条例最新是哪一年修订的？", "招标投标法实施条例"),  # the longest name, not 招标投标法
    ("请问财政部18号令是否已经废止？", "财政部18号令"),
    ("招标投标法什么时候施行的", "招标投标法"),
])
def test_a_status_question_names_its_document(status_words, question, name) -> None:
    assert asked_document(question, NAMES, status_words) == name


@pytest.mark.parametrize("question", [
    "87号令适用于哪些项目？",  # its scope, not its status
    "87号令第十条还有效吗？",  # an article
    "依据87号令修改招标文件的期限是多久？",  # 修改 the tender, not the order
    "投标有效期过期了怎么办？",  # no document
    "按招标投标法，投标文件送达后招标人签收，投标有效期从什么时候起算？",  # the status word in another clause
    "87号令和招标投标法实施条例还有效吗？",  # two documents
])
def test_other_questions_are_not_status_questions(status_words, question) -> None:
    assert asked_document(question, NAMES, status_words) is None


def test_a_name_inside_another_documents_name_is_not_that_document(status_words) -> None:
    """劳动合同法 ends in 合同法 but is another law (in force): not answered as the repealed 合同法."""
    names = {**NAMES, "合同法": "合同法"}
    assert asked_document("劳动合同法还有效吗？", names, status_words, others=["劳动合同法"]) is None
    assert asked_document("合同法还有效吗？", names, status_words) == "合同法"


@pytest.mark.parametrize(("question", "bare"), [
    ("还有效吗", True), ("这个文件还有效吗？", True), ("《》是否现行有效", True),
    ("87号令还有效吗", False), ("合同有效吗", False), ("投标有效期是多少天", False),
])
def test_a_status_question_with_no_document_is_told_apart(status_words, question, bare) -> None:
    assert names_no_document(question, status_words) is bare


@pytest.mark.integration
def test_a_status_question_naming_no_document_asks_which(real_services) -> None:
    """「还有效吗」 was answered with 行政许可法第四十一条 (an article that says 有效): now the user is asked which document."""
    answer = real_services.qa.ask("还有效吗")
    assert answer.refused and answer.flags == ["refused:not_a_question"] and not answer.citations
    assert "没有说明是哪份文件" in answer.answer


@pytest.mark.integration
def test_a_law_the_kb_lacks_is_not_answered_from_a_repealed_name_inside_it(real_services) -> None:
    answer = real_services.qa.ask("劳动合同法还有效吗？")
    assert "document_status" not in answer.flags and "已被废止" not in answer.answer


@pytest.mark.integration
def test_a_regulation_in_force_from_its_publication_takes_that_date(real_services) -> None:
    """建设工程质量管理条例第八十二条: 「本条例自发布之日起施行。」 (2000年1月30日)."""
    answer = real_services.qa.ask("建设工程质量管理条例什么时候施行的？")
    assert answer.answer.startswith("答：《建设工程质量管理条例》（国务院令第279号）现行有效，自2000年1月30日起施行，")
    assert [(c.title, c.article) for c in answer.citations] == [("建设工程质量管理条例", "第八十二条")]


@pytest.mark.integration
def test_a_current_regulation_is_answered_from_its_record_and_its_in_force_article(real_services) -> None:
    answer = real_services.qa.ask("招标投标法实施条例最新是哪一年修订的？")
    assert answer.flags == ["document_status"] and not answer.refused
    assert answer.answer.startswith("答：《中华人民共和国招标投标法实施条例》（国务院令第613号）现行有效，自2012年2月1日起施行，"
                                    "知识库收录的是2019年3月2日的版本。[1]")
    assert "三次修订" in answer.answer  # the record's note on its versions
    [cite] = answer.citations
    assert (cite.title, cite.article, cite.key_sentence) == ("中华人民共和国招标投标法实施条例", "第八十四条", "本条例自2012年2月1日起施行。")


@pytest.mark.integration
def test_a_repealed_order_is_answered_with_the_article_that_repealed_it(real_services) -> None:
    answer = real_services.qa.ask("财政部18号令还有效吗？")
    assert answer.flags == ["document_status"] and not answer.refused
    assert answer.answer.startswith("答：财政部18号令已被废止，现行规定见《政府采购货物和服务招标投标管理办法》（财政部令第87号）")
    [cite] = answer.citations
    assert (cite.title, cite.article) == ("政府采购货物和服务招标投标管理办法", "第八十八条")
    assert "（财政部令第18号）同时废止" in cite.key_sentence


@pytest.mark.integration
def test_a_repealed_law_is_answered_with_the_civil_codes_final_article(real_services) -> None:
    """合同法 was repealed by the 民法典's 附则 (第一千二百六十条), which the knowledge base ships beside the contract book."""
    answer = real_services.qa.ask("合同法还有效吗？")
    assert answer.answer.startswith("答：《合同法》已被废止，现行规定见《中华人民共和国民法典》")
    [cite] = answer.citations
    assert (cite.title, cite.article) == ("中华人民共和国民法典", "第一千二百六十条")
    assert "《中华人民共和国合同法》" in cite.key_sentence and "同时废止" in cite.key_sentence


@pytest.mark.integration
def test_a_repealed_rule_whose_repeal_the_kb_lacks_cites_nothing(real_services) -> None:
    """国家计委3号令 was repealed when 16号令 came into force, which no article of 16号令 says: said, never cited."""
    answer = real_services.qa.ask("工程建设项目招标范围和规模标准规定还有效吗？")
    assert answer.answer.startswith("答：《工程建设项目招标范围和规模标准规定》已被废止，现行规定见《必须招标的工程项目规定》")
    assert answer.citations == []


@pytest.mark.integration
def test_a_plan_with_no_in_force_article_is_told_by_its_record_only(real_services) -> None:
    """The district's plan is issued by a notice and says nothing of 施行: no date of 施行 is made up."""
    answer = real_services.qa.ask("婺城区招标投标领域治理改革方案还有效吗？")
    assert answer.answer.startswith("答：据知识库的文件记录，《婺城区招标投标领域治理改革方案(2025-2027年)》（婺区政发〔2025〕8号）现行有效")
    assert "施行" not in answer.answer.splitlines()[0] and answer.citations == []


class _RepealingKB:
    """Two documents in force whose last articles repeal others, and one superseded that repeals a third."""

    def __init__(self) -> None:
        self.docs = [
            DocumentMeta(doc_id="a", title="政府采购货物和服务招标投标管理办法", doc_type="部门规章"),
            DocumentMeta(doc_id="b", title="政府采购促进中小企业发展管理办法", doc_type="规范性文件"),
            DocumentMeta(doc_id="c", title="某旧办法", doc_type="部门规章", status="已废止"),
        ]
        self.chunks = {
            "a": [Chunk(chunk_id="a1", doc_id="a", title="政府采购货物和服务招标投标管理办法", article="第八十八条",
                        text="第八十八条 本办法自2017年10月1日起施行。财政部2004年8月11日发布的《政府采购货物和服务招标投标管理办法》"
                             "（财政部令第18号）同时废止。")],
            "b": [Chunk(chunk_id="b1", doc_id="b", title="政府采购促进中小企业发展管理办法", article="第二十五条",
                        text="第二十五条 本办法自2021年1月1日起施行。《财政部 工业和信息化部关于印发〈政府采购促进中小企业发展暂行办法〉"
                             "的通知》（财库〔2011〕181号）同时废止。"),
                  Chunk(chunk_id="b2", doc_id="b", title="政府采购促进中小企业发展管理办法", article="第二十四条",
                        text="第二十四条 各地应当及时清理废止与本办法不一致的规定。")],
            "c": [Chunk(chunk_id="c1", doc_id="c", title="某旧办法", article="第九条", text="第九条 《某更旧办法》同时废止。")],
        }

    def list_documents(self, include_superseded: bool = True) -> list[DocumentMeta]:
        return [d for d in self.docs if include_superseded or d.is_current]

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return self.chunks[doc_id]

    def resolve_title(self, name: str) -> DocumentMeta | None:
        return next((d for d in self.docs if d.title == name), None)

    def title_of(self, name: str) -> str | None:
        meta = self.resolve_title(name)
        return meta.title if meta else None


def test_the_documents_an_article_repeals_are_read_from_the_kb() -> None:
    """Every name of a repealed document (its title, the title a 通知 印发, its number) -> the repealing document; not
    the title of a document the knowledge base holds (87号令 repeals the 2004 rule of the same title), not an article
    that only asks for rules to be cleared away, not what a repealed document repealed."""
    aliases = {"87号令": "政府采购货物和服务招标投标管理办法", "政府采购货物和服务招标投标管理办法": "政府采购货物和服务招标投标管理办法"}
    found = repealed_in_kb(_RepealingKB(), aliases)
    assert found == {
        "财政部令第18号": "政府采购货物和服务招标投标管理办法",
        "财政部 工业和信息化部关于印发〈政府采购促进中小企业发展暂行办法〉的通知": "政府采购促进中小企业发展管理办法",
        "政府采购促进中小企业发展暂行办法": "政府采购促进中小企业发展管理办法",
        "财库〔2011〕181号": "政府采购促进中小企业发展管理办法",
    }


@pytest.mark.integration
@pytest.mark.parametrize(("question", "head", "cited"), [
    ("担保法还有效吗？", "答：《担保法》已被废止，现行规定见《中华人民共和国民法典》", ("中华人民共和国民法典", "第一千二百六十条")),
    ("财库〔2011〕181号还有效吗", "答：财库〔2011〕181号已被废止，现行规定见《政府采购促进中小企业发展管理办法》",
     ("政府采购促进中小企业发展管理办法", "第二十五条")),
    ("政府采购供应商投诉处理办法现在还适用吗？", "答：《政府采购供应商投诉处理办法》已被废止，现行规定见《政府采购质疑和投诉办法》",
     ("政府采购质疑和投诉办法", "第四十五条")),
])
def test_a_document_whose_repeal_an_article_states_is_answered_with_that_article(real_services, question, head,
                                                                                cited) -> None:
    """No lexicon entry names 担保法 or 财库〔2011〕181号: the article of the knowledge base that repealed them does."""
    answer = real_services.qa.ask(question)
    assert answer.flags == ["document_status"] and answer.answer.startswith(head)
    [cite] = answer.citations
    assert (cite.title, cite.article) == cited and "废止" in cite.key_sentence
