"""Parse and verify the citations in a model's answer (anti-hallucination).

Two kinds of citation are checked:
- `[n]` markers: n must be the number of a context item, else the marker is removed;
- 《X》第N条 written in prose: the article must exist in the knowledge base AND be one of the
  retrieved context items (the model may not cite from memory), else the reference is replaced
  by a visible remark.
Then each sentence is checked against what it cites (its [n] markers and prose references; a
sentence citing nothing against all context items): a sentence whose citation was removed goes
too, and so does one whose figures (2%, 5个工作日, 二十日, 20万元) or whose text in quotation marks
“…” does not occur in the articles it cites.
Every removal sets a flag and a Chinese note on the answer. Article references are found with
`assistant.citations.find_article_refs` (the one parser of the product).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.citations import find_article_refs, resolve_ref
from assistant.qa.context import ContextItem
from assistant.review.numbers import find_amounts, find_day_counts, find_percents
from assistant.schema import Citation, Hit
from assistant.text_zh import (
    char_pairs,
    cn_to_int,
    flatten_ws,
    normalize,
    split_sentences,
    strip_article_label,
)

if TYPE_CHECKING:
    from assistant.kb import KnowledgeBase
    from assistant.qa.understanding import GateWords

#: [1] [1,2] [1、2] [1][2] and the full-width 【1】 some models write.
MARKER_RE = re.compile(r"[\[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]")

REMOVED_NONEXISTENT = "〔该条在知识库中不存在，引用已删除〕"
REMOVED_UNCONTEXTED = "〔该条不在检索到的依据中，引用已删除〕"

FLAG_BAD_MARKER = "invalid_marker_removed"
FLAG_NONEXISTENT = "nonexistent_citation_removed"
FLAG_UNCONTEXTED = "uncontexted_citation_removed"
FLAG_NO_MARKERS = "answer_without_citations"
FLAG_UNSUPPORTED = "unsupported_sentence_removed"
FLAG_MISQUOTE = "misquote_removed"


@dataclass
class Verified:
    """The checked answer text, the context numbers it rests on, and what was removed."""

    text: str
    used: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    #: sentences removed because what they say is not in the articles they cite
    dropped: list[str] = field(default_factory=list)


def parse_markers(text: str) -> list[tuple[tuple[int, int], list[int]]]:
    """`[(span, [n, ...]), ...]` for every marker in the text."""
    out = []
    for m in MARKER_RE.finditer(text):
        numbers = [int(x) for x in re.split(r"\s*[,，、]\s*", m.group(1)) if x]
        out.append(((m.start(), m.end()), numbers))
    return out


def _same_article(item: ContextItem, chunk_id: str, doc_id: str, article_no: int | None) -> bool:
    hit = item.hit
    if chunk_id and hit.chunk_id == chunk_id:
        return True
    return hit.doc_id == doc_id and article_no is not None and hit.article_no == article_no


def verify_answer(text: str, items: list[ContextItem], kb: KnowledgeBase, aliases: dict[str, str] | None = None,
                  question: str = "") -> Verified:
    """Check markers and prose references against the context and the knowledge base, then each
    sentence against the articles it cites (figures the ``question`` states may be repeated)."""
    text = normalize(text)
    valid = {item.n for item in items}
    result = Verified(text=text)
    used: list[int] = []
    #: prose references kept, as written, with the context number they resolve to
    kept_refs: dict[str, int] = {}

    # 1. prose references 《X》第N条 (before markers: spans refer to this text)
    pieces: list[str] = []
    pos = 0
    for ref in find_article_refs(text, aliases):
        start, end = ref.span
        if start < pos:
            continue
        chunk = resolve_ref(ref, kb)
        label = f"《{ref.name}》{ref.article}"
        if chunk is not None:
            match = next((i for i in items if _same_article(i, chunk.chunk_id, chunk.doc_id, chunk.article_no)), None)
            if match is not None:
                used.append(match.n)
                kept_refs[text[start:end]] = match.n
                continue
            replacement, flag = REMOVED_UNCONTEXTED, FLAG_UNCONTEXTED
            note = f"模型提到的{label}不在本次检索到的依据中（可能凭记忆引用），已从回答中删除；如需该条原文，可直接询问该条。"
        else:
            replacement, flag = REMOVED_NONEXISTENT, FLAG_NONEXISTENT
            note = f"模型提到的{label}在知识库中不存在，已从回答中删除，请勿采信。"
        # keep a leading separator of 「、第三十三条」-style continuations
        lead = re.match(r"\s*(?:、|，|,|和|及|以及|或者|或)", text[start:end])
        keep = lead.group(0) if lead else ""
        pieces.append(text[pos:start] + keep + replacement)
        pos = end
        _add(result.flags, flag)
        _add(result.notes, note)
        result.removed.append({"kind": flag, "title": ref.name, "article": ref.article})
    pieces.append(text[pos:])
    text = "".join(pieces)

    # 2. [n] markers
    def _fix(m: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,，、]\s*", m.group(1)) if x]
        good = [n for n in numbers if n in valid]
        for n in numbers:
            if n not in valid:
                _add(result.flags, FLAG_BAD_MARKER)
                _add(result.notes, f"回答中的引用标记[{n}]没有对应的参考条文，已删除。")
                result.removed.append({"kind": FLAG_BAD_MARKER, "marker": n})
        used.extend(good)
        return "".join(f"[{n}]" for n in good)

    text = MARKER_RE.sub(_fix, text)
    text = re.sub(r"[ \t]+([。；，])", r"\1", text)
    result.text, result.used = _check_sentences(text.strip(), items, kept_refs, question, result)
    return result


# --------------------------------------------------------------------------- sentence checks

#: Text the model presents as an article's own wording.
_QUOTE_RE = re.compile(r"[“「]([^”」]+)[”」]")
_NOT_TEXT = re.compile(r"[\W_]+")
#: A line's pieces that are only markers and punctuation belong to the sentence before them (「……。[1]」).
_ONLY_MARKERS = re.compile(rf"^(?:\s|{MARKER_RE.pattern}|[。；，、！？”’」』）)])*$")


def flat_text(text: str) -> str:
    """Text without whitespace and punctuation (and markers' brackets), for verbatim comparison."""
    return _NOT_TEXT.sub("", normalize(text))


def _figures(text: str) -> set[tuple[str, float]]:
    """The percentages, amounts and periods a text states, as comparable values (二十日 == 20日)."""
    out = {("%", round(p.value, 6)) for p in find_percents(text)}
    out |= {("元", round(a.yuan, 2)) for a in find_amounts(text)}
    out |= {(d.unit, d.n) for d in find_day_counts(text)}
    return out


def _figure_text(figure: tuple[str, float]) -> str:
    unit, value = figure
    if unit == "%":
        return f"{value * 100:g}%"
    return f"{value:g}{'个' if unit == '月' else ''}{unit}"


def _claims(line: str) -> list[str]:
    """The sentences of one line, each with the markers written after its full stop."""
    out: list[str] = []
    for piece in split_sentences(line):
        if out and _ONLY_MARKERS.match(piece):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _support(sentence: str, by_n: Mapping[int, ContextItem], kept_refs: Mapping[str, int]) -> list[ContextItem]:
    """The context items a sentence cites, by marker or by a kept prose reference."""
    numbers = [n for _, ns in parse_markers(sentence) for n in ns]
    numbers += [n for ref, n in kept_refs.items() if ref and ref in sentence]
    return [by_n[n] for n in dict.fromkeys(numbers) if n in by_n]


def _label(items: Sequence[ContextItem]) -> str:
    return "、".join(f"[{i.n}]《{i.hit.title}》{i.hit.article or ''}" for i in items)


def _problem(sentence: str, cited: Sequence[ContextItem], items: Sequence[ContextItem], question: str,
             names_kept: bool) -> tuple[str, str] | None:
    """(flag, note) when the sentence says what its articles do not; None when it holds (``names_kept``:
    the sentence names a verified article in prose)."""
    short = MARKER_RE.sub("", sentence)
    if (REMOVED_NONEXISTENT in sentence or REMOVED_UNCONTEXTED in sentence) and not names_kept:
        # its basis was the removed reference: a [n] marker of another article does not carry it
        return FLAG_UNSUPPORTED, f"回答中“{short}”所依据的引用已删除，该句一并删除。"
    sources = cited or items
    where = _label(cited) if cited else "检索到的条文"
    texts = [flat_text(i.hit.text) for i in sources]
    for quote in _QUOTE_RE.findall(sentence):
        # a quote may leave words out (「投标保证金……不得超过……2%」): each part must be the article's
        parts = [p for p in map(flat_text, re.split(r"…+|\.{3,}", quote)) if p]
        if parts and not any(all(p in t for p in parts) for t in texts) and flat_text(quote) not in flat_text(question):
            return FLAG_MISQUOTE, f"回答中标注为{where}原文的“{quote}”引文与条文原文不符，已删除。"
    known = _figures(question).union(*(_figures(i.hit.text) for i in sources))
    missing = sorted(_figures(short) - known)
    if missing:
        figures = "、".join(_figure_text(f) for f in missing)
        return FLAG_UNSUPPORTED, f"回答中“{short}”的数字（{figures}）在{where}中没有，该句已删除。"
    return None


def _check_sentences(text: str, items: Sequence[ContextItem], kept_refs: Mapping[str, int], question: str,
                     result: Verified) -> tuple[str, list[int]]:
    """The text without the sentences its citations do not bear out, and the context numbers it still cites."""
    by_n = {i.n: i for i in items}
    used: list[int] = []
    lines: list[str] = []
    for line in text.split("\n"):
        kept: list[str] = []
        for sentence in _claims(line):
            cited = _support(sentence, by_n, kept_refs)
            problem = _problem(sentence, cited, items, question, any(ref in sentence for ref in kept_refs))
            if problem is None:
                kept.append(sentence)
                used.extend(i.n for i in cited)
                continue
            flag, note = problem
            _add(result.flags, flag)
            _add(result.notes, note)
            result.dropped.append(sentence)
            result.removed.append({"kind": flag, "sentence": sentence})
        if kept or not line.strip():
            lines.append("".join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), list(dict.fromkeys(used))


# --------------------------------------------------------------------------- key sentences


def pair_overlap(a: str, b: str) -> float:
    """The share of the shorter text's character pairs that the other carries: high for parallel sentences of two
    regimes (「投标保证金不得超过采购项目预算金额的2%」, 「……不得超过招标项目估算价的2%」), low for two rules on
    different points."""
    x, y = char_pairs(a), char_pairs(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


_PARTICLES = frozenset("的了吗呢吧啊么")

#: A clause starting with these continues the previous sentence (「……约定；但是，不得超过……」).
_CONTINUATION = ("但是", "但", "除", "并且", "并", "且", "其中", "否则",
                 # the rungs of a penalty's ladder (「……中标无效；构成犯罪的，……；尚不构成犯罪的，依照……处罚。」): the act is
                 # named only in the first, the sanction only in the last
                 "构成犯罪的", "尚不构成犯罪的", "情节严重的", "情节特别严重的", "有违法所得的")


def _sentences(text: str) -> list[str]:
    """An article's sentences; an item of a list set out line by line (「（一）成立谈判小组。谈判小组由……组成……。」) is
    one, however many it has: its first alone may only name the step."""
    out: list[str] = []
    listed = False  # the last line was an item of a list (or its introduction, ending in 「：」)
    for line in text.split("\n"):
        if not line.strip():
            continue
        item = False
        for j, s in enumerate(split_sentences(line)):
            starts = bool(_ITEM.match(s))
            if out and not starts and (item or (s.startswith(_CONTINUATION) and not out[-1].endswith(("。", "！", "？")))):
                out[-1] += s
            else:
                # an item on a line of its own, in a list a sentence introduced, runs to the line's end; one of a list
                # run on in a paragraph does not, nor a numbered heading of a plan (「（二）强化专项治理。……」)
                item = starts and j == 0 and bool(out) and (listed or out[-1].endswith(("：", ":")))
                out.append(s)
        listed = item or (bool(out) and out[-1].endswith(("：", ":")))
    return [s for s in out if len(s) >= 4]


#: Quote at most this many characters per article in the answer (full text stays in the citation).
MAX_QUOTE_CHARS = 320
#: A question asking for an amount, a period or a count (「公示期多长」「保证金最多多少」「几日内」).
_ASKS_QUANTITY = re.compile(r"多长|多久|多少|几[天日个年月人家名次倍]|几小时|几个工作日|百分之几|比例|上限|下限|最多|最少|最长|最短|期限")
#: A sentence stating one (「不得少于3日」「百分之二」「5个工作日」「20万元」「三分之二」).
_STATES_QUANTITY = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+)\s*(?:个)?(?:工作日|日|天|小时|年|个月|月|%|万元|元|人|家|名|倍|次|个(?=以上|以下|或者|的|[，,。；;]))"
    r"|百分之[一二三四五六七八九十点零\d]+"
    # a share (「不得少于成员总数的三分之二」「2/3」)
    r"|[一二三四五六七八九十]+分之[一二三四五六七八九十]+|\d+\s*/\s*\d+")
#: Weight of a generic word's characters in a sentence's match (a specific word's count fully).
_GENERIC_WEIGHT = 0.25
#: Weight of stating a quantity when one is asked: more than a shared short term, less than the topic.
_QUANTITY_BONUS = 3.0
#: a period of days or months (「5个工作日」「十五日」「三个月」)
_PERIOD = r"(?:\d+|[一二三四五六七八九十两]+)\s*(?:个)?(?:工作日|日|天|个月)"
#: A question asking for a ceiling (「最多能收多少」) or a floor (「最短多少天」), and the sentences that set one:
#: 「不得超过……2%」 answers the first, not the neighbouring 「……5个工作日内退还」.
_ASKS_BOUND = ((re.compile(r"最多|最高|上限|不超过|封顶"), re.compile(r"不得超过|不超过|不得高于|以下|以内|上限|最高")),
               (re.compile(r"最少|最短|最低|下限|至少|不少于"), re.compile(r"不得少于|不少于|不得低于|以上|至少|最短|下限")),
               # a question of how long is answered by a period, not a rate (「多久内退还」: 「5个工作日内」, not 「上浮20%」)
               (re.compile(r"多久|多长时间|几天|几日|多少天|几个工作日|什么时候|期限|时限"),
                re.compile(_PERIOD)))

#: A question of what something costs (「招标文件能收多少钱」「标书售价多少合适」) ...
_ASKS_MONEY = re.compile(r"钱|费用|收费|售价|多少费|费多少|价钱")
#: ... is answered by what the price or fee may be
_STATES_PRICE = re.compile(r"费用|收费|售价|价格|成本|\d+\s*(?:万元|元|%)|[一二三四五六七八九十百千万两]+(?:万元|元)|百分之")
#: A question for how long a notice stays up (「中标结果公告要公示多少天」「公示期多长」) is not answered by the deadline for
#: putting it up (「自中标人确定之日起2个工作日内……公告中标结果」) but by its period (「中标公告期限为1个工作日」).
_ASKS_SPAN = re.compile(r"(?:公示|公告)期|(?:公示|公告)(?:期限|时间)?(?:要|应|应当|一般|需要)?(?:多少天|几天|多久|多长)")
_WITHIN = re.compile(_PERIOD + r"[以之]?内")
_SPAN = re.compile(r"期限?为|期限?不得少于|期限?不少于")


def _deadline_only(sentence: str) -> bool:
    """The sentence's period is a deadline (「……2个工作日内……」), not how long something lasts."""
    return bool(_WITHIN.search(sentence)) and not _SPAN.search(sentence)


#: A question whether something is required, allowed or forbidden (「暂估价的专业工程需要招标吗」「能否…」), and
#: the sentences that say so: 「……应当依法进行招标」 answers it, the neighbouring definition 「前款所称暂估价，是指……」 not.
#: 「可以……吗」: the act between 可以 and 吗 may be long (「可以将集中采购项目转委托给社会中介机构代理采购吗」), within one sentence
_MAY_IT = r"可以[^。？?！!]{0,30}[吗么]"
_ASKS_DUTY = re.compile(rf"需要|需不需要|要不要|必须|能否|能不能|可否|可不可以|{_MAY_IT}|是否|允许|应不应|该不该")
_STATES_DUTY = re.compile(r"应当|必须|不得|可以|禁止|无效|不予")
#: Weight of saying so when asked: a tie-breaker among sentences on the topic, less than a shared term.
_DUTY_BONUS = 1.0
#: A question whether something is allowed (「可以……吗」「能否」), and the words that allow or forbid: 「应当符合……规定」
#: says how, not whether.
#: the words that ask leave, before what is asked (「能否……」「可以……吗」)
_LEAVE_WORDS = "能否|能不能|可否|可不可以|是否可以|是否能|允许"
_ASKS_LEAVE = re.compile(rf"{_LEAVE_WORDS}|{_MAY_IT}")
#: 「能……吗」 (not 可能, 职能, 能力 …): read as asking leave by the answer gate, not by the choice of a key sentence
_CAN_IT = re.compile(r"(?<![可功职性智效])能(?!力|源)[^。？?！!]{0,20}[吗么]")


def asks_whether_allowed(question: str) -> bool:
    """The question asks whether an act is allowed (「能否」「可以……吗」「能……吗」)."""
    return bool(_ASKS_LEAVE.search(question) or _CAN_IT.search(question))


#: A question for the rules on a topic (「87号令对样品怎么规定的」): among sentences that share its words, the
#: article's first (its main rule) answers, not a shorter detail that happens to share a question word (「还应当规定」).
_ASKS_RULES = re.compile(r"怎么规定|怎样规定|如何规定|有什么规定|有哪些规定|有何规定|是怎么规定|规定是什么")
#: A question for the sanction of an act (「串通投标怎么处罚」) asks for the rules too: the article's main rule
#: (「投标人相互串通投标……中标无效；……依照招标投标法第五十三条的规定处罚。」), not an aggravated case after it
#: that also names the act and 处罚 (「……处罚执行期限届满之日起3年内又有……的，由工商行政管理机关吊销营业执照」).
#: (「……怎么处理」 is not one: 「截止时间后送达的投标文件怎么处理」 is answered by 「……招标人应当拒收」)
_ASKS_SANCTION = re.compile(r"(?:怎么|怎样|如何)(?:处罚|罚)|(?:什么|哪些|何种)(?:处罚|法律责任)")
#: The words that allow or forbid an act (必须 too: 「施工单位必须按照工程设计图纸……施工」 answers 「可以不按图纸施工吗」)
_STATES_LEAVE = re.compile(r"不得|禁止|可以|不可|允许|无效|必须")
#: Added when that is said of the asked action itself: the word and a word of the question in one clause
#: (「可以向中小企业收取……保证金吗」: 「工程建设中不得以任何形式收取其他保证金」, not 「保证金的收取比例、方式应当
#: 符合法律……」 or 「……应当依法……约定，在……届满后……对收取的保证金进行核算并退还」, whose duty governs another clause).
_GOVERNED_DUTY_BONUS = 2.0
_CLAUSE = re.compile(r"[^，,；;：:。！？]+")


#: A moment a question is before or after (「递交截止前」「开标后」): a sentence about the other side of the
#: same moment does not answer it (「截止前可以撤回吗」 is not answered by 「投标截止后……撤销……不退还」).
_MOMENT = re.compile(r"(截止|开标|评标|中标|签订合同|签合同|公示|发出)(?:时间|日期|之日|期满|结束)?(之?前|以前|之?后|以后)")
#: Weight of a sentence about the other side of the question's moment (more than a shared term).
_WRONG_SIDE = 6.0


#: The condition a sentence opens with, one clause (「采购人自行组织招标的，」, 「采购项目符合下列情形之一的，」) ...
_CASE = re.compile(r"^[^，,；;。：:]{2,40}的[，,]")
#: ... or clauses up to the first 「……的，」 (「依法必须进行招标的项目违反本法规定，中标无效的，」).
_CASE_ACROSS_CLAUSES = re.compile(r"^[^。：:；;]{2,80}?的[，,]")


def opening_condition(sentence: str, *, across_clauses: bool = False) -> str:
    """The condition a sentence opens with (``_CASE``, or ``_CASE_ACROSS_CLAUSES``); '' for none."""
    m = (_CASE_ACROSS_CLAUSES if across_clauses else _CASE).match(sentence)
    return m.group(0) if m is not None else ""


#: An item of a list a sentence introduces (「采购项目符合下列情形之一的，……：」: 「（一）采购预算金额在1000万元以上；」,
#: 「1.……」 in documents users add; not 「1.5倍……」).
_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．](?!\d))")
#: Weight taken from a sentence of listed special cases the question names none of: 「评标委员会成员人数有何要求」 is
#: answered by 87号令第四十七条's 「成员人数应当为5人以上单数」, not by the 7人 of 「采购项目符合下列情形之一的，」
_UNASKED_CASE = 2.0
#: Weight taken from a sentence that opens with a condition the question names nothing of (no list after it):
#: 「谁确定中标人」 is answered by 「采购人应当……在评标报告确定的中标候选人名单中按顺序确定中标人」, not by the special
#: case 「采购人自行组织招标的，应当在评标结束后5个工作日内确定中标人」 (less than a shared term of two characters).
_UNASKED_CONDITION = 1.0
#: A question for the cases or kinds of something (「主要有哪些情形」「有哪几种」), and the weight given to a sentence on its
#: topic that introduces a list (「招标人有下列行为之一的，属于以不合理条件限制、排斥潜在投标人或者投标人：」): the
#: list answers, not the general rule before it.
_ASKS_LIST = re.compile(r"哪些|哪几|几种|几类|什么情形|哪种情形|情形有|什么条件")
_LIST_BONUS = 2.0
#: Weight taken, when the question asks whether an act is allowed, from a sentence that opens with that act as its
#: condition (「要求投标人提供样品的，应当在招标文件中明确规定……」): it says what follows when the act is done,
#: not whether it may be (「一般不得要求投标人提供样品，……除外」 does).
_PRESUPPOSED = 6.0
#: Weight given, when the question asks whether an act is allowed, to a sentence that rules on what the act asks for
#: (the last specific word of the asking clause: 「招标文件中可以要求投标保证金用现金交纳吗」 asks for 现金): the sentence on
#: the form of the bond (「……保函等非现金形式提交」) answers, not the 2% cap beside it, which shares the frame (招标文件,
#: 要求, 投标保证金) and not the object.
_ASKED_OBJECT = 3.0
#: a clause that rules (allows, forbids, requires)
_RULES_ON = re.compile(r"不得|禁止|可以|不可|允许|无效|必须|应当|须")
#: A sentence that only leaves the matter to other rules (「法律、行政法规对串通投标报价行为的处罚另有规定的，从其规定。」) and
#: the weight taken from it: it names the question's words and answers nothing (「串通投标怎么处罚」). A rule with such
#: a tail (「……并在该期限内完成检验或者验收，……另有规定的，从其规定」) is not one.
_DEFERS = re.compile(r"^(?:[^，,。；;]*[，,])?[^，,。；;]*规定的[，,](?:从其规定|依照其规定)[。；;]?$")
_DEFERRED = 6.0
#: A sentence that extends the rule before it (「……合计估算价达到前款规定标准的，必须招标。」) and the weight taken from
#: it: the rule it refers to answers first (「监理单位是否必须招标」: the thresholds of 《必须招标的工程项目规定》第五条).
_REFERS_BACK = re.compile(r"前(?:款|两款|三款)(?!所称)")  # not a definition (「前款所称暂估价，是指……」)
_REFERRING = 0.5


def _items_of(sentences: list[str], i: int) -> list[str]:
    """The items a sentence that ends in 「：」 introduces (「（一）……；」「（二）……」), none for any other sentence."""
    if not sentences[i].endswith(("：", ":")):
        return []
    return list(itertools.takewhile(_ITEM.match, sentences[i + 1:]))


def listed_items(article_text: str, lead_in: str) -> list[str]:
    """The items, each whole, that the sentence ``lead_in`` (「……应当遵循下列程序：」) introduces in the article, as
    the answer quotes them (flattened); none when the article has no such sentence or it lists nothing."""
    sentences = [flatten_ws(strip_article_label(x)) for x in _sentences(article_text)]
    at = next((i for i, s in enumerate(sentences) if s.endswith(lead_in)), None)
    return [] if at is None else _items_of(sentences, at)


def _main_part(sentence: str) -> str:
    """A sentence without its opening condition (「招标文件要求中标人提交履约保证金的，」)."""
    text = strip_article_label(sentence)
    return text[len(opening_condition(text)):]


def _condition_of(sentence: str) -> str:
    """The condition a sentence opens with (「采购人自行组织招标的，」), '' for none or for the lead of a list
    (「有下列情形之一的，」: the items are its cases, see ``_case_of``)."""
    condition = opening_condition(strip_article_label(sentence))
    return "" if "下列" in condition else condition


def _unasked(case: str, condition: str, names: Callable[[str], bool]) -> float:
    """The weight taken from a sentence for the special cases it lists (``case``) or the condition it opens with,
    when the question ``names`` none of them."""
    if case:
        return 0.0 if names(case) else _UNASKED_CASE
    return _UNASKED_CONDITION if condition and not names(condition) else 0.0


def _unasked_weights(listed: Mapping[str, str], asks_list: bool, names: Callable[[str], bool]) -> dict[str, float]:
    """Each sentence's weight (the sentences with the items each introduces, ``listed``) for the special cases or
    condition the question does not name (``_unasked``); none for a list's introduction when the question asks for the
    cases (「串通投标有哪些情形」 is answered by 「有下列情形之一的，属于投标人相互串通投标：」 and its items, none of which
    repeats 串通)."""
    return {s: 0.0 if asks_list and s.endswith(("：", ":")) else _unasked(_case_of(s, items), _condition_of(s), names)
            for s, items in listed.items()}


#: A question telling how few took part (「开标现场只来了两家」「仅2家供应商响应」「不足3家」): the number and whether it
#: is itself a bound (不足/少于 N: fewer than N)
_TELLS_FEW = re.compile(r"(只有|只来了?|仅有?|才有?|只剩|不足|少于|不到)\s*([1-5一二两三四五])\s*(?:个|家|名)")
#: A sentence's rule for fewer than a number of participants (「投标人少于3个的」「供应商不足3家」)
_FEWER_THAN = re.compile(r"(?:少于|不足|低于)\s*([1-9一二两三四五六七八九])\s*(?:个|家|名)")


def covers_told_count(sentence: str, told: tuple[int, bool] | None) -> bool:
    """The sentence's rule for fewer than N applies to the count the question tells (2 < 3; 不足3家 = 少于3个)."""
    if told is None:
        return False
    count, bound = told
    limits = [cn_to_int(m[1]) or 0 for m in _FEWER_THAN.finditer(sentence)]
    return any(n > count or (bound and n == count) for n in limits)


def told_count(query: str) -> tuple[int, bool] | None:
    m = _TELLS_FEW.search(query)
    return (cn_to_int(m[2]) or 0, m[1] in ("不足", "少于", "不到")) if m else None


@dataclass(frozen=True)
class _Quantities:
    """What a question asks or tells of quantities: whether it asks for one, the count it tells, the bounds it asks
    for (``_ASKS_BOUND``), whether it asks how long a notice stays up."""

    wanted: bool = False
    told: tuple[int, bool] | None = None
    bounds: tuple[re.Pattern[str], ...] = ()
    span: bool = False
    money: bool = False

    @classmethod
    def of(cls, query: str) -> _Quantities:
        if not query:
            return cls()
        wanted = asks_quantity(query)
        return cls(wanted, told_count(query),
                   tuple(sets for asks, sets in _ASKS_BOUND if asks.search(query)), bool(_ASKS_SPAN.search(query)),
                   wanted and bool(_ASKS_MONEY.search(query)))

    def bonus(self, sentence: str, listed: Mapping[str, str]) -> float:
        """The weight of the quantity a sentence (with the items it introduces, ``listed``) states, for a sentence on
        topic; for a question of what something costs, the weight of saying what the price may be (「收取的费用应当
        限于补偿印刷、邮寄的成本支出」), not of another figure (「发售期不得少于5日」)."""
        if self.money:
            return _QUANTITY_BONUS if _STATES_PRICE.search(sentence + listed.get(sentence, "")) else 0.0
        if not (self.wanted and _states_quantity(sentence, listed)) and not covers_told_count(sentence, self.told):
            return 0.0
        if self.span and _deadline_only(sentence):
            return 0.0
        return _QUANTITY_BONUS * (2 if any(b.search(sentence + listed.get(sentence, "")) for b in self.bounds) else 1)


def asks_quantity(query: str) -> bool:
    """The question asks how much, how long or how many (「预留份额是多少」「公示几天」)."""
    return bool(_ASKS_QUANTITY.search(query))


#: 「一家或者多家」「一次」: one of something, not a figure
_JUST_ONE = frozenset({"一家", "一名", "一人", "一次", "一个"})


def states_quantity(text: str) -> bool:
    """The text states an amount, period or count (「30%以上」「5个工作日」「百分之二」)."""
    return any(m.group(0) not in _JUST_ONE for m in _STATES_QUANTITY.finditer(text))


def _states_quantity(sentence: str, listed: Mapping[str, str]) -> bool:
    """The sentence states an amount, period or count, itself or in the items it introduces (``listed``): 「最低保修期限
    为：」 states the 5年 of its items."""
    return states_quantity(sentence + listed.get(sentence, ""))


def _case_of(sentence: str, items: str) -> str:
    """The special cases a sentence applies to (its opening condition and the ``items`` it lists after 「：」); '' for
    a sentence that lists none."""
    condition = opening_condition(strip_article_label(sentence))
    return condition + items if condition and items else ""


def words_in(text: str, words: Sequence[str], wordings: Mapping[str, Sequence[str]]) -> list[str]:
    """The ``words`` a text carries, itself or by a statute ``wordings`` of it (拦标价 by 最高投标限价)."""
    return [t for t in words if t in text or any(w in text for w in wordings.get(t, ()))]


def _asked_act(query: str, generic: Collection[str]) -> list[str]:
    """The specific words of the act a question asks leave for: those of the clause that asks (「可以要求现金吗」), or
    of the clause before it when the asking clause has none (「……要求投标供应商……提供样品，是否可以？」)."""
    from assistant.qa.refusal import key_terms  # late: refusal is a sibling step

    clauses = _CLAUSE.findall(query)
    for i, clause in enumerate(clauses):
        if _ASKS_LEAVE.search(clause):
            for c in (clause, clauses[i - 1] if i else ""):
                if act := [t for t in key_terms(c) if t not in generic]:
                    return act
            return []
    return []


def _presupposing(sentences: list[str], act: Sequence[str], wordings: Mapping[str, Sequence[str]]) -> set[str]:
    """For a question whether an act is allowed: the sentences that open with the asked ``act`` as their condition
    and then say how, not whether (「要求投标人提供样品的，应当在招标文件中明确规定……」; no word that allows or forbids
    after the condition: 「招标人具有……能力的，可以自行办理招标事宜」 does say whether). None when no other
    sentence says whether of the act: 「招标文件要求投标人提交投标保证金的，……不得超过……2%」 stays the answer to
    「可以不设置投标保证金吗」."""

    def names_act(text: str) -> bool:
        return bool(words_in(text, act, wordings))

    out: dict[str, str] = {}
    for s in sentences:
        text = strip_article_label(s)
        condition = opening_condition(text)
        if condition and names_act(condition) and not _STATES_LEAVE.search(text[len(condition):]):
            out[s] = text[len(condition):]
    saying = [s for s in sentences if s not in out and any(_STATES_LEAVE.search(c) and names_act(c) for c in _CLAUSE.findall(s))]
    if not saying:
        return set()
    # a sentence whose rule names the act's last word (what is asked for) when no sentence saying whether does answer
    # the act (「可以拒绝……保函而要求现金吗」: 「……的，供应商应当以……保函等非现金形式提交」, not the 10% cap beside it;
    # 「……要求提供样品吗」 stays with 「……一般不得要求投标人提供样品」, which names the 样品 too)
    asked = act[-1:]
    if asked and not any(words_in(s, asked, wordings) for s in saying):
        return {s for s, rule in out.items() if not words_in(rule, asked, wordings)}
    return set(out)


def _rules_on(clause: str, words: Sequence[str], wordings: Mapping[str, Sequence[str]]) -> bool:
    """The clause rules (allows, forbids, requires) on one of ``words``; never for no words."""
    return bool(words) and bool(_RULES_ON.search(clause)) and bool(words_in(clause, words, wordings))


def _asked_object(query: str, sentences: list[str], act: Sequence[str],
                  wordings: Mapping[str, Sequence[str]]) -> list[str]:
    """What the asked ``act`` asks for, when it singles out the sentences ruling on it: the act's last word (「招标文件中
    可以要求投标保证金用现金交纳吗」: 现金, the bond's form), when a sentence rules on it and no other word of the act is
    named by fewer sentences, and one by more (投标保证金, which every sentence of the article names). Empty otherwise: the
    last word is no object (「总包单位可以把主体结构分包出去吗」: 分包, named more often than 主体结构), it is the act itself,
    right after the asking word (「评标结果可以修改吗」: 修改, which the prohibition and the duty beside it both rule on), or
    the question asks leave not to act (「可以不委托代理机构自己招吗」 is answered by 「……的，可以自行办理招标事宜」, which
    names neither)."""
    if len(act) < 2:
        return []
    last = act[-1]
    if re.search(rf"(?:{_LEAVE_WORDS}|可以)不?{re.escape(last)}", query):
        return []

    def named(t: str) -> int:
        return sum(1 for x in sentences if words_in(x, [t], wordings))

    ruled = any(_rules_on(c, [last], wordings) for x in sentences for c in _CLAUSE.findall(x))
    others = [named(t) for t in act[:-1]]
    return [last] if ruled and named(last) <= min(others) and named(last) < max(others) else []


def _intro_words(sentences: list[str], matched: Callable[[str], list[str]], generic: Collection[str]) -> dict[str, list[str]]:
    """For each item of a list that speaks of the question by a word of its own, one its sibling items lack, the
    question's words its introduction carries: the item is read with them. 「（一）成立谈判小组。谈判小组由……组成」 answers
    「竞争性谈判的谈判小组怎么组成」 under 「采用竞争性谈判方式采购的，应当遵循下列程序：」 (组成 is its own); an item whose
    words every other item shares (「证明」 of 「营业执照等证明文件」, 「……的证明材料」) is not singled out by them."""
    out: dict[str, list[str]] = {}
    for i, intro in enumerate(sentences):
        items = _items_of(sentences, i)
        words = {item: {t for t in matched(item) if t not in generic} for item in items}
        for item in items:
            others = set().union(*(w for x, w in words.items() if x != item))
            if words[item] - others:
                out[item] = matched(intro)
    return out


def _moments(text: str) -> set[tuple[str, bool]]:
    """(moment, is_before) pairs a text speaks of."""
    return {(m.group(1).replace("签合同", "签订合同"), "前" in m.group(2)) for m in _MOMENT.finditer(text)}


#: a mark of a sentence (a title, signature or date line has none)
_PUNCTUATED = re.compile(r"[，,。；;：:？?！!、]")
#: a numbered heading alone (「一、总体要求」): its 、 is no sentence's, and it says nothing
_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^，,。；;：:？?！!]{1,20}$")


def _says_something(sentence: str) -> bool:
    """The line is a sentence, not a title, signature, date or bare numbered heading."""
    return bool(_PUNCTUATED.search(sentence)) and not _HEADING.match(strip_article_label(sentence).strip())


def key_sentence(article_text: str, query: str, alternatives: Sequence[Sequence[str]] = (),
                 statute: Mapping[str, Sequence[str]] | None = None, generic: Collection[str] = (),
                 title: str = "") -> str | None:
    """The sentence of an article that best matches the query's key terms (then bigrams); when the
    query asks for an amount, period or count, a sentence that states one is preferred; a sentence about
    another of ``alternatives`` than the query names is not (「对资格预审文件有异议的」 for 招标文件). A
    practice word counts as found by its ``statute`` wording (拦标价 by 最高投标限价). The article's own
    label (「第二十六条 」) is not part of the sentence: the citation prints it. A ``generic`` word (one every
    procurement article shares, a regime or question word) counts for little: 「政府采购投标保证金最多能收多少」
    quoted the refund sentence of 政府采购法实施条例第三十三条 for its 「政府采购合同」, not the 2% cap. A word of
    the document's ``title`` counts as generic too: every article of 《保障中小企业款项支付条例》 is about 中小企业,
    so the word does not single out one of its sentences. When the question asks whether something is allowed
    or required, a sentence saying so of the asked action (the duty word and a question word in one clause)
    is preferred."""
    from assistant.qa.refusal import key_terms  # late: refusal is a sibling step

    sentences = _sentences(article_text)
    if not sentences:
        return None
    terms = key_terms(query) if query else []
    generic = {*generic, *(t for t in terms if t in title)} if title else generic
    # a pair with a particle (「业的」「多少」 aside) says nothing of the topic (「小微企业的价格扣除比例」 matched the
    # consortium sentence's 「小微企业的合同份额」 by 「业的」 and beat the 小微企业 rate: QA report 3, D1)
    q = {b for b in char_pairs(query) if not any(c in _PARTICLES for c in b)}
    quantities = _Quantities.of(query)
    wants_duty = bool(query) and bool(_ASKS_DUTY.search(query))
    asks_leave = bool(query) and bool(_ASKS_LEAVE.search(query))
    broad = bool(query) and bool(_ASKS_RULES.search(query) or _ASKS_SANCTION.search(query))
    asks_list = bool(query) and bool(_ASKS_LIST.search(query))
    governing = _STATES_LEAVE if asks_leave else _STATES_DUTY
    asked_moments = _moments(query) if query else set()

    wordings = statute or {}

    def matched(s: str) -> list[str]:
        return words_in(s, terms, wordings)

    specific = [t for t in terms if t not in generic]

    def lexical(s: str) -> float:
        found = matched(s)
        found += [t for t in read_with.get(s, []) if t not in found]
        return sum(len(t) * (_GENERIC_WEIGHT if t in generic else 1.0) for t in found)

    def on_topic(s: str) -> bool:
        """The sentence shares a specific word of the question (any word, when the question has none)."""
        found = matched(s)
        return any(t not in generic for t in found) if specific else bool(found)

    def governed(clause: str) -> bool:
        """The clause says the duty of the asked act: of its object, when a sentence of the article rules on it."""
        return _rules_on(clause, asked_object, wordings) if asked_object else bool(governing.search(clause) and matched(clause))

    def score(s: str) -> tuple[float, int]:
        quantity = quantities.bonus(s, listed) if on_topic(s) else 0.0
        # an item of a list is said under its introduction's duty (「投诉人提起投诉应当符合下列条件：（一）……」)
        said = intros.get(s, "") + s
        duty = _DUTY_BONUS if wants_duty and on_topic(s) and _STATES_DUTY.search(said) else 0.0
        if duty and any(governed(c) for c in _CLAUSE.findall(said)):
            duty += _GOVERNED_DUTY_BONUS
        wrong_side = (any((m, not before) in asked_moments for m, before in _moments(s))
                      or _other_alternative(s, query, alternatives)) * _WRONG_SIDE
        presupposed = _PRESUPPOSED if s in presupposing else 0.0
        on_object = _ASKED_OBJECT * any(_rules_on(c, asked_object, wordings) for c in _CLAUSE.findall(s))
        deferred = (_DEFERRED if _DEFERS.match(strip_article_label(s)) else 0.0) + (_REFERRING if _REFERS_BACK.search(s) else 0.0)
        listing = _LIST_BONUS if asks_list and s.endswith(("：", ":")) and on_topic(s) else 0.0
        # a sentence that introduces a list is as long as the list (its short lead-in won ties over the whole rule)
        ties = 0.0 if broad else 0.25 * len(char_pairs(s) & q) - 0.002 * lengths[s]
        return (lexical(s) + quantity + duty + listing + on_object - wrong_side - unasked[s] - presupposed - deferred + ties,
                -sentences.index(s))

    # each sentence with the items it introduces, read once: their text (listed) and each item's introduction (intros)
    lists = [(s, _items_of(sentences, i)) for i, s in enumerate(sentences)]
    listed = {s: "".join(items) for s, items in lists}
    # a condition of fewer participants than the question tells is asked (「只来了两家」: 「投标人少于3个的，」)
    unasked = _unasked_weights(listed, asks_list,
                               lambda text: any(t not in generic for t in matched(text))
                               or covers_told_count(text, quantities.told))
    lengths = {s: len(s) + len(listed[s]) for s in sentences}
    intros = {item: s for s, items in lists for item in items}
    # a question for the cases of a list is answered by its introduction, not by one item (_ASKS_LIST)
    read_with = {} if asks_list else _intro_words(sentences, matched, generic)
    act = _asked_act(query, generic) if asks_leave else []
    presupposing = _presupposing(sentences, act, wordings) if asks_leave else set()
    asked_object = _asked_object(query, sentences, act, wordings)
    # a title, a signature, a date (「婺城区招投标领域治理改革方案」「202564」) or a bare heading (「一、总体要求」) is not a rule
    eligible = [s for s in sentences if _says_something(s)] or sentences
    best = max(eligible, key=score)
    if quantities.wanted and not _states_quantity(best, listed) and not (quantities.money and quantities.bonus(best, listed)):
        # a question of how much is answered by a sentence with the figure: the best one stating a
        # quantity wins when it shares at least half of the best sentence's terms (「小微企业价格扣除比例
        # 是多少」: 「报价给予6%—10%…的扣除」, not the later 「…不享受价格扣除优惠政策」)
        # (the best sentence's words in its opening condition do not count: 「招标文件要求中标人提交履约保证金的，中标人应当按照
        # 招标文件的要求提交」 restates 「招标文件要求中标人提交履约保证金的最高限额是多少」, and 「……不得超过中标合同金额的10%」 answers)
        stating = [s for s in sentences if _states_quantity(s, listed) and on_topic(s) and lexical(best) > 0
                   and 2 * lexical(s) >= lexical(_main_part(best))]
        if stating:
            best = max(stating, key=score)
    return strip_article_label(best if score(best)[0] > 0 else eligible[0])


def key_in_context(article_text: str, key: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """The key sentence as a reader can follow it: an item of a list (「（四）经评标委员会认定评分畸高、畸低的。」)
    with the sentence that introduces the list (「评标结果汇总完成后，除下列情形外，任何人不得修改评标结果：……」),
    「……」 standing for the items between, the introduction cut from its start when both exceed ``limit``
    characters; a section's short numbered headline with the sentence after it; any other key sentence as it is."""
    if not _ITEM.match(key):
        return key
    sentences = [flatten_ws(strip_article_label(x)) for x in _sentences(article_text)]
    if key not in sentences:
        return key
    i = sentences.index(key)
    if i == 0 and _HEADLINE.match(key) and len(sentences) > 1 and len(key) + len(sentences[1]) <= limit:
        # a section's numbered headline says what the section is about; its next sentence says what is done
        # (「（二）2026年，强化技术赋能。在全推广使用全省统一招投标交易平台……」)
        return key + sentences[1]
    for j in range(i - 1, -1, -1):
        if sentences[j].endswith(("：", ":")):
            # the introduction is the whole sentence: 政府采购法第七十七条's sanctions come before 「；构成犯罪的，……：」
            k = j
            while k > 0 and sentences[k - 1].endswith(("；", ";")) and not _ITEM.match(sentences[k - 1]):
                k -= 1
            lead_in = "".join(sentences[k:j + 1]) + ("……" if j < i - 1 else "")
            room = limit - len(key)
            if len(lead_in) > room:
                lead_in = "……" + lead_in[len(lead_in) - room + 2:] if room > 2 else ""
            return lead_in + key
        if not _ITEM.match(sentences[j]):
            break
    return key


#: a short numbered headline opening a policy's section: 「（二）2026年，强化技术赋能。」
_HEADLINE = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)][^。；：:;]{2,16}。$")


#: two words sharing one head (「中标或者成交供应商」, 「货物和服务项目」)
_SHARED_HEAD = re.compile(r"([\u4e00-\u9fff]{2})(?:或者|或|和|及|、)([\u4e00-\u9fff]{2})(供应商|人|项目|文件|小组)")


def _other_alternative(sentence: str, query: str, alternatives: Sequence[Sequence[str]]) -> bool:
    """The sentence names a member of a group the query names another member of, and not the query's (a member
    said with a head it shares with another, 「中标或者成交供应商」, is named: 中标供应商)."""
    sentence += "".join(f"|{m[1]}{m[3]}|{m[2]}{m[3]}" for m in _SHARED_HEAD.finditer(sentence))
    for group in alternatives:
        asked = [w for w in group if w in query]
        if asked and not any(w in sentence for w in asked) and any(w in sentence for w in group if w not in asked):
            return True
    return False


def rules_on_other_alternative(sentence: str, query: str, alternatives: Sequence[Sequence[str]]) -> bool:
    """The sentence's rule, after its opening condition, is about another member of a group than the query names, the
    query's member being only its condition (「质疑供应商对……的答复不满意……的，可以在答复期满后15个工作日内……提起投诉」
    rules on 投诉, not on 质疑)."""
    condition = opening_condition(sentence, across_clauses=True)
    return (bool(condition) and not _other_alternative(sentence, query, alternatives)
            and _other_alternative(sentence[len(condition):], query, alternatives))


def sentences_citing(text: str, n: int) -> str:
    """The answer sentences that carry marker [n] (to pick the key sentence of that article)."""
    out = []
    for sentence in re.split(r"(?<=[。；！？\n])", text):
        if any(n in numbers for _, numbers in parse_markers(sentence)):
            out.append(MARKER_RE.sub("", sentence))
    return "".join(out)


def make_citation(item: ContextItem, query: str, words: GateWords | None = None) -> Citation:
    """A context item cited with the sentence of its article that carries ``query``'s point, chosen as in the
    no-LLM answer (statute wordings, alternatives groups and generic words from the lexicon's ``words``)."""
    hit: Hit = item.hit
    key = (key_sentence(hit.text, query, words.alternatives, words.statute_words, words.generic_terms, hit.title) if words
           else key_sentence(hit.text, query, title=hit.title))
    return Citation(**hit.model_dump(), n=item.n, key_sentence=key)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
