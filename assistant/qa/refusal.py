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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.qa.masking import strip_personal_data
from assistant.schema import DocumentMeta, Hit
from assistant.text_zh import normalize, tokenize

if TYPE_CHECKING:
    from assistant.kb import KnowledgeBase
    from assistant.qa.understanding import Lexicon

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
#: Questions in the product's domain (they name a procurement/tender concept) are scenario
#: questions in practice (「兄弟两人各自注册的公司能否同时参与…」): their wording rarely matches
#: the statute, so only a low lexical floor applies (measured on ../shared practitioner_qa).
COVERAGE_IN_DOMAIN = 0.2

#: Concepts of the product's domain (tendering, government procurement, contracts, construction).
DOMAIN_TERMS = tuple(
    ["招标", "投标", "招投标", "中标", "评标", "开标", "唱标", "废标", "流标", "标书", "采购", "供应商", "代理机构", "磋商", "谈判", "询价", "单一来源", "框架协议", "质疑", "投诉", "保证金", "履约", "评审", "评分", "资格", "资质", "业绩", "专家", "中小企业", "小微企业", "监狱企业", "残疾人福利", "价格扣除", "预留", "报价", "限价", "预算", "合同", "分包", "转包", "发包", "承包", "施工", "监理", "建设工程", "货物", "样品", "澄清", "更正公告", "串通", "围标", "串标", "排斥", "歧视", "公平竞争", "营商环境", "行政许可", "垄断", "不正当竞争", "贿赂", "定金", "违约金", "交易平台", "公共资源", "联合体", "中标通知书", "标的", "竞争对手", "竞争者", "经营者", "诋毁", "商誉", "虚假宣传", "商业秘密", "混淆", "涨价", "提价", "定价", "垄断协议", "市场支配", "情势变更", "解除合同", "违约", "本地企业", "外地企业", "地方保护", "市场准入"]
)

#: Colloquial words -> the statute's wording (商业诋毁, 垄断协议, 情势变更 are rarely named as such):
#: a key term counts as covered when one of its alternatives occurs in the evidence.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "竞争对手": ("竞争对手", "竞争者", "经营者"), "散布": ("传播", "编造"), "虚假信息": ("虚假信息", "误导性信息"),
    "涨价": ("价格",), "提价": ("价格",), "定价": ("价格",), "约好": ("协议", "约定", "协同"), "私下": ("串通", "协同", "协议"),
    "商誉": ("商业信誉", "商品声誉"), "诋毁": ("商业信誉", "损害"), "本地": ("本地", "地域", "地区", "外地"),
    "外地": ("外地", "地域", "地区", "本地"), "优先": ("优先", "排斥", "歧视", "差别待遇"),
    "变化": ("变化", "变更"),
}

#: Words of the question itself, not of its subject.
QUESTION_WORDS = frozenset(
    ["什么", "哪些", "哪个", "怎么", "怎样", "怎么办", "如何", "是否", "可以", "能否", "能不能", "可不可以", "需要", "需不需要", "应该", "应当", "必须", "规定", "要求", "问题", "情况", "多少", "多久", "几天", "几个", "有关", "相关", "关于", "法律", "法规", "条文", "条款", "依据", "根据", "按照", "知识库", "有没有", "是不是", "请问", "一下", "介绍", "具体", "内容", "方面", "主要", "哪里", "谁", "吗", "呢", "吧", "啊", "说", "讲", "里", "中", "对", "和", "与", "及", "的", "了", "在", "是", "有", "会", "要", "能", "该", "这", "那", "这个", "那个", "这些", "那些", "我", "我们", "你", "现在", "目前", "一般", "通常", "第", "条", "款", "项", "方面", "中国", "我国", "国家", "意思", "天", "多少天", "多长时间", "多久", "时候", "时间内", "别人", "他人", "什么样", "还是", "或者", "以及", "内要", "最短要", "怎么样", "问", "答", "怎么处理", "处理", "情形", "情况下", "时", "后", "前", "之前", "之后", "期间", "属于", "算", "算不算", "违规", "合规", "合法",
     # function words of a practitioner's story (measured on eval/dev/real_qa_dev.jsonl: long narrative
     # questions were refused for "missing" 很/才/想/这样 in the statutes)
     "某", "想", "很", "才", "才能", "仅", "请", "有些", "明明", "非要", "这样", "那样", "但是", "可是", "不过", "确定",
     "不太", "不", "也", "都", "就", "还", "又", "再", "一", "且", "均", "那么", "然后", "其实", "已经", "咨询", "了解",
     "清楚", "知道", "担心", "怕", "之类", "等等", "比较", "相当", "非常", "特别", "一些", "一个", "有点", "到底", "究竟",
     # the negative forms of question words already listed (能 / 有没有)
     "不能", "没", "没有"]
)
_ARTICLE_TOKEN = re.compile(r"^第[零〇一二两三四五六七八九十百千\d]+[条款项章节编]$")

_BOOK = re.compile(r"《([^《》]{2,60})》")
_BARE_NAME = re.compile(
    r"([\u4e00-\u9fa5]{2,24}?(?:实施条例|实施细则|条例|办法|细则|法))"
    r"(?=第|中|里|上|的|对|和|与|及|关于|有|是|规定|要求|怎|如何|说|讲|明确|[，,。？?、\s]|$)"
)
#: Titles ending in 规定 (「必须招标的工程项目规定」) are only told from the verb 规定 when a
#: preposition introduces them: 「按必须招标的工程项目规定，…」.
_RULE_NAME = re.compile(r"(?:按照|按|根据|依据|依照|对照)([\u4e00-\u9fa5]{4,24}?(?:暂行规定|规定))(?=第|[，,。？?、\s]|$)")
#: Generic heads that make 「…规定」 a phrase, not a title (按有关规定, 根据国家规定, 按合同约定).
_RULE_GENERIC = re.compile(r"^(?:有关|相关|国家|法律|法规|上述|以上|本|该|这|那|其|合同|招标文件|采购文件|文件|政策|地方|当地|规章|上级|原|新)")
#: Laws usually cited by a two-character short form (the bare-name rule needs three characters).
KNOWN_SHORT_TITLES = ("刑法", "宪法")
#: Widely cited regulations the default knowledge base does not hold, matched anywhere in the text.
KNOWN_TITLES = (
    "必须招标的工程项目规定", "必须招标的基础设施和公用事业项目范围规定", "评标委员会和评标方法暂行规定",
    "工程建设项目施工招标投标办法", "工程建设项目货物招标投标办法", "招标公告和公示信息发布管理办法",
    "政府采购非招标采购方式管理办法", "政府采购货物和服务招标投标管理办法", "政府采购促进中小企业发展管理办法",
    "政府采购框架协议采购方式管理暂行办法", "政府采购需求管理办法", "政府采购信息发布管理办法", "电子招标投标办法",
)
_NAME_PREFIX = re.compile(r"^(?:和|与|及|、|根据|按照|依据|依照|对照|关于|请问|我国|国家|现行|新的|新版|最新的?|那么|那|在|的)+")
_ORDER_NO = re.compile(r"(?:财政部|国务院|国家发展改革委|住房和城乡建设部)?\s*(?:令)?\s*第?\s*\d{1,4}\s*号令|[\u4e00-\u9fa5]{1,6}〔\d{4}〕\d{1,4}号")
_FORM_SUFFIXES = ("函", "承诺书", "授权书", "委托书", "申请书", "通知书", "报价单", "报价表", "一览表", "明细表", "格式", "模板")
_YEAR = re.compile(r"(20\d{2})\s*年")

#: The knowledge base's local policy covers 婺城区 only (the reform plan); national laws apply everywhere.
IN_SCOPE_PLACES = ("婺城", "金华", "浙江", "全国", "中国", "本地", "本区", "本市")
#: Other places a question may ask about (Jinhua's other districts and counties, Zhejiang's cities,
#: provinces and large cities). Only those the knowledge base holds no local document for are
#: refused (`other_localities`): once a user imports 义乌's rules, 义乌 questions are answered.
OTHER_PLACES = tuple(
    ["金东", "兰溪", "东阳", "义乌", "永康", "武义", "浦江", "磐安", "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "衢州", "舟山", "台州", "丽水", "萧山", "余杭", "临平", "钱塘", "富阳", "临安", "桐庐", "淳安", "建德", "北京", "上海", "天津", "重庆", "江苏", "安徽", "福建", "江西", "山东", "广东", "河南", "湖北", "湖南", "四川", "贵州", "云南", "陕西", "甘肃", "河北", "山西", "辽宁", "吉林", "黑龙江", "海南", "广西", "内蒙古", "宁夏", "新疆", "西藏", "青海", "深圳", "广州", "南京", "苏州", "武汉", "成都", "西安", "厦门", "青岛", "雄安", "长沙", "郑州", "合肥", "福州", "济南", "昆明", "南昌", "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原", "贵阳", "南宁", "海口", "兰州", "银川", "西宁"]
)
#: Words asking for a place's own policy (「义乌市政府采购限额标准」, 「金东区的改革方案」).
LOCAL_POLICY_WORDS = (
    "方案", "政策", "细则", "实施意见", "指导意见", "限额标准", "采购限额", "集中采购目录", "采购目录", "标准", "措施", "任务",
    "通知", "文件", "当地", "地方规定", "试点", "办法", "条例",
)
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "sufficient": self.sufficient, "reason": self.reason, "top_dense": self.top_dense,
            "top_score": self.top_score, "coverage": round(self.coverage, 3), "key_terms": self.key_terms,
            "missing_terms": self.missing_terms, "missing_documents": self.missing_documents, "direct": self.direct,
            "foreign_terms": self.foreign_terms, "in_domain": self.in_domain, "other_places": self.other_places,
            "local_documents": self.local_documents,
        }


def is_in_domain(question: str) -> bool:
    """Does the question name a concept of tendering / procurement / contracts / construction?"""
    text = _expand(normalize(question))
    return any(term in text for term in DOMAIN_TERMS)


def key_terms(question: str) -> list[str]:
    """The subject words of a question (deduplicated, order kept)."""
    terms = [t for t in tokenize(strip_personal_data(question)) if t not in QUESTION_WORDS and not t.isdigit() and not _ARTICLE_TOKEN.match(t)]
    return list(dict.fromkeys(terms))


#: Colloquial short forms -> the statute's wording.
_SHORT_FORMS = {"招投标": "招标投标", "政采": "政府采购", "串标": "串通投标", "围标": "串通投标"}


def _variants(term: str) -> tuple[str, ...]:
    """The term, its statute form and its synonyms."""
    return (term, _expand(term), *SYNONYMS.get(term, ()))


def _expand(term: str) -> str:
    for short, full in _SHORT_FORMS.items():
        if short in term and full not in term:
            return term.replace(short, full)
    return term


def coverage(terms: list[str], hits: list[Hit], top: int = 3) -> tuple[float, list[str]]:
    """Share of terms found (or a synonym found) in the best `top` hits, and the missing ones."""
    if not terms:
        return 1.0, []
    haystack = normalize(" ".join(f"{h.title} {h.heading or ''} {h.text}" for h in hits[:top]))
    missing = [t for t in terms if not any(v in haystack for v in _variants(t))]
    return 1.0 - len(missing) / len(terms), missing


def named_documents(question: str) -> list[str]:
    """Document names the question mentions: 《…》 titles and bare names ending in 法/条例/办法."""
    text = normalize(question)
    # 《中小企业声明函》, 《投标函》: forms a tender asks for, not documents to answer from
    names = [m.group(1) for m in _BOOK.finditer(text) if not m.group(1).endswith(_FORM_SUFFIXES)]
    rest = _BOOK.sub(" ", text)
    for m in _BARE_NAME.finditer(rest):
        name = _NAME_PREFIX.sub("", m.group(1))
        if re.search(r"第|条(?!例)|怎么|什么|如何|是否|哪些|可以|能否|应当|有关|的|对", name):
            continue
        if (
            len(name) >= 3
            and name not in ("办法", "规定", "方法", "做法", "说法", "合法", "违法", "依法", "非法", "立法", "执法", "司法")
            and not name.endswith(("方法", "做法", "说法", "合法", "违法", "依法", "非法", "想法", "看法", "用法", "写法", "算法", "执法"))
        ):
            names.append(name)
    for m in _RULE_NAME.finditer(rest):
        name = m.group(1)
        if _RULE_GENERIC.match(name) or re.search(
            r"(?:法|条例|办法|细则|方案)(?:的|中的|里的|有关|相关)?(?:暂行)?规定$|的规定$|(?:人|方|单位|机构|部门|政府|企业|公司)规定$", name
        ):
            continue  # 「按招标投标法规定」: the law is the name, 规定 the verb
        names.append(name)
    for short in KNOWN_SHORT_TITLES:
        if short in rest:  # 刑法典 / 刑法修正案 are not in the knowledge base either
            names.append(short)
    names += [t for t in KNOWN_TITLES if t in rest]
    names += [m.group(0).replace(" ", "") for m in _ORDER_NO.finditer(rest)]
    # a known long title also matches the bare rule as its own tail; keep the longest
    names = list(dict.fromkeys(names))
    return [n for n in names if not any(n != o and n in o and o.endswith(n) for o in names)]


def missing_documents(question: str, kb: KnowledgeBase, hits: Sequence[Hit] = ()) -> tuple[list[str], list[str]]:
    """(known, missing) document names mentioned in the question.

    A name that the retrieved text itself mentions (the reform plan cites 「评标专家管理办法」)
    is not "missing": the knowledge base does discuss it, the evidence check decides. The review
    catalogue (审查要点) does not count: its basis lines name regulations the KB may not hold
    (政府采购法实施条例 on the default KB), and answering from them would pass the catalogue off
    as the regulation.
    """
    known, missing = [], []
    seen_text = normalize(" ".join(h.text for h in hits[:6] if h.doc_type != "审查要点"))
    titles: list[str] | None = None
    for name in named_documents(question):
        if kb.resolve_title(name) is not None or name in seen_text:
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


_LOCAL_ISSUER = re.compile(r"[\u4e00-\u9fff]{1,8}(?:省|市|自治区|区|县)(?:人民|政府|财政|发展|住房|公共资源)")


def local_documents(kb: KnowledgeBase | None) -> list[DocumentMeta]:
    """Current documents of a local authority (地方性法规, a province/city/district's own files)."""
    if kb is None:
        return []
    return [m for m in kb.list_documents(include_superseded=False)
            if m.doc_type == "地方性法规" or _LOCAL_ISSUER.search(m.issuer or "") or _LOCAL_ISSUER.search(m.title)]


def other_localities(question: str, kb: KnowledgeBase | None = None) -> list[str]:
    """Places whose own local policy the question asks about and the knowledge base does not hold.

    A place that only qualifies the project (「杭州的供应商来婺城投标…」) is not enough: the
    question must also ask for a policy document, a standard or a plan. A place named in the
    title or issuer of a document in the knowledge base is not refused (the user imported it).
    """
    text = normalize(question)
    places = [p for p in OTHER_PLACES if p in text]
    if not places:
        return []
    asked = _PROCESS_FILES.sub(" ", text)
    if not any(w in asked for w in LOCAL_POLICY_WORDS):
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
    if any(t in text for t in lex.legal_terms) or named_documents(question) or "规定" in text:
        return None
    tokens = set(tokenize(text))
    if any(_mentions(t, text, tokens) for t in lex.off_topic_terms):
        return "off_topic"
    if any(t in text for t in lex.information_terms) and not any(m in text for m in lex.question_markers):
        return "information_request"
    return None


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
    top_dense = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
    top_score = hits[0].score if hits else None
    terms = key_terms(question)
    in_domain = is_in_domain(question)
    # in-domain wording rarely matches the statute, and the right article often ranks 4th-6th
    cov, missing_terms = coverage(terms, hits, top=p.coverage_top_in_domain if in_domain else p.coverage_top)
    known, missing_docs = missing_documents(question, kb, hits)
    direct = any("direct" in h.via for h in hits)
    vocab = corpus_text(kb)
    foreign = [t for t in missing_terms if vocab is not None and not any(v in vocab for v in _variants(t))]
    ev = Evidence(False, "", top_dense, top_score, cov, terms, missing_terms, missing_docs, direct, foreign, in_domain)
    foreign_share = len(foreign) / len(terms) if terms else 0.0
    if in_domain:
        needed = p.coverage_in_domain
    else:
        needed = p.coverage_with_foreign if foreign else p.coverage_threshold
    if reason := _outright(question, hits, kb, today, ev, known):
        ev.reason = reason
    elif direct:
        ev.sufficient, ev.reason = True, "direct_article"
    elif why := off_scope(question, p):
        ev.reason = why
    elif not in_domain and foreign_share >= p.foreign_max:
        ev.reason = "terms_not_in_kb"
    elif p.dense_threshold is not None and top_dense is not None and top_dense < p.dense_threshold:
        ev.reason = "low_similarity"
    elif cov < needed:
        ev.reason = "low_coverage"
    else:
        ev.sufficient, ev.reason = True, "evidence"
    return ev


def _outright(question: str, hits: list[Hit], kb: KnowledgeBase, today: date | None, ev: Evidence,
              known: list[str]) -> str | None:
    """Reasons to refuse whatever the evidence: nothing found, a document or place the KB lacks, a future year."""
    if not hits:
        return "no_hits"
    if ev.missing_documents and not known and not ev.direct:
        return "document_not_in_kb"
    if places := other_localities(question, kb):
        ev.other_places = places
        ev.local_documents = [m.title for m in local_documents(kb)]
        return "other_locality"
    if future_years(question, hits, today):
        return "future_policy"
    return None


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


#: The explanation shown for refusals whose reason needs no details.
REASON_LINES = {
    "future_policy": "问题涉及的年份晚于知识库中现有文件，知识库中没有相应政策。",
    "off_topic": "该问题属于企业日常采购管理或市场行情，不是招标投标、政府采购法律法规能回答的问题。",
    "information_request": "知识库只收录法律法规和政策文件，没有项目公告、中标结果或市场价格等信息，请到相应的公共资源交易平台查询。",
}


def refusal_text(question: str, ev: Evidence, hits: list[Hit]) -> str:
    """The refusal shown to the user: no basis, what was searched, what to add."""
    lines = ["知识库中没有找到回答该问题的依据，为避免误导，不作推测性回答。"]
    if ev.reason == "document_not_in_kb" and ev.missing_documents:
        names = "、".join(_book(n) for n in ev.missing_documents)
        lines.append(f"知识库中没有收录{names}，无法依据该文件回答，也不会用其他文件代替作答。")
    elif ev.missing_documents:
        names = "、".join(_book(n) for n in ev.missing_documents)
        lines.append(f"问题提到的{names}不在知识库中。")
    if ev.reason == "other_locality" and ev.other_places:
        places = "、".join(ev.other_places)
        held = "、".join(_book(t) for t in ev.local_documents)
        lines.append(
            (f"知识库中的地方文件只有{held}，" if held else "知识库中没有地方文件，")
            + f"没有收录{places}的地方规定或政策文件；"
            "这些地方文件不适用于其他地区，国家法律的规定仅供参考，不能代替当地文件。"
        )
    if ev.reason in REASON_LINES:
        lines.append(REASON_LINES[ev.reason])
    lines.append(f"已检索的问题：「{question}」")
    if ev.key_terms:
        lines.append("检索关键词：" + "、".join(ev.key_terms[:8]))
        if ev.foreign_terms:
            lines.append("知识库中没有出现的词：" + "、".join(ev.foreign_terms[:8]))
        elif ev.missing_terms and ev.reason in ("low_coverage", "low_similarity", "no_hits"):
            lines.append("最接近的条文中未出现：" + "、".join(ev.missing_terms[:8]))
    if hits and ev.reason != "no_hits":
        near = "；".join(
            f"《{h.title}》{h.article or (h.heading or '')}" for h in hits[:3]
        )
        lines.append(f"最接近的条文（相关度不足，仅供参考，不作为依据）：{near}")
    target = "、".join(_book(n) for n in ev.missing_documents) or (
        f"{'、'.join(ev.other_places)}的相关政策文件" if ev.other_places else "相关法规、规章或政策文件"
    )
    lines.append(f"建议：可在知识库页面导入{target}后再问，或换用更具体的招投标、政府采购术语提问。")
    return "\n".join(lines)


def _book(name: str) -> str:
    """《title》 for titles; order numbers and 文号 (87号令, 财库〔2019〕38号) stay bare."""
    return name if _ORDER_NO.fullmatch(name) else f"《{name}》"
