"""Is there enough evidence in the knowledge base to answer? (else an honest refusal)

Signals, measured on the dev questions in eval/dev/ (see bench/qa_bench.py --calibrate):
- `top_dense`: best cosine similarity (e5) of the question and a retrieved chunk;
- `coverage`: share of the question's key terms (jieba tokens minus question words) found in
  the best retrieved chunks — weather, passports or tax rates share almost no terms with
  procurement law even when the embedding finds "something";
- `direct`: the question names an article that exists (always answerable);
- named documents that the knowledge base does not hold (《招标投标法实施条例》 on the default
  KB, also written bare: 「刑法里…」「按必须招标的工程项目规定，…」) and years after the newest
  document (a "2030 new rule") are refused outright;
- other localities: the only local policy is 婺城区's plan, so a question asking for the policy,
  plan or standard of another place (「义乌市政府采购限额标准」) is refused (`other_locality`).

The words these signals read (domain terms, question words, synonyms, widely cited titles, places)
are data: the ``refusal`` section of ``knowledge_base/qa_lexicon.yaml`` (:class:`RefusalWords`),
passed as ``words``; callers that pass none get the shipped lexicon's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.qa.masking import strip_personal_data
from assistant.schema import DocumentMeta, Hit
from assistant.text_zh import article_label, is_cjk, normalize, tokenize

if TYPE_CHECKING:
    from assistant.kb import KnowledgeBase
    from assistant.qa.understanding import Lexicon, RefusalWords

#: Calibrated on eval/dev (default KB, e5-small-q4): `python bench/qa_bench.py calibrate`.
#: e5 cosines of unrelated Chinese questions are high (0.83-0.95), so the dense floor only
#: removes the worst; lexical evidence does the separating.
DENSE_THRESHOLD = 0.85
#: Share of key terms that must occur in the best three hits.
COVERAGE_THRESHOLD = 0.6
#: ... when the question also has terms the knowledge base never uses (离婚, 护照, 养老金).
COVERAGE_WITH_FOREIGN = 0.6
#: Refuse when at least this share of key terms occurs nowhere in the knowledge base.
FOREIGN_MAX = 0.5
#: Questions in the product's domain (they name one of the lexicon's ``refusal.domain_terms``) are scenario
#: questions in practice (「兄弟两人各自注册的公司能否同时参与…」): their wording rarely matches
#: the statute, so only a low lexical floor applies (measured on ../shared practitioner_qa).
COVERAGE_IN_DOMAIN = 0.2

#: A query of at most this many characters (punctuation aside) and no question word is a word typed
#: as into a search box (「保证金」「测试」), not a question: no article is stated as its answer.
KEYWORD_MAX_CHARS = 6

_ARTICLE_TOKEN = re.compile(r"^第[零〇一二两三四五六七八九十百千\d]+[条款项章节编]$")

_BOOK = re.compile(r"《([^《》]{2,60})》")
_BARE_NAME = re.compile(
    r"([\u4e00-\u9fa5]{2,24}?(?:实施条例|实施细则|条例|办法|细则|法))"
    r"(?=第|中|里|上|的|对|和|与|及|关于|有|是|规定|要求|怎|如何|说|讲|明确|还|现在|目前|最新|何时|什么时候|已|仍|可|能|吗|[，,。？?、\s]|$)"
)
#: Titles ending in 规定 (「必须招标的工程项目规定」) are only told from the verb 规定 when a
#: preposition introduces them: 「按必须招标的工程项目规定，…」.
_RULE_NAME = re.compile(r"(?:按照|按|根据|依据|依照|对照)([\u4e00-\u9fa5]{4,24}?(?:暂行规定|规定))(?=第|[，,。？?、\s]|$)")
#: Generic heads that make 「…规定」 a phrase, not a title (按有关规定, 根据国家规定, 按合同约定).
_RULE_GENERIC = re.compile(r"^(?:有关|相关|国家|法律|法规|上述|以上|本|该|这|那|其|合同|招标文件|采购文件|文件|政策|地方|当地|规章|上级|原|新)")
#: a preposition inside a bare name's match that introduces the name (what precedes it is the question's story)
_NAME_INTRO = re.compile(r"(?:根据|按照|依据|依照|对照|引用)")
_NAME_PREFIX = re.compile(r"^(?:和|与|及|、|根据|按照|按|依据|依照|对照|关于|请问|我国|国家|现行|新的|新版|最新的?|那么|那|在|的|这个|这部|这|该|此|上述)+")
_ORDER_NO = re.compile(r"(?:财政部|国务院|国家发展改革委|住房和城乡建设部)?\s*(?:令)?\s*第?\s*\d{1,4}\s*号令|[\u4e00-\u9fa5]{1,6}〔\d{4}〕\d{1,4}号")
_FORM_SUFFIXES = ("函", "承诺书", "授权书", "委托书", "申请书", "通知书", "报价单", "报价表", "一览表", "明细表", "格式", "模板")
_YEAR = re.compile(r"(20\d{2})\s*年")

_PROCESS_FILES = re.compile(r"(?:招标|投标|采购|响应|磋商|谈判|询价|资格预审)文件")


@dataclass(frozen=True)
class RefusalPolicy:
    """Thresholds; the dense one is only meaningful for the embedding model it was measured on."""

    dense_threshold: float | None = DENSE_THRESHOLD
    coverage_threshold: float = COVERAGE_THRESHOLD
    coverage_with_foreign: float = COVERAGE_WITH_FOREIGN
    foreign_max: float = FOREIGN_MAX
    coverage_in_domain: float = COVERAGE_IN_DOMAIN
    #: Hits whose text counts for coverage (out of domain / in domain).
    coverage_top: int = 3
    coverage_top_in_domain: int = 6
    #: the question lexicon (knowledge_base/qa_lexicon.yaml): its ``scope`` words and question
    #: markers decide `off_scope`; without it no question is out of scope by its words alone
    lexicon: Lexicon | None = None

    @property
    def words(self) -> RefusalWords:
        """The refusal check's words: the lexicon's, else the shipped lexicon's."""
        return self.lexicon.refusal_words if self.lexicon is not None else _words(None)

    @classmethod
    def for_embedding(cls, backend: str, override: float = 0.0, lexicon: Lexicon | None = None) -> RefusalPolicy:
        """Calibrated values for e5-small-q4; other models rely on lexical evidence unless overridden."""
        if override > 0:
            return cls(dense_threshold=override, lexicon=lexicon)
        if backend == "e5-small-q4":
            return cls(lexicon=lexicon)
        return cls(dense_threshold=None, lexicon=lexicon)


@dataclass
class Evidence:
    """The refusal decision with the numbers it was made on (recorded in answer metadata)."""

    sufficient: bool
    reason: str
    top_dense: float | None = None
    top_score: float | None = None
    coverage: float = 0.0
    key_terms: list[str] = field(default_factory=list)
    missing_terms: list[str] = field(default_factory=list)
    missing_documents: list[str] = field(default_factory=list)
    direct: bool = False
    foreign_terms: list[str] = field(default_factory=list)
    in_domain: bool = False
    other_places: list[str] = field(default_factory=list)
    local_documents: list[str] = field(default_factory=list)
    #: articles the question names that their document does not have: (title, 第N条, its last article)
    missing_articles: list[tuple[str, str, str]] = field(default_factory=list)
    #: topics the question names whose own rule the knowledge base lacks: (topic, the rule)
    uncovered_topics: list[tuple[str, str]] = field(default_factory=list)
    #: a word or two typed as into a search box, not a question (see KEYWORD_MAX_CHARS)
    keyword_query: bool = False
    #: repealed documents the question names whose successor the knowledge base holds: (name, successor title)
    replaced_documents: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sufficient": self.sufficient, "reason": self.reason, "top_dense": self.top_dense,
            "top_score": self.top_score, "coverage": round(self.coverage, 3), "key_terms": self.key_terms,
            "missing_terms": self.missing_terms, "missing_documents": self.missing_documents, "direct": self.direct,
            "foreign_terms": self.foreign_terms, "in_domain": self.in_domain, "other_places": self.other_places,
            "local_documents": self.local_documents, "missing_articles": [list(m) for m in self.missing_articles],
            "uncovered_topics": [list(t) for t in self.uncovered_topics], "keyword_query": self.keyword_query,
            "replaced_documents": [list(r) for r in self.replaced_documents],
        }


def _words(words: RefusalWords | None) -> RefusalWords:
    from assistant.qa.understanding import default_refusal_words

    return default_refusal_words() if words is None else words


def is_in_domain(question: str, words: RefusalWords | None = None) -> bool:
    """Does the question name a concept of tendering / procurement / contracts / construction?"""
    w = _words(words)
    text = _expand(normalize(question), w)
    return any(term in text for term in w.domain_terms)


#: a question word the tokenizer kept with its noun (「哪些项目」「什么条件」): the noun is the term
_ASKING_PREFIX = re.compile(r"^(?:哪些|哪个|哪种|哪类|哪几|什么|多少|何种)(?=..)")


def key_terms(question: str, words: RefusalWords | None = None) -> list[str]:
    """The subject words of a question (deduplicated, order kept)."""
    asked = _words(words).question_words
    tokens = [_ASKING_PREFIX.sub("", t) for t in tokenize(strip_personal_data(question))]
    terms = [t for t in tokens if t not in asked and not t.isdigit() and not _ARTICLE_TOKEN.match(t)]
    return list(dict.fromkeys(terms))


def _without(text: str, names: Sequence[str]) -> str:
    """``text`` with every one of ``names`` blanked out, longest first (a 文号 such as 婺区政发〔2025〕8号 cuts into
    several tokens, none of which the named document's own text carries)."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def _variants(term: str, words: RefusalWords) -> tuple[str, ...]:
    """The term, its statute form, its synonyms and, for a repealed document, the title of its successor."""
    successor = words.repealed_documents.get(term)
    return (term, _expand(term, words), *words.synonyms.get(term, ()), *((successor,) if successor else ()))


def _expand(term: str, words: RefusalWords) -> str:
    for short, full in words.short_forms.items():
        if short in term and full not in term:
            return term.replace(short, full)
    return term


def coverage(terms: list[str], hits: list[Hit], top: int = 3, words: RefusalWords | None = None) -> tuple[float, list[str]]:
    """Share of terms found (or a synonym found) in the best `top` hits, and the missing ones."""
    if not terms:
        return 1.0, []
    w = _words(words)
    haystack = normalize(" ".join(f"{h.title} {h.heading or ''} {h.text}" for h in hits[:top]))
    missing = [t for t in terms if not any(v in haystack for v in _variants(t, w))]
    return 1.0 - len(missing) / len(terms), missing


def named_documents(question: str, words: RefusalWords | None = None) -> list[str]:
    """Document names the question mentions: 《…》 titles and bare names ending in 法/条例/办法."""
    w = _words(words)
    text = normalize(question)
    # 《中小企业声明函》, 《投标函》: forms a tender asks for, not documents to answer from
    names = [m.group(1) for m in _BOOK.finditer(text) if not m.group(1).endswith(_FORM_SUFFIXES)]
    rest = _BOOK.sub(" ", text)
    for m in _BARE_NAME.finditer(rest):
        # the name after the last preposition that introduces it (「招标文件里还写依据合同法可以吗」 -> 合同法)
        name = _NAME_PREFIX.sub("", _NAME_INTRO.split(m.group(1))[-1])
        if re.search(r"第|条(?!例)|怎么|什么|如何|是否|哪些|可以|能否|应当|有关|的|对", name):
            continue
        if (
            len(name) >= 3
            and name not in ("办法", "规定", "方法", "做法", "说法", "合法", "违法", "依法", "非法", "立法", "执法", "司法")
            and not name.endswith(("方法", "做法", "说法", "合法", "违法", "依法", "非法", "想法", "看法", "用法", "写法", "算法", "执法",
                                   # evaluation methods, not documents (「综合评分法里价格分的权重」)
                                   # (「采用最低评标价法」 was refused as a document the knowledge base lacks)
                                   "评分法", "评标法", "评估法", "评审法", "优先法", "低价法", "标价法", "性价比法", "计分法",
                                   "打分法"))
        ):
            names.append(name)
    for m in _RULE_NAME.finditer(rest):
        name = m.group(1)
        if _RULE_GENERIC.match(name) or re.search(
            r"(?:法|条例|办法|细则|方案)(?:的|中的|里的|有关|相关)?(?:暂行)?规定$|的规定$|(?:人|方|单位|机构|部门|政府|企业|公司)规定$", name
        ):
            continue  # 「按招标投标法规定」: the law is the name, 规定 the verb
        names.append(name)
    for short in w.known_short_titles:
        if short in rest:  # 刑法典 / 刑法修正案 are not in the knowledge base either
            names.append(short)
    names += [t for t in w.known_titles if t in rest]
    names += [m.group(0).replace(" ", "") for m in _ORDER_NO.finditer(rest)]
    # a known long title also matches the bare rule as its own tail; keep the longest
    names = list(dict.fromkeys(names))
    return [n for n in names if not any(n != o and n in o and o.endswith(n) for o in names)]


def missing_documents(question: str, kb: KnowledgeBase, hits: Sequence[Hit] = (),
                      words: RefusalWords | None = None) -> tuple[list[str], list[str]]:
    """(known, missing) document names mentioned in the question.

    A name that the retrieved text itself mentions (the reform plan cites 「评标专家管理办法」)
    is not "missing": the knowledge base does discuss it, the evidence check decides. The review
    catalogue (审查要点) does not count: its basis lines name regulations the KB may not hold
    (政府采购法实施条例 on the default KB), and answering from them would pass the catalogue off
    as the regulation.
    """
    from assistant.citations import canonical_title
    from assistant.titles import static_aliases

    known, missing = [], []
    seen_text = normalize(" ".join(h.text for h in hits[:6] if h.doc_type != "审查要点"))
    titles: list[str] | None = None
    bundled = static_aliases(getattr(kb, "kb_dir", None))
    w = _words(words)
    for name in named_documents(question, w):
        if kb.resolve_title(name) is not None or _successor(name, kb, w) is not None:
            known.append(name)
            continue
        if canonical_title(name, bundled) is not None:
            # a catalogued document the knowledge base does not hold (a bundled law the user removed):
            # neither a longer title containing the name (招标投标法实施条例) nor a hit citing it stands in
            missing.append(name)
            continue
        if name in seen_text:
            known.append(name)
            continue
        if titles is None:
            titles = []
            for meta in kb.list_documents(include_superseded=False):
                titles.append(meta.title)
                titles.extend(meta.aliases)
        if any(name in t or (len(t) >= 4 and t in name and not name.startswith(t)) for t in titles):
            known.append(name)
        else:
            missing.append(name)
    return known, missing


def replaced_documents(question: str, kb: KnowledgeBase, words: RefusalWords | None = None) -> list[tuple[str, str]]:
    """(name, successor title) for each repealed document the question names whose successor the knowledge base
    holds (「合同法规定的违约责任」: 合同法 was replaced by the 民法典): the question is answered from the current
    rules, not refused as asking about a document the knowledge base lacks."""
    w = _words(words)
    return _replaced(named_documents(question, w), kb, w)


def _replaced(names: Sequence[str], kb: KnowledgeBase, words: RefusalWords) -> list[tuple[str, str]]:
    """(name, successor title) for the repealed documents among ``names``, one per successor."""
    out: list[tuple[str, str]] = []
    for name in names:
        if (title := _successor(name, kb, words)) is not None and title not in [t for _, t in out]:
            out.append((name, title))
    return out


def _successor(name: str, kb: KnowledgeBase, words: RefusalWords) -> str | None:
    """The knowledge-base title of the document that replaced the repealed ``name`` (None: not repealed, or the
    knowledge base lacks its successor too)."""
    successor = words.repealed_documents.get(name)
    return kb.title_of(successor) if successor else None


def replaced_document_lines(ev: Evidence, answered: bool = True) -> list[str]:
    """「《合同法》已被废止，现行规定见《中华人民共和国民法典》……」 for each repealed document the question names
    (``answered``: the answer that follows rests on the current rules)."""
    then = "；以下依据现行规定作答。" if answered else "。"
    return [f"{_book(name)}已被废止，现行规定见《{title}》，条号与原文件不同{then}" for name, title in ev.replaced_documents]


_DOC_NUMBER = re.compile(r"（[^（）]*(?:号|令)[^（）]*）$")


def uncovered_topics(question: str, hits: Sequence[Hit], kb: KnowledgeBase,
                     words: RefusalWords | None = None) -> list[tuple[str, str]]:
    """(topic, rule) for each topic of ``topic_documents`` the question names whose own rule the knowledge
    base does not hold and no retrieved article is about (「竞争性磋商…最少几天？」 must not be answered with
    竞争性谈判's 3 working days); one per rule."""
    w = _words(words)
    text = normalize(question)
    seen = normalize(" ".join(h.text for h in hits[:6] if h.doc_type != "审查要点"))
    out: list[tuple[str, str]] = []
    for topic, rule in w.topic_documents.items():
        if (_about(topic, text) and not _about(topic, seen) and rule not in [r for _, r in out]
                and kb.resolve_title(_DOC_NUMBER.sub("", rule)) is None):
            out.append((topic, rule))
    return out


#: the words around a term named only as one item of a list (「竞争性谈判小组、询价小组或者竞争性磋商小组」)
_LIST_BEFORE = ("、", "或者", "以及", "或", "和", "及")
#: verbs ending in 及 (「现在涉及代理服务费支付的问题」): what follows is their object, not a list item
_VERBS_IN_JI = ("涉及", "提及", "论及", "顾及", "波及", "危及", "普及")
_LIST_AFTER = re.compile(r"[\u4e00-\u9fff]{0,2}、")


def _about(topic: str, text: str) -> bool:
    """Whether ``text`` is about ``topic`` rather than naming it in a list of others: 94号令第十四条 lists
    竞争性磋商小组 among the groups that may help answer a challenge, which is no rule of 竞争性磋商, and a
    question about 「竞争性谈判、竞争性磋商、询价等」 asks about all non-tender methods, not about 磋商."""
    for m in re.finditer(re.escape(topic), text):
        before = text[:m.start()]
        listed = ((before.endswith(_LIST_BEFORE) and not before.endswith(_VERBS_IN_JI))
                  or _LIST_AFTER.match(text, m.end()) is not None)
        if not listed:
            return True
    return False


def _rule_book(rule: str) -> str:
    """「《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）」 for a ``topic_documents`` rule."""
    title = _DOC_NUMBER.sub("", rule)
    return f"《{title}》{rule[len(title):]}"


def uncovered_topic_lines(ev: Evidence) -> list[str]:
    """「知识库未收录专门规定竞争性磋商的《…》……」 for each topic whose own rule the knowledge base lacks."""
    return [f"知识库未收录专门规定{topic}的{_rule_book(rule)}，以下条文不是该文件的规定，可能不适用于{topic}，请以该文件为准。"
            for topic, rule in ev.uncovered_topics]


_LOCAL_ISSUER = re.compile(r"[\u4e00-\u9fff]{1,8}(?:省|市|自治区|区|县)(?:人民|政府|财政|发展|住房|公共资源)")


def local_documents(kb: KnowledgeBase | None) -> list[DocumentMeta]:
    """Current documents of a local authority (地方性法规, a province/city/district's own files)."""
    if kb is None:
        return []
    return [m for m in kb.list_documents(include_superseded=False)
            if m.doc_type == "地方性法规" or _LOCAL_ISSUER.search(m.issuer or "") or _LOCAL_ISSUER.search(m.title)]


def home_place_lines(question: str, cited: Sequence[Hit], kb: KnowledgeBase | None,
                     words: RefusalWords | None = None) -> list[str]:
    """For an answer that states no article: 「知识库收录的浙江地方文件只有《浙江省招标投标条例》，未收录浙江省
    财政厅等部门的地方规范性文件……」 for each home place the question names whose documents quote nothing."""
    w = _words(words)
    text = normalize(question)
    lines = []
    for place, lacking in w.home_places.items():
        held = [m.title for m in local_documents(kb) if place in m.title or place in (m.issuer or "")]
        if place in text and not any(h.title in held for h in cited):
            lines.append((f"知识库收录的{place}地方文件只有{'、'.join(_book(t) for t in held)}，" if held else "")
                         + f"未收录{lacking}；以下国家规定仅供参考，当地另有规定的，以当地文件为准。")
    return lines


def other_localities(question: str, kb: KnowledgeBase | None = None, words: RefusalWords | None = None) -> list[str]:
    """Places whose own local policy the question asks about and the knowledge base does not hold.

    A place that only qualifies the project (「杭州的供应商来婺城投标…」) is not enough: the
    question must also ask for a policy document, a standard or a plan. A place named in the
    title or issuer of a document in the knowledge base is not refused (the user imported it).
    """
    w = _words(words)
    text = normalize(question)
    places = [p for p in w.other_places if p in text]
    if not places:
        return []
    asked = _PROCESS_FILES.sub(" ", text)
    if not any(word in asked for word in w.local_policy_words):
        return []
    if kb is not None:
        docs = kb.list_documents(include_superseded=False)
        places = [p for p in places if not any(p in m.title or p in (m.issuer or "") for m in docs)]
    return places


def _mentions(term: str, text: str, tokens: set[str]) -> bool:
    """A word counts when it is a token of the question; phrases of four or more characters anywhere."""
    return term in tokens or (len(term) >= 4 and term in text)


def off_scope(question: str, p: RefusalPolicy) -> str | None:
    """Why a question is outside procurement law by its words alone (None when it is not).

    ``off_topic``: a company buyer's daily work or the market (交期, 采购员, 订单, 市场价) with no
    word of procurement / tendering law; ``information_request``: a request for news, project
    lists or prices (「最近的…项目」) that neither asks a question nor uses a legal term.
    """
    lex = p.lexicon
    if lex is None:
        return None
    text = normalize(question)
    # a legal word inside a request for listings is no legal question (「最新…的中标信息」)
    bare = text
    for t in lex.information_terms:
        bare = bare.replace(t, " ")
    if any(t in bare for t in lex.legal_terms) or named_documents(question, lex.refusal_words) or "规定" in text:
        return None
    tokens = set(tokenize(text))
    if any(_mentions(t, text, tokens) for t in lex.off_topic_terms):
        return "off_topic"
    if any(t in text for t in lex.information_terms) and not any(m in text for m in lex.question_markers):
        return "information_request"
    return None


def is_keyword_query(question: str, lexicon: Lexicon | None) -> bool:
    """A bare word or two (「保证金」「测试」): no question word and at most KEYWORD_MAX_CHARS characters."""
    if lexicon is None:
        return False
    text = re.sub(r"[\W_]+", "", normalize(question))
    return 0 < len(text) <= KEYWORD_MAX_CHARS and not any(m in question for m in lexicon.question_markers)


def keyword_lines(question: str, ev: Evidence) -> list[str]:
    """The first line of an answer to a bare word: the articles follow, none stated as the answer."""
    if not ev.keyword_query:
        return []
    return [f"「{question.strip()}」不是完整的问题，因此不直接作答；以下是知识库中与之最相关的条文。"
            f"{ASK_FULL_QUESTION}"]


def future_years(question: str, hits: list[Hit], today: date | None = None) -> list[int]:
    """Years after this year that no retrieved document mentions (a policy that does not exist yet)."""
    this_year = (today or date.today()).year
    years = [int(y) for y in _YEAR.findall(normalize(question))]
    seen = " ".join(f"{h.title} {h.text}" for h in hits)
    return [y for y in years if y > this_year and str(y) not in seen]


def assess(
    question: str, hits: list[Hit], kb: KnowledgeBase, today: date | None = None, policy: RefusalPolicy | None = None
) -> Evidence:
    """Decide whether the hits are a sufficient basis for answering `question`."""
    p = policy or RefusalPolicy()
    w = p.words
    top_dense = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
    top_score = hits[0].score if hits else None
    terms = key_terms(question, w)
    in_domain = is_in_domain(question, w)
    known, missing_docs = missing_documents(question, kb, hits, w)
    # a document the question names by a name its articles do not carry (「87号令适用于哪些项目」) is no term to find in them
    # (unless it is all the question names); in-domain wording rarely matches the statute, and the right article
    # often ranks 4th-6th
    sought = key_terms(_without(normalize(question), known), w) or terms
    cov, missing_terms = coverage(sought, hits, top=p.coverage_top_in_domain if in_domain else p.coverage_top, words=w)
    direct = any("direct" in h.via for h in hits)
    vocab = corpus_text(kb)
    # a document the knowledge base holds is no foreign word, though its articles never write its name (「87号令」)
    foreign = [t for t in missing_terms
               if t not in known and vocab is not None and not any(v in vocab for v in _variants(t, w))]
    ev = Evidence(False, "", top_dense, top_score, cov, terms, missing_terms, missing_docs, direct, foreign, in_domain)
    ev.uncovered_topics = uncovered_topics(question, hits, kb, w)
    # the names missing_documents read: every repealed one with a successor in the knowledge base counts as known
    ev.replaced_documents = _replaced(known, kb, w)
    ev.keyword_query = is_keyword_query(question, p.lexicon)
    foreign_share = len(foreign) / len(terms) if terms else 0.0
    # a passage found by a word of its document's own (「三分离是指什么」「评定分离」: the plan's 696-character section) is
    # what the question asks about, however far the embedding of a short question is from a long passage; a word alone
    # is answered as one of the domain's (the passages listed, no statement)
    by_own_word = any("term" in h.via for h in hits)
    if in_domain:
        needed = p.coverage_in_domain
    else:
        needed = p.coverage_with_foreign if foreign else p.coverage_threshold
    if reason := _outright(question, hits, kb, today, ev, known, w):
        ev.reason = reason
    elif direct:
        ev.sufficient, ev.reason = True, "direct_article"
    elif why := off_scope(question, p):
        ev.reason = why
    elif not terms:
        # question words alone (「是否可以？」「有哪些情形？」「第三条是什么」): nothing says what is asked about
        ev.reason = "not_a_question"
    elif ev.keyword_query and not in_domain and not by_own_word:
        ev.reason = "not_a_question"
    elif not in_domain and foreign_share >= p.foreign_max:
        ev.reason = "terms_not_in_kb"
    elif p.dense_threshold is not None and top_dense is not None and top_dense < p.dense_threshold and not by_own_word:
        ev.reason = "low_similarity"
    elif cov < needed:
        ev.reason = "low_coverage"
    else:
        ev.sufficient, ev.reason = True, "evidence"
    return ev


def _outright(question: str, hits: list[Hit], kb: KnowledgeBase, today: date | None, ev: Evidence,
              known: list[str], words: RefusalWords) -> str | None:
    """Reasons to refuse whatever the evidence: nothing found, a document or place the KB lacks, a future year."""
    ev.missing_articles = missing_articles(question, kb)
    if ev.missing_articles and not ev.direct:
        return "article_not_found"
    if not hits:
        return "no_hits"
    if ev.missing_documents and not known and not ev.direct:
        return "document_not_in_kb"
    if ev.uncovered_topics and not ev.direct:
        # a procedure with a rule of its own that the knowledge base lacks: no other rule stands in for it
        return "topic_not_in_kb"
    if places := other_localities(question, kb, words):
        ev.other_places = places
        ev.local_documents = [m.title for m in local_documents(kb)]
        return "other_locality"
    if future_years(question, hits, today):
        return "future_policy"
    return None


def missing_articles(question: str, kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """Articles the question names (「招标投标法第九十九条」) of a document the knowledge base holds,
    which that document does not have: (title, the article asked, the document's last article)."""
    from assistant.citations import find_article_refs, resolve_ref

    out: list[tuple[str, str, str]] = []
    for ref in find_article_refs(question, kb.alias_map()):
        meta = kb.resolve_title(ref.title or ref.raw_title)
        if meta is None or meta.structure != "articles" or resolve_ref(ref, kb) is not None:
            continue
        numbers = [c.article_no for c in kb.doc_chunks(meta.doc_id) if c.article_no]
        if numbers and (meta.title, ref.article) not in [(t, a) for t, a, _ in out]:
            out.append((meta.title, ref.article, article_label(max(numbers))))
    return out


_vocab_cache: dict[int, tuple[str, str]] = {}


def corpus_text(kb: KnowledgeBase) -> str | None:
    """All chunk text of the current knowledge-base generation (cached per generation).

    Used to tell words the knowledge base never uses (护照, 离婚) from words it uses elsewhere.
    """
    getter = getattr(kb, "generation", None)
    gen = getter() if callable(getter) else None
    chunks = getattr(gen, "chunks", None)
    if gen is None or not isinstance(chunks, dict):
        return None
    name = str(getattr(gen, "name", id(gen)))
    cached = _vocab_cache.get(id(kb))
    if cached and cached[0] == name:
        return cached[1]
    text = normalize("\n".join(f"{c.title} {c.heading or ''} {c.text}" for c in chunks.values()))
    _vocab_cache[id(kb)] = (name, text)
    return text


#: a question with no Chinese at all (report 5b, D10: English questions got only English stop words as hints)
ASK_IN_CHINESE = "请用中文提问：知识库收录的是中文法律法规，检索按中文词语进行。"

def refusal_flag(reason: str) -> str:
    """The flag a refusal for ``reason`` carries in ``Answer.flags`` (「refused:low_coverage」)."""
    return f"refused:{reason}"


#: A bare word outside the domain (「测试」): the user is asked for a question rather than told the KB lacks a basis.
NOT_A_QUESTION_FLAG = refusal_flag("not_a_question")

#: How to ask instead of typing a bare word.
ASK_FULL_QUESTION = "请说明具体情形后再问，例如「投标保证金最多可以收多少？」「中标候选人放弃中标后怎么办？」。"

#: The explanation shown for refusals whose reason needs no details.
REASON_LINES = {
    "future_policy": "问题涉及的年份晚于知识库中现有文件，知识库中没有相应政策。",
    "off_topic": "该问题不属于招标投标、政府采购法律法规的范围（如企业日常采购管理、市场行情、劳动用工、税务等），知识库无法回答。",
    "information_request": "知识库只收录法律法规和政策文件，没有项目公告、中标结果或市场价格等信息，请到相应的公共资源交易平台查询。",
    "article_not_found": "请核对条号；如需查阅相关内容，可去掉条号直接描述问题。",
}


def refusal_text(question: str, ev: Evidence, hits: list[Hit]) -> str:
    """The refusal shown to the user: no basis, what was searched, what to add."""
    if ev.reason == "not_a_question":
        lines = [f"「{question.strip()}」不是一个完整的问题，无法判断您想了解什么，因此不作回答。{ASK_FULL_QUESTION}"]
    else:
        lines = missing_article_lines(ev) or ["知识库中没有找到回答该问题的依据，为避免误导，不作推测性回答。"]
    if not any(is_cjk(ch) for ch in question) and re.search(r"[A-Za-z]", question):
        lines.append(ASK_IN_CHINESE)
    lines += _scope_lines(ev)
    if ev.reason in REASON_LINES:
        lines.append(REASON_LINES[ev.reason])
    lines.append(f"已检索的问题：「{question}」")
    if ev.key_terms:
        lines.append("检索关键词：" + "、".join(ev.key_terms[:8]))
        if ev.foreign_terms:
            lines.append("知识库中没有出现的词：" + "、".join(ev.foreign_terms[:8]))
        elif ev.missing_terms and ev.reason in ("low_coverage", "low_similarity", "no_hits"):
            lines.append("最接近的条文中未出现：" + "、".join(ev.missing_terms[:8]))
    if hits and ev.reason not in ("no_hits", "article_not_found", "not_a_question"):
        near = "；".join(
            f"《{h.title}》{h.article or (h.heading or '')}" for h in hits[:3]
        )
        lines.append(f"最接近的条文（相关度不足，仅供参考，不作为依据）：{near}")
    if ev.reason not in ("article_not_found", "not_a_question"):
        target = "、".join([*(_book(n) for n in ev.missing_documents),
                            *(_rule_book(r) for r in dict.fromkeys(r for _, r in ev.uncovered_topics))]) or (
            f"{'、'.join(ev.other_places)}的相关政策文件" if ev.other_places else "相关法规、规章或政策文件"
        )
        lines.append(f"建议：可在知识库页面导入{target}后再问，或换用更具体的招投标、政府采购术语提问。")
    return "\n".join(lines)


def _scope_lines(ev: Evidence) -> list[str]:
    """What the knowledge base lacks: the documents the question names, the place's own files."""
    lines = replaced_document_lines(ev, answered=False)
    if ev.reason == "document_not_in_kb" and ev.missing_documents:
        names = "、".join(_book(n) for n in ev.missing_documents)
        lines.append(f"知识库中没有收录{names}，无法依据该文件回答，也不会用其他文件代替作答。")
    elif ev.missing_documents:
        names = "、".join(_book(n) for n in ev.missing_documents)
        lines.append(f"问题提到的{names}不在知识库中。")
    if ev.reason == "topic_not_in_kb":
        lines += [f"{topic}由{_rule_book(rule)}专门规定，知识库没有收录该文件，"
                  "无法依据该文件回答，也不会用其他文件的条文代替作答。" for topic, rule in ev.uncovered_topics]
    if ev.reason == "other_locality" and ev.other_places:
        places = "、".join(ev.other_places)
        held = "、".join(_book(t) for t in ev.local_documents)
        lines.append(
            (f"知识库中的地方文件只有{held}，" if held else "知识库中没有地方文件，")
            + f"没有收录{places}的地方规定或政策文件；"
            "这些地方文件不适用于其他地区，国家法律的规定仅供参考，不能代替当地文件。"
        )
    return lines


def missing_article_lines(ev: Evidence) -> list[str]:
    """「知识库收录的《招标投标法》条文至第六十八条为止，没有第九十九条。」 for each article asked that does not exist."""
    return [f"知识库收录的《{title}》条文至{last}为止，没有{asked}。" for title, asked, last in ev.missing_articles]


def _book(name: str) -> str:
    """《title》 for titles; order numbers and 文号 (87号令, 财库〔2019〕38号) stay bare."""
    return name if _ORDER_NO.fullmatch(name) else f"《{name}》"
