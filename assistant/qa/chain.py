"""The policy Q&A use case: condense -> retrieve -> refusal check -> answer -> verify citations.

`QAChain.ask` returns an `Answer` whose every citation is a retrieved knowledge-base article
with its text; `QAChain.stream` yields the model's text deltas, then the final verified
`Answer` (shells must show the final `Answer.answer`, which may differ from the raw stream
when a citation had to be removed). Without an LLM the answer is extractive (quoted articles).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.citations import find_article_refs
from assistant.config import LimitsSettings
from assistant.errors import BackendError, UserError
from assistant.llm import backend_label, call_chat, model_label, stream_chat
from assistant.prompts import load_prompt
from assistant.qa import (
    citing,
    condense,
    defining,
    doc_overview,
    doc_status,
    extractive,
    refusal,
    short_names,
)
from assistant.qa.context import build_context, is_lower_rank, is_superseded, render_context, superseded_note
from assistant.qa.masking import Masker
from assistant.qa.understanding import (
    GateWords,
    Lexicon,
    core_question,
    detect_regime,
    other_method_titles,
    regime_titles,
    specific_rule_titles,
    strip_chat,
)
from assistant.schema import DOC_TYPE_RANK, Answer, Citation, Hit

if TYPE_CHECKING:
    from assistant.article_notes import Note
    from assistant.kb import KnowledgeBase

log = logging.getLogger(__name__)

#: Phrase the model is told to output when the context is insufficient (see prompts/qa_answer.yaml).
MODEL_REFUSAL = "知识库中没有足够依据回答该问题。"

#: First lines of an answer that quotes the articles because the model's answer could not be used
#: (the evidence was sufficient: the model failed, said nothing, refused, or said what its articles do not).
FALLBACK_UNAVAILABLE = "大模型暂不可用（{reason}），以下为知识库条文摘录。"
FALLBACK_EMPTY = "大模型未返回内容，以下为知识库条文摘录。"
FALLBACK_REFUSED = "大模型表示依据不足，但检索到了相关条文，以下为知识库条文摘录。"
FALLBACK_UNVERIFIED = "大模型回答未能通过条文核对，以下为知识库条文摘录。"
#: A verified answer shorter than this (letters and digits) after removals says too little to stand.
MIN_VERIFIED_CHARS = 10
#: A condensed follow-up longer than this many times the previous question plus the follow-up is an answer.
MAX_CONDENSE_GROWTH = 1.5
#: A condensed question that starts like an answer (「依据《招标投标法》第二十四条，……」).
_ANSWER_START = re.compile(r"^(?:依据|根据|按照|依照|答[:：])")


class Retriever(Protocol):
    """What the chain needs from `assistant.retrieval.HybridRetriever`."""

    def search(self, query: str, k: int = 5, *, include_superseded: bool | None = None) -> list[Hit]: ...


def _with_list(text: str, sentence: str) -> str:
    """A defining sentence with the items it introduces (「本条例所称违法分包，是指下列行为：（一）……」), else as it is."""
    return sentence + "".join(citing.listed_items(text, sentence)) if sentence.endswith(("：", ":")) else sentence


@dataclass
class _Prepared:
    question: str
    standalone: str
    hits: list[Hit]
    evidence: refusal.Evidence
    condense_mode: str
    started: float
    masker: Masker | None
    #: a definitional question's term and its defining sentence (None: not a definitional question)
    defined: extractive.Defined | None = None
    #: articles the question names by a document kind alone (「条例第三十四条」)
    short: short_names.ShortNamed = field(default_factory=short_names.ShortNamed)
    #: the knowledge base's names of its documents (alias -> title), read once per question
    aliases: dict[str, str] | None = None


class QAChain:
    """Answers policy questions from the knowledge base, with verified citations."""

    def __init__(
        self,
        retriever: Retriever,
        kb: KnowledgeBase,
        llm: BaseChatModel | None = None,
        *,
        prompts_dir: Path | None = None,
        k: int = 6,
        mask_personal_data: bool = False,
        include_superseded: bool = False,
        refusal_policy: refusal.RefusalPolicy | None = None,
        limits: LimitsSettings | None = None,
        changed_articles: Sequence[Note] = (),
        article_topics: Sequence[Note] = (),
    ) -> None:
        self.retriever = retriever
        self.kb = kb
        self.llm = llm
        self.prompts_dir = prompts_dir
        self.k = k
        self.mask_personal_data = mask_personal_data
        self.include_superseded = include_superseded
        self.refusal_policy = refusal_policy or refusal.RefusalPolicy()
        self.limits = limits or LimitsSettings()
        #: notes of articles changed later by another document (told when cited)
        self.changed_articles = list(changed_articles)
        #: article notes whose 条旨 describe the articles of a chapter asked about
        self.article_topics = list(article_topics)

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "extractive"

    # ------------------------------------------------------------------ public API
    def ask(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Answer:
        """Answer one question (history = earlier (question, answer) turns)."""
        answer: Answer | None = None
        for part in self.stream(question, history):
            if isinstance(part, Answer):
                answer = part
        assert answer is not None
        return answer

    def stream(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Iterator[str | Answer]:
        """Text deltas (LLM tokens, or the whole extractive text), then the final Answer."""
        prep = self._prepare(question, history)
        status = self._status(prep)
        if status is not None:
            yield status.answer
            yield status
            return
        if not prep.evidence.sufficient:
            answer = self._refusal(prep)
            yield answer.answer
            yield answer
            return
        if self.llm is None:
            answer = self._extractive(prep)
            yield answer.answer
            yield answer
            return
        yield from self._generate(prep)

    # ------------------------------------------------------------------ steps
    def _prepare(self, question: str, history: Sequence[tuple[str, str]]) -> _Prepared:
        started = time.perf_counter()
        q = " ".join((question or "").split())
        if not q:
            raise UserError("问题不能为空，请输入要咨询的政策问题。", "empty question")
        self.limits.check_query(q, "问题")
        history = [(str(u), str(a)) for u, a in history]
        masker = Masker() if self.mask_personal_data else None
        # 「老师您好，……？谢谢！」: the greeting and the thanks are neither searched nor checked for in the statutes
        lexicon = self.refusal_policy.lexicon
        asked = strip_chat(q, lexicon) if lexicon is not None else q
        standalone, condense_mode = self._condense(asked, history, masker)
        aliases = self._aliases()
        short = short_names.resolve(standalone, self.kb, lexicon, aliases, self.include_superseded)
        retrieved = self._retrieve(standalone)
        if short.hits:
            ids = {h.chunk_id for h in short.hits}
            retrieved = [*short.hits, *(h for h in retrieved if h.chunk_id not in ids)][: max(self.k, len(short.hits))]
        hits, defined = self._define(standalone, retrieved)
        evidence = refusal.assess(standalone, hits, self.kb, policy=self.refusal_policy)
        return _Prepared(q, standalone, hits, evidence, condense_mode, started, masker, defined, short, aliases)

    def _condense(self, question: str, history: list[tuple[str, str]], masker: Masker | None) -> tuple[str, str]:
        if not history:
            return question, "none"
        lexicon, vocabulary = self.refusal_policy.lexicon, refusal.corpus_text(self.kb)
        if self.llm is None or not condense.is_follow_up(question, lexicon, vocabulary):
            return condense.rule_condense(question, history, lexicon, vocabulary), "rule"
        prompt = load_prompt("condense", self.prompts_dir)
        hist = condense.format_history(history)
        q = question
        if masker is not None:
            hist, q = masker.mask(hist), masker.mask(q)
        try:
            text = call_chat(self.llm, prompt.render(history=hist, question=q)).strip()
        except BackendError as exc:
            log.warning("condense failed, using the rule: %s", exc.detail)
            return condense.rule_condense(question, history, lexicon, vocabulary), "rule_fallback"
        if masker is not None:
            text = masker.unmask(text)
        text = text.splitlines()[0].strip() if text else ""
        if not self._acceptable_condense(text, question, history):
            log.warning("condensed question rejected, using the rule: %r", text[:200])
            return condense.rule_condense(question, history, lexicon, vocabulary), "rule_fallback"
        return text, "llm"

    def _acceptable_condense(self, text: str, question: str, history: list[tuple[str, str]]) -> bool:
        """A condensed follow-up is a question built from the user's words: not empty or overlong, no [n]
        markers or articles the user did not name, not much longer than the previous question plus the
        follow-up, and not an answer (「依据……」, or more than one sentence)."""
        if not text or len(text) > self.limits.max_query_chars or citing.MARKER_RE.search(text):
            return False
        previous = history[-1][0] if history else ""
        if len(text) > MAX_CONDENSE_GROWTH * (len(previous) + len(question)):
            return False
        asked = {(r.name, r.article) for r in find_article_refs(" ".join([*(u for u, _ in history), question]))}
        if any((r.name, r.article) not in asked for r in find_article_refs(text)):
            return False
        return not (_ANSWER_START.match(text) or "。" in text.rstrip("。"))

    def _retrieve(self, query: str) -> list[Hit]:
        """Hybrid search plus the articles the question names (those first)."""
        hits = list(self.retriever.search(query, k=self.k, include_superseded=self.include_superseded))
        lookup = getattr(self.retriever, "lookup_articles", None)
        direct = list(lookup(query)) if lookup is not None else []
        merged: list[Hit] = []
        seen: set[str] = set()
        for h in direct + hits:
            key = h.chunk_id or f"{h.doc_id}:{h.article_no}:{h.text[:20]}"
            if key not in seen:
                seen.add(key)
                merged.append(h)
        return merged[: max(self.k, len(direct))]

    def _define(self, question: str, hits: list[Hit]) -> tuple[list[Hit], extractive.Defined | None]:
        """For a definitional question (「什么是公开招标？」), the article that defines the term first: the
        best retrieved one, else one found by its defining sentence (laws before lower ranks). A practice word
        is looked up by its statute wording too (「什么是围标」: 串通投标)."""
        lexicon = self.refusal_policy.lexicon
        if lexicon is None:
            return hits, None
        pair = lexicon.definitions.pair(question)
        if pair is not None:
            return self._compare(pair, hits, lexicon)
        term = lexicon.definitions.term(question)
        if term is None:
            return hits, None
        found = self._definition(term, hits, lexicon)
        if found is None:
            return hits, extractive.Defined(term)
        hit, sentence = found
        return defining.first(hit, hits), extractive.Defined(term, hit.chunk_id, sentence)

    def _definition(self, term: str, hits: list[Hit], lexicon: Lexicon) -> tuple[Hit, str] | None:
        """The article defining the term and its defining sentence (the first of `_definitions`), else None."""
        return next(iter(self._definitions(term, hits, lexicon)), None)

    def _definitions(self, term: str, hits: list[Hit], lexicon: Lexicon,
                     named: bool = False) -> list[tuple[Hit, str]]:
        """`defining.definitions`, else the knowledge base's defining articles."""
        return defining.definitions(term, hits, lexicon, named=named, fallback=self._lookup_definers)

    def _compare(self, pair: tuple[str, str], hits: list[Hit],
                 lexicon: Lexicon) -> tuple[list[Hit], extractive.Defined | None]:
        """For 「公开招标和邀请招标有什么区别」, the two definitions are the answer: those of the one article defining
        both terms (招标投标法第十条), else each term's own defining article, both first, of one document when it
        can be (「招标代理机构和采购代理机构」: 招标投标法第十三条, 政府采购法实施条例第十二条). A definition that
        opens a list comes with its items. When a term has no definition no article is stated as the answer."""
        a, b = pair
        defs = lexicon.definitions
        hit = next(iter(self._definers(hits, lambda text: defs.both(text, a, b) is not None)), None)
        if hit is not None:
            sentences = defs.both(hit.text, a, b) or ()
            key = "".join(_with_list(hit.text, s) for s in sentences)
            return defining.first(hit, hits), extractive.Defined(f"{a}和{b}", hit.chunk_id, key)
        of_b = self._definitions(b, hits, lexicon, named=True)
        pairs = [(x, y) for x in self._definitions(a, hits, lexicon, named=True) for y in of_b
                 if x[0].chunk_id != y[0].chunk_id]
        if not pairs:
            # an article about one of the two (「履约保证金不得超过中标合同金额的10%」) does not say how they differ
            return hits, extractive.Defined(f"{a}和{b}")
        (hit_a, key_a), (hit_b, key_b) = next((p for p in pairs if p[0][0].title == p[1][0].title), pairs[0])
        other = extractive.Defined(b, hit_b.chunk_id, key_b)
        return defining.first(hit_a, defining.first(hit_b, hits)), extractive.Defined(a, hit_a.chunk_id, key_a, other)

    def _definers(self, hits: list[Hit], defines: Callable[[str], bool]) -> list[Hit]:
        """`defining.definers`, else the knowledge base's articles that define (laws before lower ranks)."""
        return defining.definers(hits, defines, fallback=self._lookup_definers)

    def _lookup_definers(self, defines: Callable[[str], bool]) -> list[Hit]:
        """The knowledge base's articles whose text ``defines``, laws before lower ranks."""
        lookup = getattr(self.retriever, "lookup_texts", None)
        if lookup is None:
            return []
        return sorted(lookup(defines, self.include_superseded), key=lambda h: -DOC_TYPE_RANK.get(h.doc_type, 0))

    def _metadata(self, prep: _Prepared, prompts: Sequence[str]) -> dict[str, Any]:
        hashes = {}
        for name in prompts:
            hashes[name] = load_prompt(name, self.prompts_dir).hash
        return {
            "prompt_hashes": hashes,  # prompts this answer used
            "prompts_version": {n: load_prompt(n, self.prompts_dir).hash for n in ("qa_answer", "condense")},
            "backend": backend_label(self.llm),
            "model": model_label(self.llm),
            "latency_ms": round((time.perf_counter() - prep.started) * 1000, 1),
            "standalone_question": prep.standalone,
            "condense": prep.condense_mode,
            "evidence": prep.evidence.as_dict(),
            "retrieval": [
                {
                    "n": i, "chunk_id": h.chunk_id, "title": h.title, "article": h.article, "score": round(h.score, 4),
                    "dense_score": None if h.dense_score is None else round(h.dense_score, 4), "via": h.via,
                }
                for i, h in enumerate(prep.hits, start=1)
            ],
            "masked": prep.masker is not None,
        }

    def _prompt_names(self, prep: _Prepared, answer_prompt: bool) -> list[str]:
        names = ["qa_answer"] if answer_prompt else []
        if prep.condense_mode in ("llm", "rule_fallback"):
            names.append("condense")
        return names

    def _refusal(self, prep: _Prepared) -> Answer:
        text = refusal.refusal_text(prep.question if prep.question == prep.standalone else prep.standalone, prep.evidence, prep.hits)
        answer = Answer(
            answer=text, citations=[], refused=True, mode=self.mode, question=prep.question,
            standalone_question=prep.standalone, flags=[refusal.refusal_flag(prep.evidence.reason)],
            notes=["知识库中没有依据，已拒绝回答。"],
        )
        answer.metadata = self._metadata(prep, self._prompt_names(prep, False))
        return answer

    def _extractive(self, prep: _Prepared) -> Answer:
        named = [h.chunk_id for h in prep.hits if "direct" in h.via or "definition" in h.via]
        lexicon = self.refusal_policy.lexicon
        ex = extractive.build_extractive(prep.standalone, prep.hits, named, kb=self.kb, words=self._gate_words(prep),
                                         about_missing_document=bool(prep.evidence.missing_documents),
                                         regimes=self._regimes(prep.standalone),
                                         hedge=bool(prep.evidence.uncovered_topics) or prep.evidence.keyword_query
                                         or prep.short.ambiguous,
                                         defined=prep.defined,
                                         changes=self._changes(),
                                         other_method=other_method_titles(prep.standalone, lexicon, self.kb.title_of)
                                         if lexicon is not None else frozenset(),
                                         asked=core_question(prep.standalone, lexicon) if lexicon is not None else None)
        # an article the question names that does not exist, a repealed document it names, or a topic whose own
        # rule the knowledge base lacks, is said first (「……没有第一百条。」「《合同法》已被废止……」「知识库未收录专门规定竞争性磋商的……」)
        local = [] if ex.lead_n is not None else refusal.home_place_lines(
            prep.standalone, ex.citations, self.kb, self.refusal_policy.words)
        text = "\n".join([*refusal.missing_article_lines(prep.evidence), *refusal.replaced_document_lines(prep.evidence),
                          *prep.short.lines,
                          *refusal.uncovered_topic_lines(prep.evidence),
                          *refusal.keyword_lines(prep.question, prep.evidence), *local, ex.text])
        # a later change of a cited article (a document the KB lacks) is told right after the first line,
        # unless the first line states that article (it then says the change itself)
        changes = self._later_changes(ex.citations)
        first, _, rest = text.partition("\n")
        told = [c for c in changes if c.split("：", 1)[-1] not in first]
        if told:
            text = "\n".join([first, *told, rest])
        answer = Answer(
            answer=text, citations=ex.citations, refused=False, mode="extractive", question=prep.question,
            standalone_question=prep.standalone, flags=ex.flags, notes=[*ex.notes, *changes],
        )
        answer.metadata = self._metadata(prep, self._prompt_names(prep, False))
        answer.metadata["answer_citation"] = ex.lead_n
        return answer

    def _status(self, prep: _Prepared) -> Answer | None:
        """The answer to a question about a document itself (in force? since when? which version? what does it contain?),
        from its record and its text."""
        lexicon = self.refusal_policy.lexicon
        if lexicon is None or prep.aliases is None:
            return None
        if doc_status.names_no_document(prep.standalone, lexicon.status_words):
            text = (f"「{prep.question}」没有说明是哪份文件，无法判断您想了解哪份文件的效力，因此不作回答。"
                    "请写明文件名称，例如「87号令现在还有效吗？」「招标投标法实施条例最新是哪一年修订的？」。")
        elif doc_overview.names_no_document(prep.standalone, lexicon.overview_words):
            text = (f"「{prep.question}」没有说明是哪份文件，无法判断您想了解哪份文件的内容，因此不作回答。"
                    "请写明文件名称，例如「87号令的主要内容是什么？」「婺区政发〔2025〕8号讲了什么？」。")
        else:
            text = ""
        if text:
            answer = Answer(answer=text, citations=[], refused=True, mode=self.mode, question=prep.question,
                            standalone_question=prep.standalone, flags=[refusal.NOT_A_QUESTION_FLAG],
                            notes=["问题没有说明是哪份文件，已请用户补充。"])
            answer.metadata = self._metadata(prep, [])
            return answer
        flag = "document_status"
        found = doc_status.answer_status(prep.standalone, self.kb, prep.aliases, lexicon)
        if found is None:
            flag = "document_overview"
            found = doc_overview.answer_overview(prep.standalone, self.kb, prep.aliases, lexicon, self.article_topics)
        if found is None:
            flag = "document_section"
            found = doc_overview.answer_section(prep.standalone, self.kb, prep.aliases)
        if found is None:
            return None
        answer = Answer(answer=found.text, citations=found.citations, refused=False, mode="extractive",
                        question=prep.question, standalone_question=prep.standalone, flags=[flag])
        answer.metadata = self._metadata(prep, [])
        answer.metadata["answer_citation"] = 1 if found.citations else None
        return answer

    def _gate_words(self, prep: _Prepared) -> GateWords | None:
        """The answer gate's words for this question, read alike by both modes' key sentences: the lexicon's, with the
        names the question may call documents by, the specific rules the knowledge base holds and the statute wordings
        of the question's several-trigger practice terms (``Lexicon.statute_words_for``)."""
        lexicon = self.refusal_policy.lexicon
        if lexicon is None:
            return None
        words = lexicon.gate_words
        return replace(words, document_names=prep.aliases or words.document_names,
                       specific_rules=specific_rule_titles(lexicon, self.kb.title_of),
                       statute_words=lexicon.statute_words_for(prep.standalone))

    def _regimes(self, question: str) -> extractive.Regimes | None:
        """The regime the question names and the regime of each governing document in the knowledge base."""
        lex = self.refusal_policy.lexicon
        if lex is None or not lex.regimes:
            return None
        of_title: dict[str, str] = {}
        for regime, titles in regime_titles(lex, self.kb.title_of).items():
            for t in titles:
                of_title.setdefault(t, regime)
        return extractive.Regimes(detect_regime(question, lex)[0], of_title)

    def _generate(self, prep: _Prepared) -> Iterator[str | Answer]:
        assert self.llm is not None
        items = build_context(prep.hits)
        prompt = load_prompt("qa_answer", self.prompts_dir)
        question = prep.standalone
        if prep.masker is not None:
            question = prep.masker.mask(question)
        messages = prompt.render(question=question, context=render_context(items), refusal_text=MODEL_REFUSAL)
        parts: list[str] = []
        try:
            for delta in stream_chat(self.llm, messages):
                parts.append(delta)
                yield delta if prep.masker is None else prep.masker.unmask(delta)
        except BackendError as exc:
            # the articles were found: quote them rather than fail (the cause goes to the log)
            log.warning("LLM answer failed, quoting the articles instead: %s", exc.detail)
            yield self._fallback(prep, FALLBACK_UNAVAILABLE.format(reason=exc.reason), "llm_unavailable", "".join(parts))
            return
        raw = "".join(parts)
        if prep.masker is not None:
            raw = prep.masker.unmask(raw)
        yield self._finish(prep, items, raw)

    def _finish(self, prep: _Prepared, items: list, raw: str) -> Answer:
        """Verify the model's citations and build the final Answer."""
        names = self._prompt_names(prep, True)
        if not raw.strip():
            return self._fallback(prep, FALLBACK_EMPTY, "llm_empty_reply", raw)
        if MODEL_REFUSAL[:8] in raw:
            # the retrieval evidence was sufficient: quote the articles, never what the model adds after refusing
            return self._fallback(prep, FALLBACK_REFUSED, "llm_refused", raw)
        verified = citing.verify_answer(raw, items, self.kb, prep.aliases, prep.standalone)
        if verified.dropped and (not verified.used or len(citing.flat_text(citing.MARKER_RE.sub("", verified.text))) < MIN_VERIFIED_CHARS):
            return self._fallback(prep, FALLBACK_UNVERIFIED, "llm_answer_unverified", raw, verified)
        flags, notes = list(verified.flags), [*refusal.missing_article_lines(prep.evidence),
                                              *refusal.replaced_document_lines(prep.evidence), *verified.notes]
        by_n = {i.n: i for i in items}
        words = self._gate_words(prep)
        if verified.used:
            citations = [citing.make_citation(by_n[n], citing.sentences_citing(verified.text, n) or prep.standalone, words)
                         for n in sorted(verified.used)]
        else:
            flags.append(citing.FLAG_NO_MARKERS)
            notes.append("模型回答没有标注依据；下方列出检索到的最相关条文，请对照核实。")
            citations = [citing.make_citation(i, prep.standalone, words) for i in items[:3]]
        for c in citations:
            if is_superseded(c) and "superseded_basis" not in flags:
                flags.append("superseded_basis")
                notes.append(superseded_note(c))
            if is_lower_rank(c) and "lower_rank_basis" not in flags:
                flags.append("lower_rank_basis")
                notes.append(f"注意：回答依据包含《{c.title}》（{c.doc_type}），效力层级低于法律、法规。")
        answer = Answer(
            answer=verified.text, citations=citations, refused=False, mode="llm", question=prep.question,
            standalone_question=prep.standalone, flags=flags, notes=[*notes, *self._later_changes(citations)],
        )
        answer.metadata = self._metadata(prep, names)
        answer.metadata["removed_citations"] = verified.removed
        if verified.removed:
            answer.metadata["raw_answer"] = raw
        return answer

    def _fallback(self, prep: _Prepared, note: str, flag: str, raw: str, verified: citing.Verified | None = None) -> Answer:
        """The no-LLM answer (quoted articles) under a first line saying why the model's answer is not shown;
        the model's text stays in metadata.raw_answer, and what verification removed in flags and notes."""
        answer = self._extractive(prep)
        checked_flags, checked_notes = (verified.flags, verified.notes) if verified is not None else ([], [])
        answer.answer = f"{note}\n{answer.answer}"
        answer.flags = list(dict.fromkeys([flag, *checked_flags, *answer.flags]))
        answer.notes = [note, *checked_notes, *answer.notes]
        lead = answer.metadata.get("answer_citation")
        answer.metadata = self._metadata(prep, self._prompt_names(prep, True))
        answer.metadata["answer_citation"] = lead
        answer.metadata["raw_answer"] = raw
        if verified is not None:
            answer.metadata["removed_citations"] = verified.removed
        return answer

    def _later_changes(self, citations: Sequence[Citation]) -> list[str]:
        """「注意：……」 for each cited article a later document (not in the knowledge base) changed."""
        changed = self._changes()
        out = []
        for c in citations:
            change = changed.get((c.title, c.article or ""))
            if change and (line := f"注意（《{c.title}》{c.article}）：{change}") not in out:
                out.append(line)
        return out

    def _changes(self) -> dict[tuple[str, str], str]:
        """(document title, 第N条) -> the change a later document (not in the knowledge base) made to it."""
        if not self.changed_articles:
            return {}
        from assistant.article_notes import later_changes

        return later_changes(self.changed_articles, self.kb.title_of)

    def _aliases(self) -> dict[str, str] | None:
        """Names known to the KB (user-added documents) for the article-reference parser."""
        getter = getattr(self.kb, "alias_map", None)
        try:
            return dict(getter()) if callable(getter) else None
        except Exception:
            return None
