"""Multi-turn: turn a follow-up question into a standalone one before retrieval.

With an LLM the `condense` prompt rewrites it. Without one (backend `none`) a simple rule:
a short follow-up that leans on the previous turn (「那货物类的呢？」「这个期限是多少」) is joined
with the previous standalone question, so it inherits that question's topic and law; a
question that names its own law or article, or is long enough to stand alone, is kept as is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.citations import find_article_refs
from assistant.text_zh import flatten_ws, normalize

if TYPE_CHECKING:
    from assistant.qa.understanding import Lexicon

#: Openers and words that point back to the previous turn.
_FOLLOW_UP_START = re.compile(r"^(?:那么?|那如果|如果是|要是|还有|另外|此外|同样|这个|这种|这些|这条|该条|此条|上述|它|其|那个|那些)")
_BACK_REFERENCE = re.compile(r"(这个|这种|这些|这条|该条|此条|上述|上面|前面|它的?|其中|那个|那些|同样|也是|还是|呢[？?]?$)")
#: a law's name, not a word ending in 法 (「跟违法分包的区别呢」: 违法, 合法, 方法, 做法, 依法 …)
_OWN_LAW = re.compile(r"《[^》]+》|[\u4e00-\u9fa5]{2,12}(?:(?<![违合方做非说想看守执依立司])法|条例|办法)")
#: Follow-ups are short; anything longer is treated as a new question.
MAX_FOLLOW_UP_CHARS = 20
HISTORY_TURNS = 3


#: how a follow-up asks the previous question of another law (「那按招标投标法呢？」「招标投标法是怎么规定的」)
_LAW_LEAD = re.compile(r"^(?:那么?|那如果是?|如果是|要是)?(?:按照|依照|依据|根据|按)?")
_LAW_TAIL = re.compile(r"(?:中|里|里面)?(?:的规定|规定)?(?:呢|是?怎么规定的?|是?如何规定的?)?[？?。]?$")
#: the question a law follow-up stands for: the previous one, of that law
LAW_FOLLOW_UP = "按照{law}，{question}"


def only_law(question: str) -> str | None:
    """The law a follow-up names and nothing else (「那按招标投标法呢？」 -> 招标投标法), else None."""
    q = _LAW_TAIL.sub("", _LAW_LEAD.sub("", normalize(question).strip(), count=1), count=1)
    return q if q and _OWN_LAW.fullmatch(q) and not find_article_refs(q) else None


def is_follow_up(question: str, lexicon: Lexicon | None = None, vocabulary: str | None = None) -> bool:
    """Whether a question leans on the previous turn: short, and opening or pointing back like a follow-up
    (「那货物类的呢？」「这个期限是多少」). With ``lexicon``, also a short question that names nothing of the
    domain (「违反了怎么处罚」「从什么时候开始算」「可以要求现金吗」): it asks about the previous one's subject,
    unless it uses words the knowledge base (``vocabulary``, its normalized text) never uses (「天气怎么样」)."""
    q = normalize(question).strip()
    if len(q) > MAX_FOLLOW_UP_CHARS:
        return False
    if find_article_refs(q) or _OWN_LAW.search(q):
        # 「按招标投标法呢」 asks the previous question of that law; 「招标投标法第十条呢」 names its own article
        return bool(_FOLLOW_UP_START.match(q) or only_law(q)) and not find_article_refs(q)
    if _FOLLOW_UP_START.match(q) or _BACK_REFERENCE.search(q) or len(q) <= 6:
        return True
    if lexicon is not None and lexicon.definitions.compared_with(q) is not None:  # 「和邀请招标有什么区别」
        return True
    return lexicon is not None and _asks_without_subject(q, lexicon, vocabulary)


def _asks_without_subject(q: str, lexicon: Lexicon, vocabulary: str | None) -> bool:
    from assistant.qa.refusal import key_terms

    words = lexicon.refusal_words
    if any(d in q for d in words.domain_terms) or not any(m in q for m in lexicon.question_markers):
        return False
    return vocabulary is None or all(t in vocabulary for t in key_terms(q, words))


def rule_condense(question: str, history: Sequence[tuple[str, str]], lexicon: Lexicon | None = None,
                  vocabulary: str | None = None) -> str:
    """Standalone question by rule: follow-ups inherit the previous standalone question (its topic, or
    with ``lexicon``, its question about an alternative or a new subject: see `_join`). ``vocabulary``: the
    knowledge base's normalized text (see `is_follow_up`)."""
    previous: str | None = None
    for user_turn, _ in history:
        follows = previous and is_follow_up(user_turn, lexicon, vocabulary)
        previous = _join(user_turn, previous, lexicon, vocabulary) if previous and follows else user_turn
    q = question.strip()
    if previous and is_follow_up(q, lexicon, vocabulary):
        return _join(q, previous, lexicon, vocabulary)
    return q


def _join(follow_up: str, previous: str, lexicon: Lexicon | None = None, vocabulary: str | None = None) -> str:
    """The follow-up made standalone. A follow-up naming an alternative of a word of the previous question
    (`Lexicon.alternatives`: 投诉 for 质疑, 工程项目 for 政府采购项目) asks the previous question about it. A
    follow-up naming a subject of its own (「那履约保证金呢？」) asks the
    previous question about it: its analogue there is replaced (「投标保证金最多能收多少」 ->
    「履约保证金最多能收多少」), or, with no analogue, it stands alone; otherwise (a regime, a place, a
    back-reference: 「那政府采购项目呢？」「这个期限是多少」) it is joined to the previous question."""
    tail = re.sub(r"^(?:那么?|那如果|另外|还有|此外)[，,]?", "", follow_up.strip())
    previous = previous.strip().rstrip("？?。")
    if (law := only_law(follow_up)) is not None:  # the previous question asked of that law, not of its own
        return LAW_FOLLOW_UP.format(law=law, question=re.sub(r"^按照[^，]+，", "", previous))
    if lexicon is not None and (compared := _comparison(tail, previous, lexicon)) is not None:
        return compared
    if lexicon is not None and (swapped := _swap_alternative(tail, previous, lexicon)) is not None:
        return swapped
    if lexicon is not None and (subject := _new_subject(tail, previous, lexicon)) is not None:
        analogue = _analogue(subject, previous, lexicon)
        return previous.replace(analogue, subject) if analogue else tail
    q = normalize(follow_up).strip()
    if (lexicon is not None and not _FOLLOW_UP_START.match(q) and not _BACK_REFERENCE.search(q)
            and _asks_without_subject(q, lexicon, vocabulary) and (subject_words := _subject_words(previous, lexicon))):
        # a new question on the same subject: 「可以要求现金吗」 after 「履约保证金最多收多少」 asks about
        # 履约保证金, not about its cap again (joined whole, the previous question drowned it)
        return f"{''.join(subject_words)}，{tail}"
    return f"{previous}；{tail}"


def _comparison(tail: str, previous: str, lexicon: Lexicon) -> str | None:
    """「公开招标和邀请招标有什么区别」 for 「那和邀请招标有什么区别？」 after 「什么是公开招标」: a follow-up comparing one
    term with the term the previous question asked about (what it asked the meaning of, else its term sharing a
    domain word with the new one: 投标保证金 of 「投标保证金最多收多少」 for 「和履约保证金有什么区别」, or an alternative
    to it: 质疑 of 「质疑期限是多少天」 for 「那和投诉有什么区别」); None for any other."""
    defs = lexicon.definitions
    other = defs.compared_with(tail)
    if other is None:
        return None
    term = defs.term(previous) or _alternative_of(other, previous, lexicon) or _analogue(other, previous, lexicon)
    return defs.comparison(term, other) if term is not None and term != other else None


def _alternative_of(word: str, question: str, lexicon: Lexicon) -> str | None:
    """The longest member of a group of `Lexicon.alternatives` with ``word`` that the question names, else None."""
    for group in lexicon.alternatives:
        named = [w for w in group if w in question and w != word and word not in w]
        if word in group and named:
            return max(named, key=len)
    return None


def _subject_words(question: str, lexicon: Lexicon) -> list[str]:
    """The words of a question naming something of the domain (履约保证金, 中标候选人; not 最多, 多长)."""
    from assistant.qa.refusal import key_terms

    words = lexicon.refusal_words
    return [t for t in key_terms(question, words) if any(d in t for d in words.domain_terms)]


def _swap_alternative(tail: str, previous: str, lexicon: Lexicon) -> str | None:
    """The previous question about the follow-up's alternative (「那投诉呢？」 after 「…提出质疑的期限是多少」
    -> 「…提出投诉的期限是多少」; 「那工程项目呢？」 after 「政府采购项目投标保证金…」): the longest member of a
    group of `Lexicon.alternatives` the follow-up names, in place of the longest one the previous
    question names; None when no group has a member on both sides."""
    for group in lexicon.alternatives:
        new = [w for w in group if w in tail and w not in previous]
        old = [w for w in group if w in previous and w not in tail]
        if new and old:
            return previous.replace(max(old, key=len), max(new, key=len))
    return None


def _new_subject(tail: str, previous: str, lexicon: Lexicon) -> str | None:
    """A concept of the domain the follow-up names and the previous question does not; regime and
    procurement-method words (政府采购, 工程, 询价) change the context, not the subject."""
    from assistant.qa.refusal import key_terms

    words = lexicon.refusal_words
    context = [w for r in (*lexicon.regimes, *lexicon.methods) for w, _ in r.signals]
    for term in key_terms(tail, words):
        if (len(term) >= 2 and term not in previous and any(d in term for d in words.domain_terms)
                and not any(term in c or c in term for c in context)):
            return term
    return None


def _analogue(subject: str, previous: str, lexicon: Lexicon) -> str | None:
    """The previous question's term that shares a domain word with `subject` at the same end (投标保证金 for
    履约保证金, 中标通知书 for 中标公告), the longest shared part first."""
    from assistant.qa.refusal import key_terms

    domain = lexicon.refusal_words.domain_terms
    best: tuple[int, str] | None = None
    for term in key_terms(previous, lexicon.refusal_words):
        if term == subject:
            continue
        for shared in (_common_start(term, subject), _common_start(term[::-1], subject[::-1])[::-1]):
            if len(shared) >= 2 and any(d in shared for d in domain) and (best is None or len(shared) > best[0]):
                best = (len(shared), term)
    return best[1] if best else None


def format_history(history: Sequence[tuple[str, str]], turns: int = HISTORY_TURNS, max_answer_chars: int = 200) -> str:
    """History for the condense prompt: the last turns, answers shortened."""
    lines = []
    for user_turn, answer in list(history)[-turns:]:
        lines.append(f"用户：{user_turn.strip()}")
        short = flatten_ws(answer)
        lines.append(f"助手：{short[:max_answer_chars]}{'……' if len(short) > max_answer_chars else ''}")
    return "\n".join(lines)


def _common_start(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]
