"""Understand a practitioner's question before retrieval.

Real questions are long and carry a story (「近日，有采购人咨询，他们计划采购一批办公家具……」),
use practice words the statutes phrase differently (样品, 顺延, 拦标价) and belong to one of two
regimes with different governing documents (政府采购 vs 依法必须招标的工程). This module, driven by
the data file ``knowledge_base/qa_lexicon.yaml``:

- separates the legal question (the sentences that ask) from the background;
- detects the regime from weighted signal words, and names the documents that govern it;
- maps practice words to statute wording (query expansion);
- exposes the vocabulary as jieba user words for the BM25 tokenizer;
- holds the words of the no-LLM answer gate (``assistant.qa.extractive``) as :class:`GateWords`
  and those of the refusal check (``assistant.qa.refusal``) as :class:`RefusalWords`.

Nothing here touches the index: the retriever decides how to use an :class:`Understanding`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import text_zh
from assistant.errors import ConfigError
from assistant.qa import defining

if TYPE_CHECKING:
    from assistant.retrieval import Planner

log = logging.getLogger(__name__)

LEXICON_FILE = "qa_lexicon.yaml"
#: the sections holding the no-LLM answer gate's words (lists of words)
GATE_SECTIONS = ("generic_terms", "penalty_words", "consequence_words", "sanction_words", "permission_words")
#: the section holding the refusal check's words, and its keys (lists of words, two mappings)
REFUSAL_SECTION = "refusal"
REFUSAL_LISTS = ("domain_terms", "question_words", "known_titles", "known_short_titles", "other_places",
                 "local_policy_words")
REFUSAL_MAPPINGS = ("synonyms", "short_forms", "topic_documents", "home_places", "repealed_documents")
#: the top-level sections of the lexicon file (any other is a typo: a configuration error)
SECTIONS = frozenset({"practice_terms", "regimes", "regime_margin", "specific_rules", "story_markers", "courtesy_words",
                      "persona_markers", "basis_requests", "basis_words", "alternatives", "question_markers", "scope",
                      "methods", "method_penalty", "method_bound", "definitions", "secondary_documents", "status_words",
                      "overview_words", "document_terms", "document_term_boost",
                      *GATE_SECTIONS, REFUSAL_SECTION})
#: the keys of the ``definitions`` section (each a list of words or templates)
DEFINITION_KEYS = ("questions", "bare_questions", "comparisons", "comparison_joins", "attributes", "lead_words", "verbs",
                   "case_verbs", "collective_words", "qualifiers", "fillers")
#: the place of the term in a definitional question template (「什么是{term}」)
TERM_SLOT = "{term}"
#: the places of the two terms in a comparison template (「{a}和{b}有什么区别」)
PAIR_SLOTS = ("{a}", "{b}")
#: a defined term is this long at most (a longer 「什么是……」 asks about a situation, not a term)
MAX_TERM_CHARS = 15

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
#: a question sentence shorter than this borrows the sentence before it (「这样可以吗？」)
SHORT_QUESTION = 14
#: questions longer than this are treated as narrative and get a separate core question
NARRATIVE_CHARS = 60
#: an asking sentence that points back (「招标人有没有这个权力」) borrows the sentence before it,
#: unless what it points to can be in the sentence itself (this many characters before the word)
_REFERS_BACK = re.compile(r"这个|这种|这样|这么|这些|此类|此种|上述|该情况|该做法")
ANTECEDENT_CHARS = 18


class LexiconError(ConfigError):
    """The lexicon file is unreadable or malformed (message in Chinese, details in the log): a
    configuration error, reported like the others by the CLI, the REST API and the web app."""


@dataclass(frozen=True)
class Regime:
    name: str
    signals: tuple[tuple[str, float], ...]
    documents: tuple[str, ...]


#: the length of a trigger of a several-trigger practice term said by its statute wordings (:meth:`Lexicon.statute_words_for`)
_SHORT_TRIGGER = 2
#: practice word -> its statute wording (:attr:`Lexicon.statute_words`)
StatuteWords = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class GateWords:
    """What the no-LLM answer gate (``assistant.qa.extractive``) reads from the lexicon."""

    #: practice word -> its statute wording: an article carrying the wording carries the word
    statute_words: StatuteWords = field(default_factory=dict)
    #: words a stated article need not contain (shared by every procurement article, question words,
    #: words naming the regime only)
    generic_terms: frozenset[str] = frozenset()
    #: sanctions: an article naming two of them is a penalty (法律责任) article
    penalty_words: tuple[str, ...] = ()
    #: words by which a question asks about consequences (only such a question gets a penalty article)
    consequence_words: tuple[str, ...] = ()
    #: words by which a question asks for the sanction itself (处罚, 罚款): a duty is no answer to it
    sanction_words: tuple[str, ...] = ()
    #: words by which a question asks whether an act is allowed (能否, 可以): a penalty article naming the act
    #: itself answers it (the act is unlawful)
    permission_words: tuple[str, ...] = ()
    #: words of the question itself (the refusal section's): a token glued from them and generic words
    #: (「最多能」) is not a subject word either
    question_words: frozenset[str] = frozenset()
    #: groups of words that stand for one another (``Lexicon.alternatives``): a sentence about another
    #: member than the question's is not the one to quote (资格预审文件 for a 招标文件 question)
    alternatives: tuple[tuple[str, ...], ...] = ()
    #: the names a question may call a document by (alias -> title, the knowledge base's alias map): an
    #: article carries the words of the names of its own document that the question uses (「87号令对样品……」)
    document_names: Mapping[str, str] = field(default_factory=dict)
    #: a general law's title -> the titles of the specific rules implementing it (``specific_rule_titles``): of two
    #: articles saying the same, the specific rule's is stated first (94号令第十七条 before 政府采购法第五十五条)
    specific_rules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RefusalWords:
    """What the refusal check (``assistant.qa.refusal``) reads from the lexicon (section ``refusal``)."""

    #: concepts of the product's domain: a question naming one gets the low in-domain coverage floor
    domain_terms: tuple[str, ...] = ()
    #: words of the question itself (not of its subject), left out of its key terms
    question_words: frozenset[str] = frozenset()
    #: colloquial word -> statute wordings that count as finding it in the evidence
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: short form inside a word -> its statute wording (the first that applies)
    short_forms: Mapping[str, str] = field(default_factory=dict)
    #: widely cited regulations matched anywhere in a question; laws cited by a two-character short form
    known_titles: tuple[str, ...] = ()
    known_short_titles: tuple[str, ...] = ()
    #: topic word -> the rule of its own that governs it (竞争性磋商 -> 财库〔2014〕214号)
    topic_documents: Mapping[str, str] = field(default_factory=dict)
    #: places whose own policy the knowledge base may lack, and the words asking for a place's policy
    other_places: tuple[str, ...] = ()
    local_policy_words: tuple[str, ...] = ()
    #: places some of whose own documents the knowledge base holds -> the local documents it lacks
    home_places: Mapping[str, str] = field(default_factory=dict)
    #: a repealed document's name -> the document that replaced it (合同法 -> 中华人民共和国民法典)
    repealed_documents: Mapping[str, str] = field(default_factory=dict)


#: where the first question of a message ends, and where a clause of it does
_QUESTION_END = re.compile(r"[？?]")
_CLAUSE_BREAK = re.compile(r"[：:，,；;。！!]")


def _strip_words(text: str, words: tuple[str, ...], lead: bool) -> str:
    """``text`` without any of ``words`` at its start (``lead``) or its end, repeatedly."""
    while True:
        word = next((w for w in words if (text.startswith(w) if lead else text.endswith(w))), None)
        if word is None:
            return text
        text = text[len(word):] if lead else text[:-len(word)]


@dataclass(frozen=True)
class Definitions:
    """Definitional questions and defining sentences (section ``definitions``): how a question asks
    what a term means (「什么是{term}」), and how an article defines one: 「本法所称政府采购，是指……」
    (``lead_words`` before the term, a ``verb`` after it), 「招标代理机构是依法设立……的社会中介组织」."""

    #: question templates, each with the slot {term}
    questions: tuple[str, ...] = ()
    #: words that may come right before the term in a defining sentence (所称)
    lead_words: tuple[str, ...] = ()
    #: words that follow the term (after an optional comma) in a defining sentence (是指)
    verbs: tuple[str, ...] = ()
    #: qualifiers a question may put before a term the articles define bare (「政府采购工程」: 本法所称工程)
    qualifiers: tuple[str, ...] = ()
    #: words of emphasis a question puts around the term (「到底」「究竟」): not part of it
    fillers: tuple[str, ...] = ()
    #: templates that ask what a term is only when the term is a bare name (「竞争性谈判是什么」), not something of
    #: another thing (「投标保证金的比例是什么」: a 的, or one of ``attributes`` at its end)
    bare_questions: tuple[str, ...] = ()
    #: what a question may ask of a thing rather than what it is (比例, 期限, 条件): a term ending in one is no term
    #: of a ``bare_questions`` template
    attributes: tuple[str, ...] = ()
    #: words that say which cases are the term (「有下列情形之一的，属于投标人相互串通投标：」「……的，视为……」)
    case_verbs: tuple[str, ...] = ()
    #: words that give the things before them a collective name in parentheses (「省、市、县人民政府有关行政部门
    #: （以下统称行政监督部门）」): the sentence names the term
    collective_words: tuple[str, ...] = ()
    #: templates asking how two terms differ (「{a}和{b}有什么区别」), each term a bare name
    comparisons: tuple[str, ...] = ()
    #: words that may stand for the 和 between the two terms of a comparison template (「{a}与{b}……」)
    comparison_joins: tuple[str, ...] = ()

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        return _templates(self.questions)

    @cached_property
    def _bare_patterns(self) -> tuple[re.Pattern[str], ...]:
        return _templates(self.bare_questions)

    def _bare(self, term: str) -> bool:
        """A name rather than something of another thing: no 的, not ending in an attribute (比例, 期限)."""
        return "的" not in term and not term.endswith(self.attributes)

    def term(self, question: str) -> str | None:
        """The term a definitional question asks about (「什么是公开招标？」 -> 公开招标), else None. Of a message asking
        several questions, the first one decides (「什么是工程转包？什么是肢解分包？」 -> 工程转包), by its last clause
        (「我想问一下：什么是竞争性谈判？」); ``fillers`` around the term are not part of it (「政府采购到底是指什么」 ->
        政府采购)."""
        q = self._asked(question)
        for patterns, bare in ((self._patterns, False), (self._bare_patterns, True)):
            for pattern in patterns:
                m = pattern.match(q)
                if m:
                    term = _strip_words(m.group("term"), self.fillers, lead=False)
                    # 「招标投标法第二十条是什么」 asks for an article, not what a word means
                    named_article = _ARTICLE_REF.search(term) is not None
                    return term if len(term) >= 2 and not named_article and (not bare or self._bare(term)) else None
        return None

    def _asked(self, question: str) -> str:
        """What a definitional question is read from: the message's first question, its last clause (what comes
        before is a lead-in: 「我想问一下：什么是竞争性谈判」「在政府采购中，什么是……」), without leading fillers."""
        q = _QUESTION_END.split(question.strip(), maxsplit=1)[0].strip().rstrip("？?。！!　 ")
        return _strip_words(_CLAUSE_BREAK.split(q)[-1].strip(), self.fillers, lead=True)

    def _joined(self, first: str) -> tuple[str, ...]:
        """The comparison templates with each join between the two terms, ``first`` in place of the first term's slot
        (nothing: a follow-up's 「和{b}有什么区别」, which no 、 opens)."""
        a, b = PAIR_SLOTS
        joins = ("和", *self.comparison_joins)
        return tuple(dict.fromkeys(t.replace(f"{a}和{b}", f"{first}{j}{b}") for t in self.comparisons for j in joins
                                   if first or j != "、"))

    @cached_property
    def _comparison_patterns(self) -> tuple[re.Pattern[str], ...]:
        a, b = PAIR_SLOTS
        return _templates(self._joined(a), {a: "a", b: "b"}, also_not=_NOT_IN_COMPARED)

    def _compared(self, term: str) -> bool:
        """Whether a term of a comparison is one: two characters or more, a bare name, no article."""
        return len(term) >= 2 and self._bare(term) and not _ARTICLE_REF.search(term)

    def pair(self, question: str) -> tuple[str, str] | None:
        """The two terms a question compares (「公开招标和邀请招标有什么区别？」 -> 公开招标, 邀请招标), else None; by the
        first question of a message and its last clause, as for `term`."""
        q = self._asked(question)
        for pattern in self._comparison_patterns:
            m = pattern.match(q)
            if m:
                a, b = (_strip_words(m.group(g), self.fillers, lead=False) for g in ("a", "b"))
                return (a, b) if self._compared(a) and self._compared(b) and a != b else None
        return None

    @cached_property
    def _follow_up_patterns(self) -> tuple[re.Pattern[str], ...]:
        return _templates(self._joined(""), {PAIR_SLOTS[1]: "b"}, also_not=_NOT_IN_COMPARED)

    def compared_with(self, question: str) -> str | None:
        """The one term a follow-up compares the previous question's term with (「那和邀请招标有什么区别？」 -> 邀请招标,
        the comparison templates without their first term), else None."""
        q = _strip_words(self._asked(question).removesuffix("呢"), ("那么", "那"), lead=True)
        for pattern in self._follow_up_patterns:
            m = pattern.match(q)
            if m:
                term = _strip_words(m.group("b"), self.fillers, lead=False)
                return term if self._compared(term) else None
        return None

    def comparison(self, a: str, b: str) -> str:
        """The question comparing the two terms, in the first comparison template (「公开招标和邀请招标有什么区别」)."""
        first, second = PAIR_SLOTS
        template = self.comparisons[0] if self.comparisons else f"{first}和{second}有什么区别"
        return template.replace(first, a).replace(second, b)

    def both(self, text: str, a: str, b: str) -> tuple[str, str] | None:
        """The two sentences of one article's text naming the two terms (「……是指……」 each; one may open a list of
        what the term is, 「本条例所称违法分包，是指下列行为：」), in the article's order, else None."""
        found = [self.naming(text, t) for t in (a, b)]
        if found[0] is None or found[1] is None or found[0] == found[1]:
            return None
        first, second = sorted((found[0], found[1]), key=text.find)
        return first, second

    def naming(self, text: str, term: str) -> str | None:
        """The sentence of an article's text that names the term with a definition (「……是指……」, not a list of
        its cases), by the term or its bare form (`forms`), else None."""
        return next((s for f in self.forms(term) if (s := self.sentence(text, f)) is not None and self._names(s, f)),
                    None)

    def forms(self, term: str) -> tuple[str, ...]:
        """The term, then the term without a qualifier the question put before it (政府采购工程 -> 工程)."""
        bare = [term[len(q):] for q in self.qualifiers if term.startswith(q) and len(term) - len(q) >= 2]
        return tuple(dict.fromkeys((term, *bare)))

    def sentence(self, text: str, term: str) -> str | None:
        """The sentence of an article's text that defines the term, else None."""
        return next((s for s in text_zh.split_sentences(text_zh.strip_article_label(text)) if self.defines(s, term)),
                    None)

    def fit(self, text: str, term: str) -> int:
        """How closely an article's defining sentence names the term: 0 for a definition (「……是指」), else the
        length of the name its cases are said to be (「投标人相互串通投标」 9 before 「招标人与投标人串通投标」 11 for
        围标); a large number when it defines nothing."""
        s = self.sentence(text, term)
        if s is None:
            return 1_000
        return 0 if self._names(s, term) else min((len(n) for n in self._case_names(s, term)), default=1_000)

    def _names(self, sentence: str, term: str) -> bool:
        """Nothing or a lead word before the term, a verb after it (「本法所称政府采购，是指……」); or the term the collective
        name of what comes before it (「……有关行政部门（以下统称行政监督部门）」)."""
        if any(f"（{w}{term}）" in sentence for w in self.collective_words):
            return True
        pos = sentence.find(term)
        if pos < 0:
            return False
        before = sentence[:pos].strip()
        after = sentence[pos + len(term):].lstrip("，, ")
        return (not before or before.endswith(self.lead_words)) and after.startswith(self.verbs)

    def defines(self, sentence: str, term: str) -> bool:
        """Whether the sentence defines the term: it names the term (a lead word or nothing before it, a verb after
        it) or says which cases are the term."""
        return self._names(sentence, term) or self._lists_cases(sentence, term)

    def _lists_cases(self, sentence: str, term: str) -> bool:
        """Whether the sentence says which cases are the term (「有下列情形之一的，属于投标人相互串通投标：」 for 串通投标)."""
        return bool(self._case_names(sentence, term))

    def _case_names(self, sentence: str, term: str) -> list[str]:
        """The names the sentence gives its cases that end in the term: a clause before its list (or of the
        sentence when it has none) made of a case verb and a name (「视为投标人串通投标」「应予废标」), or the term
        alone after a list's introduction (「投标人存在下列情况之一的，投标无效：」)."""
        listed = re.search(r"[：:]", sentence) is not None
        head = re.split(r"[：:]", sentence, maxsplit=1)[0] if listed else sentence.rstrip("。；;")
        clauses = [c.strip() for c in re.split(r"[，,]", head)]
        # each name without its case verb (「投标人相互串通投标」 of 「属于投标人相互串通投标」), the term included
        names = []
        for c in clauses:
            verb = next((v for v in sorted(self.case_verbs, key=len, reverse=True) if c.startswith(v)), None)
            name = c.removesuffix("的行为")[len(verb):] if verb is not None else ""
            if name.endswith(term) and _kind_of(name[:-len(term)]):
                names.append(name)
        if listed and "下列" in head and clauses[-1] == term:
            names.append(term)
        return names


def _kind_of(qualifier: str) -> bool:
    """Whether cases named with this qualifier before the term are cases of the term itself: none, the parties
    (「投标人相互」「招标人与投标人」), a reference (「招标投标法第三十三条规定的」) or the rest of its ways after one
    (「……规定的以其他方式」); not a worse kind of it (「属于虚假、恶意投诉」 lists no cases of 投诉, 「属于招标投标法第四条
    规定的规避招标」 none of 招标, 「……规定的以他人名义投标」 none of 投标)."""
    rest = qualifier.rsplit("的", 1)[-1]
    return not rest or rest.endswith(("人", "人相互")) or rest.startswith("以其他")


#: characters no compared term has: a join (a term is no list of terms: 「公开招标和邀请招标和竞争性谈判」) or a question
#: word (「邀请招标有哪些」 of 「公开招标和邀请招标有哪些区别」 before that template was added)
_NOT_IN_COMPARED = "、和与跟及哪吗么呢"
#: an article named in a question (「第二十条」「第34条」)
_ARTICLE_REF = re.compile(rf"第\s*(?:{text_zh.ARTICLE_NO_PATTERN})\s*[条款项]")


def _templates(questions: tuple[str, ...], slots: Mapping[str, str] | None = None,
               also_not: str = "") -> tuple[re.Pattern[str], ...]:
    """Each question template as a pattern matching a whole question, each of its ``slots`` (default: {term})
    a named group for a term of 2 to MAX_TERM_CHARS characters without punctuation (nor ``also_not``)."""
    name = rf"[^，,。；;？?！!\s{also_not}]{{2,{MAX_TERM_CHARS}}}?"
    out = []
    for t in questions:
        pattern = re.escape(t)
        for slot, group in (slots or {TERM_SLOT: "term"}).items():
            pattern = pattern.replace(re.escape(slot), f"(?P<{group}>{name})")
        out.append(re.compile(f"^{pattern}$"))
    return tuple(out)


@dataclass(frozen=True)
class Lexicon:
    practice_terms: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    regimes: tuple[Regime, ...] = ()
    regime_margin: float = 2.0
    specific_rules: tuple[tuple[str, tuple[str, ...]], ...] = ()
    story_markers: tuple[str, ...] = ()
    #: greetings, thanks and pleas of a chat message (「老师您好」「谢谢」「在线等，急」): a leading or closing clause
    #: made of them alone carries no question and is dropped (``strip_chat``)
    courtesy_words: tuple[str, ...] = ()
    #: how a self-introduction begins (「我是采购代理机构的工作人员，」): the clause is dropped (``strip_chat``)
    persona_markers: tuple[str, ...] = ()
    #: asking for the basis every answer gives (「依据是哪一条？」): dropped like courtesy words (``strip_chat``)
    basis_requests: tuple[str, ...] = ()
    #: words that ask for the basis only in a clause of their own (「有没有相关规定？」): such a clause is dropped
    basis_words: tuple[str, ...] = ()
    question_markers: tuple[str, ...] = ()
    #: groups of words that stand for one another in a follow-up (质疑 / 投诉, 货物 / 服务)
    alternatives: tuple[tuple[str, ...], ...] = ()
    #: words of topics outside procurement law (a company buyer's daily work, market information)
    off_topic_terms: tuple[str, ...] = ()
    #: words that make a question a request for project / market information, not a legal question
    information_terms: tuple[str, ...] = ()
    #: words that put a question inside public procurement / tendering law
    legal_terms: tuple[str, ...] = ()
    #: procurement methods (招标 vs 谈判/询价/单一来源): signal words and the documents that govern them
    methods: tuple[Regime, ...] = ()
    #: score taken from the documents of another method when the question names only one method
    method_penalty: float = 0.0
    #: methods whose rules apply to them alone (74号令第二条: 竞争性谈判、单一来源采购和询价): an article of
    #: such a rule is never stated as the answer to a question that names only another method
    method_bound: tuple[str, ...] = ()
    #: documents that answer a question only when it asks about them (section ``secondary_documents``): each
    #: group's documents and the words by which a question asks about them (as a Regime), and the score
    #: their entries lose for a question that does not
    secondary: tuple[tuple[Regime, float], ...] = ()
    #: words of one document's own that no other document of the knowledge base uses (a policy's names for its
    #: measures: 评定分离 of 婺区政发〔2025〕8号), by document name (section ``document_terms``); a question using one
    #: asks about that document's passages that use it, which gain ``document_term_boost``
    document_terms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    document_term_boost: float = 0.0
    #: the answer gate's words (sections ``generic_terms``, ``penalty_words``, ``consequence_words``,
    #: ``sanction_words``, ``permission_words``)
    generic_terms: tuple[str, ...] = ()
    penalty_words: tuple[str, ...] = ()
    consequence_words: tuple[str, ...] = ()
    sanction_words: tuple[str, ...] = ()
    permission_words: tuple[str, ...] = ()
    #: the refusal check's words (section ``refusal``)
    refusal_words: RefusalWords = RefusalWords()
    #: definitional questions and defining sentences (section ``definitions``)
    definitions: Definitions = Definitions()
    #: words asking, right after a document's name, whether it is in force and which version (「87号令还有效吗」)
    status_words: tuple[str, ...] = ()
    #: words asking, with a document's name and nothing else, what the document contains (「87号令的主要内容是什么」)
    overview_words: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        return _load(str(path), path.stat().st_mtime if path.exists() else 0.0)

    def user_words(self) -> list[str]:
        """Practice words and statute terms to keep whole when tokenizing (jieba user dictionary)."""
        words: list[str] = []
        own_terms = [w for _, ws in self.document_terms for w in ws]
        for w in (*(w for triggers, terms in self.practice_terms for w in (*triggers, *terms)), *own_terms):
            if len(w) >= 2 and w not in words and not re.search(r"[0-9A-Za-z]", w):
                words.append(w)
        return words

    @cached_property
    def chat_clause_words(self) -> tuple[str, ...]:
        """Words a dropped chat clause may consist of (courtesy and basis requests), longest first."""
        return tuple(sorted({*self.courtesy_words, *self.basis_requests, *self.basis_words}, key=len, reverse=True))

    @cached_property
    def chat_edge_words(self) -> tuple[str, ...]:
        """Words cut from the very start or end of a chat message (courtesy and basis requests of two or more
        characters), longest first."""
        edge = {*self.courtesy_words, *self.basis_requests}
        return tuple(w for w in self.chat_clause_words if len(w) >= 2 and w in edge)

    @cached_property
    def statute_words(self) -> dict[str, tuple[str, ...]]:
        """Practice word -> the statute wording for it (the single-trigger practice terms)."""
        return {triggers[0]: terms for triggers, terms in self.practice_terms if len(triggers) == 1}

    def statute_words_for(self, text: str) -> dict[str, tuple[str, ...]]:
        """:attr:`statute_words` with the wordings of the several-trigger practice terms whose triggers all occur in
        ``text``, for each short trigger (the everyday word: in 「评标时发现招标文件中……有错误怎么办」 the 错误 of a 招标文件
        is said 「招标文件存在歧义、重大缺陷」, 招标文件+错误). A longer trigger is a statute's own term the others qualify:
        投标保证金+退's 签订 is when it is returned, not another word for it."""
        out = dict(self.statute_words)
        for triggers, terms in self.practice_terms:
            if len(triggers) > 1 and all(t in text for t in triggers):
                for t in triggers:
                    if len(t) <= _SHORT_TRIGGER:
                        out[t] = tuple(dict.fromkeys((*out.get(t, ()), *terms)))
        return out

    @cached_property
    def gate_words(self) -> GateWords:
        """The words the no-LLM answer gate reads: statute wording, generic, penalty and consequence words."""
        return GateWords(statute_words=self.statute_words, generic_terms=frozenset(self.generic_terms),
                         penalty_words=self.penalty_words, consequence_words=self.consequence_words,
                         sanction_words=self.sanction_words,
                         permission_words=self.permission_words, question_words=self.refusal_words.question_words, alternatives=self.alternatives)


def shipped_lexicon_path() -> Path:
    """The lexicon that ships with the software (the checkout's knowledge_base/, else the wheel's)."""
    from assistant.config import resource_dir

    return resource_dir("knowledge_base") / LEXICON_FILE


def default_gate_words() -> GateWords:
    """The gate's words for callers that pass none: the shipped lexicon's generic, penalty and
    consequence words, and no statute wording (as when those lists were constants of the gate)."""
    path = shipped_lexicon_path()
    return _default_gate_words(str(path), path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=2)
def _default_gate_words(path: str, mtime: float) -> GateWords:
    return replace(Lexicon.load(Path(path)).gate_words, statute_words={})


def default_refusal_words() -> RefusalWords:
    """The refusal check's words for callers that pass none: the shipped lexicon's."""
    path = shipped_lexicon_path()
    return Lexicon.load(path).refusal_words


def _refusal_section(data: Mapping[object, object], p: Path) -> RefusalWords:
    """The refusal check's words; a file without the section (or a missing file) gets the shipped
    lexicon's, as when they were constants of the code."""
    if REFUSAL_SECTION not in data:
        shipped = shipped_lexicon_path()
        if not shipped.exists() or p.resolve() == shipped.resolve():
            return RefusalWords()
        if p.exists():
            log.warning("lexicon %s has no %s section; the refusal check uses the shipped words", p, REFUSAL_SECTION)
        return Lexicon.load(shipped).refusal_words
    sec = data[REFUSAL_SECTION] or {}
    if not isinstance(sec, dict):
        raise LexiconError(f"问答词表文件格式不正确（{REFUSAL_SECTION}）：{p}")
    unknown = [str(k) for k in sec if k not in (*REFUSAL_LISTS, *REFUSAL_MAPPINGS)]
    if unknown:
        raise LexiconError(f"问答词表文件格式不正确（{REFUSAL_SECTION} 中未知的部分：{'、'.join(unknown)}）：{p}")
    lists = {key: _refusal_words(sec, key, p) for key in REFUSAL_LISTS}
    return RefusalWords(
        domain_terms=lists["domain_terms"], question_words=frozenset(lists["question_words"]),
        synonyms={k: _refusal_words({k: v}, k, p, f"synonyms.{k}") for k, v in _refusal_mapping(sec, "synonyms", p).items()},
        short_forms={k: _refusal_word(v, f"short_forms.{k}", p) for k, v in _refusal_mapping(sec, "short_forms", p).items()},
        topic_documents={k: _refusal_word(v, f"topic_documents.{k}", p)
                         for k, v in _refusal_mapping(sec, "topic_documents", p).items()},
        known_titles=lists["known_titles"], known_short_titles=lists["known_short_titles"],
        other_places=lists["other_places"], local_policy_words=lists["local_policy_words"],
        home_places={k: _refusal_word(v, f"home_places.{k}", p) for k, v in _refusal_mapping(sec, "home_places", p).items()},
        repealed_documents={k: _refusal_word(v, f"repealed_documents.{k}", p)
                            for k, v in _refusal_mapping(sec, "repealed_documents", p).items()},
    )


def _refusal_words(sec: Mapping[object, object], key: str, p: Path, label: str | None = None) -> tuple[str, ...]:
    vals = sec.get(key) or []
    if not isinstance(vals, list) or not all(isinstance(v, str) and v.strip() for v in vals):
        raise LexiconError(f"问答词表文件格式不正确（{REFUSAL_SECTION}.{label or key} 应为词语列表）：{p}")
    return tuple(dict.fromkeys(vals))


def _refusal_word(val: object, label: str, p: Path) -> str:
    if not isinstance(val, str) or not val.strip():
        raise LexiconError(f"问答词表文件格式不正确（{REFUSAL_SECTION}.{label} 应为一个词语）：{p}")
    return val


def _refusal_mapping(sec: Mapping[object, object], key: str, p: Path) -> dict[str, object]:
    vals = sec.get(key) or {}
    if not isinstance(vals, dict) or not all(isinstance(k, str) and k.strip() for k in vals):
        raise LexiconError(f"问答词表文件格式不正确（{REFUSAL_SECTION}.{key} 应为“词语: 写法”的对照表）：{p}")
    return {str(k): v for k, v in vals.items()}


def _gate_sections(data: Mapping[object, object], p: Path) -> dict[str, tuple[str, ...]]:
    """The answer gate's word lists (each a list of words). A section the file lacks (or a missing
    file) is taken from the shipped lexicon: the gate keeps its words in a lexicon written before
    they moved here, as it did when they were constants of the code."""
    out: dict[str, tuple[str, ...]] = {}
    for key in GATE_SECTIONS:
        if key not in data:
            continue
        vals = data[key]
        if vals is None:
            vals = []
        if not isinstance(vals, list) or not all(isinstance(v, str) and v.strip() for v in vals):
            raise LexiconError(f"问答词表文件格式不正确（{key} 应为词语列表）：{p}")
        out[key] = tuple(vals)
    missing = [k for k in GATE_SECTIONS if k not in out]
    shipped = shipped_lexicon_path()
    if missing and shipped.exists() and p.resolve() != shipped.resolve():
        if p.exists():
            log.warning("lexicon %s has no %s; the answer gate uses the shipped words", p, ", ".join(missing))
        base = Lexicon.load(shipped)
        out.update({k: getattr(base, k) for k in missing})
    return {k: out.get(k, ()) for k in GATE_SECTIONS}


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Lexicon:
    import yaml

    p = Path(path)
    if not p.exists():
        log.warning("lexicon file %s not found; question understanding disabled (the answer gate uses the "
                    "shipped lexicon's words)", p)
        gate = _gate_sections({}, p)
        return Lexicon(generic_terms=gate["generic_terms"], penalty_words=gate["penalty_words"],
                       consequence_words=gate["consequence_words"], sanction_words=gate["sanction_words"],
                       permission_words=gate["permission_words"],
                       refusal_words=_refusal_section({}, p))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.error("cannot read lexicon %s: %s", p, exc)
        raise LexiconError(f"问答词表文件无法读取：{p}") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"问答词表文件格式不正确：{p}")
    unknown = [str(k) for k in data if k not in SECTIONS]
    if unknown:
        raise LexiconError(f"问答词表文件格式不正确（未知的部分：{'、'.join(unknown)}）：{p}")
    gate = _gate_sections(data, p)
    terms = []
    for key, vals in (data.get("practice_terms") or {}).items():
        triggers = tuple(t.strip() for t in str(key).split("+") if t.strip())
        if triggers and vals:
            terms.append((triggers, tuple(str(v) for v in vals)))
    regimes = []
    for name, spec in (data.get("regimes") or {}).items():
        spec = spec or {}
        signals = tuple((str(w), float(v)) for w, v in (spec.get("signals") or {}).items())
        regimes.append(Regime(str(name), signals, tuple(str(d) for d in spec.get("documents") or ())))
    specific = tuple(
        (str(general), tuple(str(s) for s in specs or ())) for general, specs in (data.get("specific_rules") or {}).items()
    )
    methods = []
    for name, spec in (data.get("methods") or {}).items():
        spec = spec or {}
        methods.append(Regime(str(name), tuple((str(w), 1.0) for w in spec.get("signals") or ()),
                              tuple(str(d) for d in spec.get("documents") or ())))
    scope = data.get("scope") or {}
    if not isinstance(scope, dict):
        raise LexiconError(f"问答词表文件格式不正确（scope）：{p}")
    lexicon = Lexicon(
        practice_terms=tuple(terms),
        regimes=tuple(regimes),
        regime_margin=float(data.get("regime_margin", 2.0)),
        specific_rules=specific,
        story_markers=tuple(str(s) for s in data.get("story_markers") or ()),
        courtesy_words=tuple(str(s) for s in data.get("courtesy_words") or ()),
        persona_markers=tuple(sorted((str(s) for s in data.get("persona_markers") or ()), key=len, reverse=True)),
        basis_requests=tuple(str(s) for s in data.get("basis_requests") or ()),
        basis_words=tuple(str(s) for s in data.get("basis_words") or ()),
        question_markers=tuple(str(s) for s in data.get("question_markers") or ()),
        alternatives=_alternatives(data, p),
        off_topic_terms=tuple(str(s) for s in scope.get("off_topic_terms") or ()),
        information_terms=tuple(str(s) for s in scope.get("information_terms") or ()),
        legal_terms=tuple(str(s) for s in scope.get("legal_terms") or ()),
        methods=tuple(methods),
        method_penalty=float(data.get("method_penalty", 0.0)),
        method_bound=_method_bound(data, methods, p),
        secondary=_secondary(data, p),
        document_terms=_document_terms(data, p),
        document_term_boost=float(data.get("document_term_boost", 0.0)),
        generic_terms=gate["generic_terms"],
        penalty_words=gate["penalty_words"],
        consequence_words=gate["consequence_words"],
        sanction_words=gate["sanction_words"],
        permission_words=gate["permission_words"],
        refusal_words=_refusal_section(data, p),
        definitions=_definitions(data, p),
        status_words=tuple(sorted((str(s) for s in data.get("status_words") or ()), key=len, reverse=True)),
        overview_words=tuple(sorted((str(s) for s in data.get("overview_words") or ()), key=len, reverse=True)),
    )
    return replace(lexicon, refusal_words=_with_statute_words(lexicon.refusal_words, lexicon.statute_words))


def _secondary(data: dict[str, Any], p: Path) -> tuple[tuple[Regime, float], ...]:
    """Each group of section ``secondary_documents``: its documents and signal words, and the score its entries lose."""
    sec = data.get("secondary_documents") or {}
    if not isinstance(sec, dict) or not all(isinstance(g, dict) for g in sec.values()):
        raise LexiconError(f"问答词表文件格式不正确（secondary_documents）：{p}")
    return tuple((Regime(str(name), tuple((str(w), 1.0) for w in g.get("signals") or ()),
                         tuple(str(d) for d in g.get("documents") or ())), float(g.get("penalty", 0.0)))
                 for name, g in sec.items())


def _document_terms(data: dict[str, Any], p: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Section ``document_terms``: document name -> the words only it uses."""
    sec = data.get("document_terms") or {}
    if not isinstance(sec, dict) or not all(
            isinstance(ws, list) and ws and all(isinstance(w, str) and w.strip() for w in ws) for ws in sec.values()):
        raise LexiconError(f"问答词表文件格式不正确（document_terms 应为「文件名称: 词语列表」）：{p}")
    return tuple((str(name), tuple(w.strip() for w in ws)) for name, ws in sec.items())


def _definitions(data: dict[str, Any], p: Path) -> Definitions:
    sec = data.get("definitions") or {}
    if not isinstance(sec, dict) or any(k not in DEFINITION_KEYS for k in sec):
        raise LexiconError(f"问答词表文件格式不正确（definitions 只能包含 {'、'.join(DEFINITION_KEYS)}）：{p}")
    lists = {}
    for key in DEFINITION_KEYS:
        vals = sec.get(key) or []
        if not isinstance(vals, list) or not all(isinstance(v, str) and v.strip() for v in vals):
            raise LexiconError(f"问答词表文件格式不正确（definitions.{key} 应为词语列表）：{p}")
        lists[key] = tuple(v.strip() for v in vals)
    for key in ("questions", "bare_questions"):
        if any(TERM_SLOT not in t for t in lists[key]):
            raise LexiconError(f"问答词表文件格式不正确（definitions.{key} 的每个句式都应包含 {TERM_SLOT}）：{p}")
    if any(not all(slot in t for slot in PAIR_SLOTS) for t in lists["comparisons"]):
        raise LexiconError(f"问答词表文件格式不正确（definitions.comparisons 的每个句式都应包含 {'和'.join(PAIR_SLOTS)}）：{p}")
    return Definitions(**lists)


def _alternatives(data: dict[str, Any], p: Path) -> tuple[tuple[str, ...], ...]:
    groups = data.get("alternatives") or []
    if not isinstance(groups, list) or not all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(w, str) and w.strip() for w in g) for g in groups):
        raise LexiconError(f"问答词表文件格式不正确（alternatives 应为词组列表，每组至少两个词）：{p}")
    return tuple(tuple(w.strip() for w in g) for g in groups)


def _with_statute_words(words: RefusalWords, statute_words: StatuteWords) -> RefusalWords:
    """The refusal check also finds a practice word by its statute wording: 「拦标价要公布吗？」 was refused
    because 拦标价 occurs in no article, although its practice term says 最高投标限价."""
    synonyms = {k: tuple(v) for k, v in words.synonyms.items()}
    for key, statute in statute_words.items():
        synonyms[key] = tuple(dict.fromkeys((*synonyms.get(key, ()), *statute)))
    return replace(words, synonyms=synonyms)


@dataclass
class Understanding:
    question: str
    #: the legal question without the background story (equal to ``question`` for short ones)
    core: str
    regime: str | None = None
    regime_scores: dict[str, float] = field(default_factory=dict)
    #: the procurement method named (招标 / 非招标), None when none or several
    method: str | None = None
    #: statute wording for the practice words used
    expansions: list[str] = field(default_factory=list)

    @property
    def narrative(self) -> bool:
        return self.core != self.question

    def query(self, *, core_only: bool = False) -> str:
        """Text to retrieve with: the (core) question plus the statute wording of its practice words."""
        base = self.core if core_only else self.question
        extra = [t for t in self.expansions if t not in base]
        return f"{base} {' '.join(extra)}" if extra else base


_CLAUSE_END = "，,。.！!？?；;~～ \t\n"
_CLAUSE = re.compile(f"[^{_CLAUSE_END}]+[{_CLAUSE_END}]*")


def strip_chat(text: str, lex: Lexicon) -> str:
    """The question of a chat message: without its greeting and closing thanks (「老师您好，……？谢谢！」) — the
    leading and closing clauses made of courtesy words alone, then courtesy words (not single characters) at
    the very start or end that no punctuation sets apart (「……什么意思麻烦帮忙解答一下」) — and without the
    self-introduction that opens it (「我是采购代理机构的工作人员，想咨询一下：」). The text itself when
    nothing else would be left."""
    text = _strip_persona(text.strip(), lex)
    if not lex.chat_clause_words:
        return text
    kept = _strip_persona(_trim_courtesy_words(_drop_courtesy_clauses(text, lex), lex), lex)
    return kept or text


def _drop_courtesy_clauses(text: str, lex: Lexicon) -> str:
    """Without the leading and closing clauses made of courtesy words alone."""
    clauses = _CLAUSE.findall(text)

    def courtesy(clause: str) -> bool:
        rest = clause
        for w in lex.chat_clause_words:  # longest first
            rest = rest.replace(w, "")
        return not rest.strip(_CLAUSE_END)

    start, end = 0, len(clauses)
    while start < end and courtesy(clauses[start]):
        start += 1
    while end > start and courtesy(clauses[end - 1]):
        end -= 1
    kept = "".join(clauses[start:end]).strip()
    if end < len(clauses):  # 「……吗？，法律依据是什么？」: no dangling comma where a clause was cut
        kept = kept.rstrip("，,；;：: \t\n")
    return kept


def _trim_courtesy_words(kept: str, lex: Lexicon) -> str:
    """Without courtesy words of two or more characters at the very start or end (「……麻烦帮忙解答一下」); the
    closing punctuation stays unless something was cut at the end."""
    core = kept.rstrip(_CLAUSE_END)
    tail = kept[len(core):]
    cut = True
    while cut:
        cut = False
        for w in lex.chat_edge_words:
            if core.startswith(w) and len(core) > len(w):
                core, cut = core[len(w):].lstrip(_CLAUSE_END), True
            if core.endswith(w) and len(core) > len(w):
                core, tail, cut = core[: -len(w)].rstrip(_CLAUSE_END), "", True
    return core + tail


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def core_question(text: str, lex: Lexicon) -> str:
    """The sentences that ask, without the background (「近日，有采购人咨询，……」)."""
    text = " ".join(text.split())
    if len(text) <= NARRATIVE_CHARS:
        return text
    sents = split_sentences(text)
    if len(sents) <= 1:
        return _strip_story(text, lex)
    picked: list[int] = []
    for i, s in enumerate(sents):
        if any(m in s for m in lex.question_markers):
            picked.append(i)
    if not picked:
        return _strip_story(text, lex)
    # keep the last asking sentences (the question usually closes the story)
    last = picked[-1]
    chosen = [i for i in picked if i >= last - 1]
    asked = "".join(sents[i] for i in chosen)
    # 「……得满足啥资格要求。……想知道具体有哪些要求」: a closing question without a subject of its own
    # asks an earlier one again, and that one names what is asked about
    earlier = [i for i in picked if i < chosen[0] and _names_a_subject(sents[i], lex)]
    if earlier and not _names_a_subject(asked, lex):
        chosen.insert(0, earlier[-1])
    elif chosen[0] > 0 and (len(asked) < SHORT_QUESTION or _points_back(asked)):
        chosen.insert(0, chosen[0] - 1)
    core = "".join(_strip_story(sents[i], lex) for i in chosen).strip()
    return core or text


def _strip_persona(text: str, lex: Lexicon) -> str:
    """Without the leading self-introduction (「我是采购代理机构的工作人员，想咨询一下：」): the clauses that begin
    with a persona marker, up to the first comma or colon; the text itself when nothing else would be left."""
    out = text
    while True:
        marker = next((m for m in lex.persona_markers if out.startswith(m)), None)
        cut = re.search(r"[，,：:。；;]", out[len(marker):]) if marker else None
        if marker is None or cut is None or not out[len(marker) + cut.end():].strip():
            return out
        out = out[len(marker) + cut.end():].strip()


def _names_a_subject(sentence: str, lex: Lexicon) -> bool:
    """Whether a sentence names something of the domain (a term of ``refusal.domain_terms``)."""
    return any(t in sentence for t in lex.refusal_words.domain_terms)


def _points_back(asked: str) -> bool:
    """「我不太清楚招标人有没有这个权力」 points back; 「如果要求提供样品并作为评分项，这样可以吗」 does not."""
    m = _REFERS_BACK.search(asked)
    return m is not None and m.start() < ANTECEDENT_CHARS


def _strip_story(sentence: str, lex: Lexicon) -> str:
    """Drop a leading 「近日，有采购人咨询，」-style clause."""
    out = sentence
    for marker in lex.story_markers:
        if out.startswith(marker):
            cut = re.search(r"[，,：:]", out[len(marker):])
            if cut:
                out = out[len(marker) + cut.end():]
    return out.strip() or sentence


def detect_regime(text: str, lex: Lexicon) -> tuple[str | None, dict[str, float]]:
    scores = {r.name: sum(w for s, w in r.signals if s in text) for r in lex.regimes}
    if not scores:
        return None, scores
    ranked = sorted(scores.items(), key=lambda x: -x[1])
    best, best_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score > 0 and best_score - second >= lex.regime_margin:
        return best, scores
    return None, scores


def _method_bound(data: dict[str, Any], methods: list[Regime], p: Path) -> tuple[str, ...]:
    """The ``method_bound`` list: names of methods of the ``methods`` section."""
    names = [str(n) for n in data.get("method_bound") or ()]
    unknown = [n for n in names if n not in {m.name for m in methods}]
    if unknown:
        log.error("lexicon %s: method_bound names unknown methods %s", p, unknown)
        raise LexiconError(f"问答词表文件格式不正确（method_bound 中的采购方式未在 methods 中定义：{'、'.join(unknown)}）：{p}")
    return tuple(names)


def other_method_titles(question: str, lex: Lexicon, resolve_title: Callable[[str], str | None]) -> frozenset[str]:
    """Titles of the method-bound rules of the methods the question does not name, when it names just one
    (「公开招标项目评审结束后……」: the 竞争性谈判/询价 rule is no answer to it); empty otherwise."""
    asked = detect_method(question, lex)
    if asked is None:
        return frozenset()
    return frozenset(t for m in lex.methods if m.name != asked and m.name in lex.method_bound
                     for t in resolve_titles(m.documents, resolve_title))


def detect_method(text: str, lex: Lexicon) -> str | None:
    """The one procurement method a question is about (None when it names none or several)."""
    named = [m.name for m in lex.methods if any(s in text for s, _ in m.signals)]
    return named[0] if len(named) == 1 else None


def expansions(text: str, lex: Lexicon) -> list[str]:
    out: list[str] = []
    single = {tr[0] for tr, _ in lex.practice_terms if len(tr) == 1 and tr[0] in text}
    for triggers, terms in lex.practice_terms:
        if all(t in text for t in triggers) and not (len(triggers) == 1 and _only_inside_longer(triggers[0], single, text)):
            out.extend(t for t in terms if t not in out)
    return out


def _only_inside_longer(word: str, matched: set[str], text: str) -> bool:
    """Whether every occurrence of a practice word is part of a longer practice word of the text: 「拒签合同」
    is 拒签 (拒绝签订), not 签合同 (the 30 days to sign); the longer word alone stands for it."""
    longer = [w for w in matched if len(w) > len(word) and word in w]
    if not longer:
        return False
    for w in sorted(longer, key=len, reverse=True):
        text = text.replace(w, "\0" * len(w))
    return word not in text


def understand(text: str, lex: Lexicon) -> Understanding:
    question = " ".join(text.split())
    core = core_question(question, lex)
    regime, scores = detect_regime(question, lex)
    return Understanding(question=question, core=core, regime=regime, regime_scores=scores,
                         method=detect_method(question, lex), expansions=expansions(question, lex))


def _penalise_others(chosen: str, group_docs: dict[str, list[str]], penalty: float,
                     boosts: dict[str, float]) -> None:
    """Take `penalty` from the documents of every group (regime or method) but `chosen`, except those
    the chosen group shares: a 政府采购 question is not answered by the 工程 rules, nor one about
    开标 by the 询价 rules."""
    own = group_docs.get(chosen, [])
    for name, docs in group_docs.items():
        for t in docs:
            if name != chosen and t not in own:
                boosts[t] = boosts.get(t, 0.0) - penalty


def resolve_titles(names: Iterable[str], resolve_title: Callable[[str], str | None]) -> list[str]:
    """The knowledge-base titles of document names or aliases (87号令), those it holds, each once."""
    out: list[str] = []
    for n in names:
        t = resolve_title(n)
        if t and t not in out:
            out.append(t)
    return out


def regime_titles(lex: Lexicon, resolve_title: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Each regime's governing documents as knowledge-base titles (the retrieval planner routes by them,
    the no-LLM answer names each stated article's regime by them)."""
    return {r.name: resolve_titles(r.documents, resolve_title) for r in lex.regimes}


def specific_rule_titles(lex: Lexicon, resolve_title: Callable[[str], str | None]) -> dict[str, tuple[str, ...]]:
    """Each general law's knowledge-base title -> the titles of the specific rules that implement it (section
    ``specific_rules``); laws the knowledge base does not hold are left out."""
    out: dict[str, tuple[str, ...]] = {}
    for general, specs in lex.specific_rules:
        title = next(iter(resolve_titles([general], resolve_title)), None)
        if title is not None:
            out[title] = tuple(resolve_titles(specs, resolve_title))
    return out


def make_planner(  # noqa: C901 - closures of one planner
    lex: Lexicon,
    resolve_title: Callable[[str], str | None],
    *,
    regime_boost: float,
    off_regime_penalty: float,
    specific_boost: float,
    dense_core_only: bool = True,
) -> Planner:
    """A retrieval planner: core question for the dense side, regime routing and specific-rule boosts.

    ``resolve_title`` maps a document name or alias (87号令) to its knowledge-base title, or None
    when the knowledge base does not hold it (then it is simply not boosted).
    """
    from assistant.retrieval import QueryPlan

    def titles(names: Iterable[str]) -> list[str]:
        return resolve_titles(names, resolve_title)

    cache: dict[str, object] = {}

    Resolved = tuple[dict[str, list[str]], dict[str, tuple[str, ...]], dict[str, list[str]], dict[str, list[str]],
                     dict[str, list[str]]]

    def resolved() -> Resolved:
        # resolved on first use (the knowledge base may be built after the planner)
        if not cache:
            regime_docs = regime_titles(lex, resolve_title)
            specific = specific_rule_titles(lex, resolve_title)
            method_docs = {m.name: titles(m.documents) for m in lex.methods}
            secondary_docs = {g.name: titles(g.documents) for g, _ in lex.secondary}
            own_docs = {name: titles([name]) for name, _ in lex.document_terms}
            if any(regime_docs.values()):
                cache["v"] = (regime_docs, specific, method_docs, secondary_docs, own_docs)
            return regime_docs, specific, method_docs, secondary_docs, own_docs
        return cache["v"]  # type: ignore[return-value]

    def plan(text: str) -> QueryPlan:
        u = understand(text, lex)
        regime_docs, specific, method_docs, secondary_docs, own_docs = resolved()
        boosts: dict[str, float] = {}
        for group, penalty in lex.secondary:
            # a legal question is answered by the national regulations, not by the product's own review
            # checklist or a local restatement, unless it asks about those
            if penalty and not any(w in u.question for w, _ in group.signals):
                for t in secondary_docs.get(group.name, []):
                    boosts[t] = boosts.get(t, 0.0) - penalty
        # a document's own word names the passages that use it (「评定分离怎么落实」 asks about the district's plan)
        # (or its practice word's wording: 评标定标分离 is the plan's 评定分离)
        expanded = u.query()
        passages = tuple((t, w) for name, words in lex.document_terms for w in words if w in expanded
                         for t in own_docs.get(name, []))
        if u.method is not None and lex.method_penalty:
            _penalise_others(u.method, method_docs, lex.method_penalty, boosts)
        if u.regime is not None:
            _penalise_others(u.regime, regime_docs, off_regime_penalty, boosts)
            own = regime_docs.get(u.regime, [])
            for t in own:
                boosts[t] = boosts.get(t, 0.0) + regime_boost
            for general, specs in specific.items():
                if general in own:
                    for t in specs:
                        boosts[t] = boosts.get(t, 0.0) + specific_boost
        dense = u.query(core_only=dense_core_only)
        # a definitional question is answered by the article defining its term (「什么是转包？」: 质量条例第七十八条)
        term = lex.definitions.term(text) if lex.definitions.pair(text) is None else None
        lead = partial(defining.lead_definition, term=term, lexicon=lex) if term is not None else None
        return QueryPlan(dense_text=dense, bm25_text=expanded, title_boosts=boosts, regime=u.regime,
                         passage_terms=passages, passage_boost=lex.document_term_boost, lead=lead)

    return plan
