"""The articles that define the term a definitional question asks about (「什么是转包？」).

One definition for both places that order by it: the retriever's plan puts the best retrieved defining article
first (so search results and the evidence the chain receives agree), and the chain also looks one up in the whole
knowledge base when none was retrieved and states its defining sentence as the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from assistant.schema import Hit

if TYPE_CHECKING:
    from assistant.qa.understanding import Lexicon

#: the knowledge base's articles whose text matches a predicate (``HybridRetriever.lookup_texts``), best first
Fallback = Callable[[Callable[[str], bool]], list[Hit]]


def _has(sentence: Callable[[str, str], str | None], term: str, text: str) -> bool:
    """Whether an article's ``text`` has a ``sentence`` for ``term`` (a defining one)."""
    return sentence(text, term) is not None


def first(hit: Hit, hits: Sequence[Hit]) -> list[Hit]:
    """The hits with the defining article first (marked as found by its definition), as many as before."""
    via = hit.via if "definition" in hit.via else [*hit.via, "definition"]
    lead = hit.model_copy(update={"via": via})
    return [lead, *(h for h in hits if h.chunk_id != hit.chunk_id)][:len(hits)]


def definers(hits: Sequence[Hit], defines: Callable[[str], bool], closeness: Callable[[str], int] | None = None,
             fallback: Fallback | None = None) -> list[Hit]:
    """The retrieved articles whose text ``defines`` (the closest first, by ``closeness``, then by rank), else
    the ``fallback``'s (the knowledge base's, laws before lower ranks)."""
    found = [h for h in hits if defines(h.text)]
    if closeness is not None:
        found.sort(key=lambda h: closeness(h.text))
    if not found and fallback is not None:
        found = fallback(defines)
    return found


def definitions(term: str, hits: Sequence[Hit], lexicon: Lexicon, *, named: bool = False,
                fallback: Fallback | None = None) -> list[tuple[Hit, str]]:
    """The articles defining the term, each with its defining sentence: by the term, its bare form and its
    statute wording, the first of them any article defines; a definition before a list of cases, the closest
    name of those first (retrieval order otherwise). ``named``: only a sentence naming the term (「……是指……」)
    defines it, not a list of cases said to be it (「……的，属于招标投标法第四条规定的规避招标」 for 招标)."""
    defs = lexicon.definitions
    sentence = defs.naming if named else defs.sentence
    for form in dict.fromkeys((*defs.forms(term), *lexicon.statute_words.get(term, ()))):
        found = definers(hits, partial(_has, sentence, form), partial(defs.fit, term=form), fallback)
        pairs = [(h, s) for h in found if (s := sentence(h.text, form)) is not None]
        if pairs:
            return pairs
    return []


def lead_definition(hits: list[Hit], *, term: str, lexicon: Lexicon) -> list[Hit]:
    """``hits`` (retrieval order) with the best retrieved article defining ``term`` first; as they are when
    none of them defines it."""
    found = definitions(term, hits, lexicon)
    return first(found[0][0], hits) if found else hits
