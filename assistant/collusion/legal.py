"""Legal hook of each signal by regime, with the article text read from the knowledge base."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from assistant.collusion.models import Regime, Signal
from assistant.errors import BackendError, UserError
from assistant.schema import Basis

log = logging.getLogger(__name__)

#: (title as the KB knows it, aliases, article number)
ArticleKey = tuple[str, tuple[str, ...], int]
TBF_SSTL: ArticleKey = ("中华人民共和国招标投标法实施条例", ("招标投标法实施条例",), 40)
TBF_34: ArticleKey = ("中华人民共和国招标投标法实施条例", ("招标投标法实施条例",), 34)
ORDER87_37: ArticleKey = ("政府采购货物和服务招标投标管理办法", ("87号令", "财政部令第87号"), 37)
ZFCG_SSTL_18: ArticleKey = ("中华人民共和国政府采购法实施条例", ("政府采购法实施条例",), 18)

_ITEM = {"provenance": "一", "same_images": "一", "same_person": "二", "same_team": "三", "shared_text": "四",
         "shared_errors": "四", "price_identical": "四", "price_pattern": "四", "price_progression": "四",
         "price_calc_errors": "四", "mixed": "五"}

Lookup = Callable[[str, tuple[str, ...], int], str | None]


def detect_regime(tender_text: str) -> Regime:
    """The regime as the review reads it (its telling words, the regime a tender declares, a 政府采购工程 tendered under
    招标投标法); where the text does not tell, the project its opening names."""
    from assistant.review.facts import regime_or_opening  # late: a sibling use case

    return "政府采购" if regime_or_opening(tender_text) == "政府采购" else "工程"


def _item_text(article_text: str, item: str) -> str:
    m = re.search(rf"[（(]{item}[）)][^（(\n]*", article_text)
    return m.group(0).strip() if m else ""


class LegalBasis:
    """Fills `legal_ref` and `basis` of signals; caches article texts."""

    def __init__(self, lookup: Lookup | None) -> None:
        self.lookup = lookup
        self._cache: dict[ArticleKey, str | None] = {}
        self.missing: set[str] = set()

    def _text(self, key: ArticleKey) -> str | None:
        if key not in self._cache:
            text = None
            if self.lookup is not None:
                try:
                    text = self.lookup(*key)
                except BackendError:  # the store is down: 「服务不可用」 (exit 5 / 503), never 「知识库未收录」
                    raise
                except (OSError, RuntimeError, ValueError, UserError) as exc:
                    log.warning("article lookup failed for %s: %s", key, exc)
            self._cache[key] = text
            if text is None:
                self.missing.add(key[0])
        return self._cache[key]

    @staticmethod
    def reference(kind: str, regime: Regime) -> tuple[str, list[ArticleKey]]:
        """The citation of a signal (or group) kind under the regime, with the full document name, and its articles."""
        if kind == "same_legal_rep":
            if regime == "政府采购":
                return "《中华人民共和国政府采购法实施条例》第十八条（投标无效情形，非串通推定）", [ZFCG_SSTL_18]
            return "《中华人民共和国招标投标法实施条例》第三十四条（相关投标均无效，非串通推定）", [TBF_34]
        item = _ITEM.get(kind, "四")
        if regime != "政府采购":
            return f"《中华人民共和国招标投标法实施条例》第四十条第（{item}）项", [TBF_SSTL]
        if kind == "same_person":
            return ("《政府采购货物和服务招标投标管理办法》（财政部令第87号）第三十七条第（二）项、第（三）项（联系人员为同一人）",
                    [ORDER87_37])
        return f"《政府采购货物和服务招标投标管理办法》（财政部令第87号）第三十七条第（{item}）项", [ORDER87_37]

    def apply(self, sig: Signal, regime: Regime) -> None:
        sig.legal_ref, keys = self.reference(sig.kind, regime)
        sig.basis = self.basis(keys)

    def basis(self, keys: list[ArticleKey]) -> list[Basis]:
        """The article texts (from the knowledge base) of `keys`, or a note when the KB lacks the law."""
        from assistant.text_zh import article_label

        out = []
        for key in keys:
            text = self._text(key)
            if text is None:
                out.append(Basis(title=key[0], article=article_label(key[2]), text="", in_knowledge_base=False,
                                 note="知识库未收录该法规，请导入后核对条文"))
            else:
                out.append(Basis(title=key[0], article=article_label(key[2]), text=text))
        return out


def kb_lookup(kb_getter: Callable[[], object]) -> Lookup:
    """A lookup over the product knowledge base (`KnowledgeBase.get_article`)."""

    def lookup(title: str, aliases: tuple[str, ...], no: int) -> str | None:
        kb = kb_getter()
        get = getattr(kb, "get_article", None)
        if get is None:
            return None
        for name in (title, *aliases):
            chunk = get(name, no)
            if chunk is not None:
                return str(getattr(chunk, "cited_text", "")) or None
        return None

    return lookup


LAW_TYPES = ("法律", "行政法规", "部门规章", "地方性法规", "司法解释", "规范性文件")


def kb_law_texts(kb_getter: Callable[[], object]) -> Callable[[], tuple[str, list[str]]]:
    """(generation name, article texts) of the laws in the knowledge base: bidders quote them verbatim."""

    def texts() -> tuple[str, list[str]]:
        try:
            kb = kb_getter()
            gen = getattr(kb, "generation", lambda: None)()
        except BackendError:  # the store is down: the whole check fails as review does, not silently without laws
            raise
        except (OSError, RuntimeError, ValueError, UserError) as exc:
            log.warning("knowledge base unavailable for law-text exemption: %s", exc)
            return "", []
        if gen is None:
            return "", []
        chunks = getattr(gen, "chunks", {})
        return str(getattr(gen, "name", "")), [c.text for c in chunks.values() if getattr(c, "doc_type", "") in LAW_TYPES]

    return texts
