"""The use case: one tender + its bids -> ranked pairs with evidence, groups, checks and limitations."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.collusion.bidfacts import BidFacts
from assistant.collusion.data import CollusionData
from assistant.collusion.duplicates import screen
from assistant.collusion.exemptions import Exemptions, kgrams
from assistant.collusion.grouping import strong_groups
from assistant.collusion.legal import LegalBasis, Lookup, detect_regime
from assistant.collusion.models import BidSummary, CollusionReport, Group, PairResult, Regime, Signal
from assistant.collusion.normalize import StockAnswers, match_key
from assistant.collusion.people_signals import mixing_signal, people_signals
from assistant.collusion.price_signals import competitive_keys, price_signals, total_evidence
from assistant.collusion.prices import dispersion_context, missing_totals_note, progression
from assistant.collusion.provenance import MetaRarity, provenance_signals
from assistant.collusion.reader import ParsedDoc, read_path
from assistant.collusion.report import glossary
from assistant.collusion.scoring import risk, score, sort_signals
from assistant.collusion.text_signals import (
    SharedIndex,
    common_foreign_projects,
    common_passages,
    pairs,
    shared_errors,
    shared_passages,
    tender_project_values,
)
from assistant.collusion.typos import TypoIndex
from assistant.errors import InputFileError

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
MIN_BIDS, MAX_BIDS = 2, 30
RECOGNITION_NOTE = ("本报告只列出可供复核的线索和证据，是否构成串通投标，由评标委员会依法评审认定，"
                    "并由行政监督部门依法调查处理；本工具的结论不是认定结论。")
_CAP_WORDS = ("最高投标限价", "最高限价", "招标控制价", "预算金额", "采购预算", "最高限额")


class CollusionAnalyzer:
    def __init__(self, data: CollusionData, lookup: Lookup | None = None, max_bytes: int | None = None,
                 law_texts: Callable[[], tuple[str, list[str]]] | None = None) -> None:
        self.data = data
        self.lookup = lookup
        self.max_bytes = max_bytes
        self.law_texts = law_texts
        self._law_cache: tuple[str, set[str]] = ("", set())

    def _law_kgrams(self) -> tuple[set[str], int]:
        """k-grams of the statute texts in the knowledge base (cached per KB generation)."""
        if self.law_texts is None:
            return set(), 0
        name, texts = self.law_texts()
        if not texts:
            return set(), 0
        if name != self._law_cache[0] or not self._law_cache[1]:
            grams: set[str] = set()
            for t in texts:
                grams |= kgrams(match_key(t))
            self._law_cache = (name, grams)
        return self._law_cache[1], len(texts)

    # ------------------------------------------------------------------ entry points
    def read(self, path: Path, name: str | None = None) -> ParsedDoc:
        """Read one tender or bid file (size-limited); bad files raise InputFileError in Chinese."""
        return read_path(path, self.max_bytes, name)

    def analyze(self, tender: Path, bids: Sequence[Path], progress: Progress | None = None,
                names: Sequence[str] | None = None, tender_name: str | None = None) -> CollusionReport:
        _check_count(len(bids))
        total = len(bids) + 1
        if progress:
            progress("读取文件", 0, total)
        tdoc = read_path(tender, self.max_bytes, tender_name)
        docs: list[ParsedDoc] = []
        for i, p in enumerate(bids):
            name = names[i] if names else p.name
            if progress:
                progress("读取文件", i + 1, total)
            docs.append(read_path(p, self.max_bytes, name))
        if progress:
            progress("读取文件", total, total)
        return self.analyze_docs(tdoc, docs)

    def analyze_docs(self, tender: ParsedDoc, docs: Sequence[ParsedDoc]) -> CollusionReport:
        t0 = time.perf_counter()
        _check_count(len(docs))
        names = [d.file for d in docs]
        if len(set(names)) != len(names):
            raise InputFileError("上传的投标文件中有重名文件，请改名后再分析。", f"duplicate names {names}")
        docs = sorted(docs, key=lambda d: d.file)
        lex = self.data.lexicon
        ex = Exemptions.build(tender, self.data.templates)
        law_grams, n_laws = self._law_kgrams()
        ex.kgrams |= law_grams
        tender_keys = frozenset(k for k in (match_key(u.text) for u in tender.units) if k)
        stock = StockAnswers.build(lex.stock_answers, lex.stock_answer_labels)
        screening = screen([BidFacts.build(d, lex.fixed_fee_keywords, tender_keys, stock) for d in docs],
                           match_key(tender.text))
        bids = screening.bids
        legal = LegalBasis(self.lookup)
        index = SharedIndex(bids, ex, screening.party)
        rarity = MetaRarity(bids, screening.party, lex.default_metadata, lex.default_rsids)
        comp = competitive_keys(bids, screening.party)
        cap = _tender_cap(tender)
        tproj = tender_project_values(tender.text)
        foreign = common_foreign_projects(bids, screening.party, ex, tproj)
        regime = _regime(tender, bids, foreign)
        if index.n >= 3:  # 全部投标文件都有的文字不计入任何一对
            tproj |= {v for _, v in foreign}
        typo_index = TypoIndex(bids, screening.party, tender.text, lex.typos, lex.not_typos)
        results: list[PairResult] = []
        for i, j in pairs(len(bids)):
            if screening.same_bidder(i, j):
                continue
            a, b = bids[i], bids[j]
            sigs: list[Signal] = []
            text_sig = shared_passages(i, j, a, b, index, index.n)
            sigs += [s for s in (text_sig, shared_errors(a, b, ex, lex.typos, tproj, typo_index.pair(i, j, a, b)),
                                 mixing_signal(a, b, lex.mixing_innocent_context)) if s is not None]
            sigs += people_signals(a, b, ex)
            sigs += provenance_signals(a, b, ex, rarity)
            sigs += price_signals(a, b, cap, comp, regime)
            if not sigs:
                continue
            for s in sigs:
                legal.apply(s, regime)
            sigs = sort_signals(sigs)
            results.append(PairResult(a=a.file, b=b.file, bidder_a=a.entities.bidder, bidder_b=b.entities.bidder,
                                      risk=risk(sigs), score=score(sigs), signals=sigs))
        results.sort(key=lambda p: (-p.score, p.a, p.b))
        groups = strong_groups(results, screening.bidder_of())
        common = common_passages(bids, index)
        if common is not None:
            groups.append(common)
        totals = {b.file: b.prices.total for b in screening.first_files() if b.prices.total is not None}
        no_total = [b.file for b in screening.first_files() if b.prices.total is None]
        prog = progression({k: v for k, v in totals.items() if v is not None})
        if prog is not None:
            ref, keys = legal.reference("price_progression", regime)
            members = [b for b in screening.first_files() if b.file in prog[1]]
            groups.append(Group(members=prog[1], kind="price_progression", tier="中", legal_ref=ref, basis=legal.basis(keys),
                                evidence=total_evidence(members),
                                description=f"{prog[0]}（投标报价呈规律性差异，{ref}；仅在 4 家及以上时计算）"))
        context = dispersion_context([v for v in totals.values() if v is not None])
        summaries = [BidSummary(file=b.file, bidder=b.entities.bidder, total_price=b.prices.total, format=b.doc.format,
                                pages=b.doc.pages, warnings=b.doc.warnings) for b in bids]
        checks = _checks(bids, ex, index, legal, tender)
        checks["law_articles_subtracted"] = n_laws
        checks["repeated_uploads"] = screening.repeated
        checks["totals_missing"] = no_total
        report = CollusionReport(
            tender=tender.file, regime=regime, regime_from="bids" if foreign else "tender", bids=summaries, pairs=results, groups=groups, context=context,
            checks=checks, limitations=_limitations(bids, tender, legal, no_total),
            warnings=screening.warnings + [w for b in bids for w in b.doc.warnings] + _tender_copies(bids, tender_keys)
            + _missing_totals(no_total) + _foreign_tender(foreign, regime),
            elapsed_s=round(time.perf_counter() - t0, 3))
        report.glossary = glossary(report, self.data.glossary)
        return report


#: a "bid" whose paragraphs are nearly all the tender's own is the tender uploaded by mistake
TENDER_COPY_SHARE = 0.9


def _tender_copies(bids: Sequence[BidFacts], tender_keys: frozenset[str]) -> list[str]:
    """A warning for each bid that repeats the tender almost paragraph for paragraph: its text is all
    subtracted as the tender's, so it can show nothing, and a committee should know why."""
    out = []
    for b in bids:
        keys = [k for k in (b.match.key_of(n) for n in range(len(b.doc.units))) if k]
        share = sum(k in tender_keys for k in keys) / len(keys) if keys else 0.0
        if len(keys) >= 5 and share >= TENDER_COPY_SHARE:
            out.append(f"投标文件“{b.file}”有 {share:.0%} 的段落与招标文件相同，可能误传了招标文件本身；"
                       "与招标文件相同的文字不参与比对，请核对后重新上传。")
    return out


def _missing_totals(files: list[str]) -> list[str]:
    if not files:
        return []
    return [f"{missing_totals_note(len(files))}（{'、'.join(files)}）；请核对开标一览表或投标函中的报价后人工比较。"]


def _regime(tender: ParsedDoc, bids: Sequence[BidFacts], foreign: list[tuple[str, str]]) -> Regime:
    """The regime of the tender; when every bid names a project the tender lacks (`foreign`: most likely
    another project's 招标文件), the regime the bids are written for, so that no citation follows the wrong file."""
    if foreign:
        return detect_regime("\n".join(b.doc.text for b in bids))
    return detect_regime(tender.text)


def _foreign_tender(values: list[tuple[str, str]], regime: Regime) -> list[str]:
    """A warning when every bid names a project (name or number) that the 招标文件 does not."""
    if not values:
        return []
    named = "、".join(f"{what}“{v}”" for what, v in values)
    return [f"全部投标文件都写了{named}，招标文件中却没有：上传的招标文件可能不属于这些投标文件（例如误选了其他项目的招标文件），"
            "请核对后重新分析；招标文件不对时，其格式文字无法扣除，比对结果会偏多。"
            f"适用体系无法由招标文件确认，暂按投标文件的用语判断为“{regime}”，法律依据据此引用。"]


def _check_count(n: int) -> None:
    if n < MIN_BIDS:
        raise InputFileError(f"至少需要 {MIN_BIDS} 份投标文件才能比对（当前 {n} 份）。", f"only {n} bids")
    if n > MAX_BIDS:
        raise InputFileError(f"一次最多比对 {MAX_BIDS} 份投标文件（当前 {n} 份）。", f"{n} bids")


def _tender_cap(tender: ParsedDoc) -> float | None:
    import re

    for u in tender.units:
        flat = u.text.replace(" ", "")
        if any(w in flat for w in _CAP_WORDS):
            m = re.search(r"[¥￥]?\s*([0-9][0-9,]*(?:\.[0-9]{1,2})?)\s*(万元|元)", flat)
            if m:
                v = float(m.group(1).replace(",", ""))
                return v * 10_000 if m.group(2) == "万元" else v
    return None


def _checks(bids: list[BidFacts], ex: Exemptions, index: SharedIndex, legal: LegalBasis, tender: ParsedDoc) -> dict[str, object]:
    def meta_present(b: BidFacts) -> bool:
        m = b.doc.meta
        return any([m.author, m.last_modified_by, m.rsid_root, m.rsids, m.wps_hdid, m.pdf_id0, m.xmp_document_id])

    return {
        "tender_subtracted": bool(tender.units),
        "template_library": ex.template_names,
        "text_compared": [b.file for b in bids if b.doc.units],
        "common_kgrams_dropped": index.dropped_common,
        "metadata_compared": [b.file for b in bids if meta_present(b)],
        "metadata_missing": [b.file for b in bids if not meta_present(b)],
        "totals_found": [b.file for b in bids if b.prices.total is not None],
        "item_prices_found": [b.file for b in bids if len(b.prices.rows) >= 5],
        "scanned_pages": {b.file: b.doc.scanned_pages for b in bids if b.doc.scanned_pages},
        "images_compared": [b.file for b in bids if b.doc.image_hashes],
        "kb_missing": sorted(legal.missing),
    }


def _limitations(bids: list[BidFacts], tender: ParsedDoc, legal: LegalBasis, no_total: list[str]) -> list[str]:
    totals = "" if no_total else "投标总价、"
    out = [
        "已运行的检查：非招标文件、非范本的相同文字；相同错别字（常见错别字表，以及按词典判断、只有两份投标文件出现的错字）"
        "和遗留的其他项目名称/编号；授权代表、联系人、"
        "项目管理成员、身份证号、电话、统一社会信用代码；投标文件中出现其他投标人（混装）；文档属性、WPS 保存记录、"
        f"Word 编辑会话标识（rsid）、PDF 文件标识与 XMP；相同图片（DOCX）；{totals}分项单价、单价比例/差额、计算错误；"
        "报价离散度（仅作背景）。",
        "每项文字和文档属性比对都先扣除了招标文件本身（文字、格式、文档属性、图片）、范本库和知识库中的法律法规原文；"
        "多家共用招标文件格式、同一范本、同品牌资料、默认文档属性不计为证据；全部投标文件（3 份及以上）都有的文字不计入"
        "任何一对，篇幅较长时作为“关联组”单独列出；型号、参数密集的产品资料按四分之一计。",
    ]
    missing_meta = [b.file for b in bids if not any([b.doc.meta.author, b.doc.meta.rsids, b.doc.meta.pdf_id0,
                                                     b.doc.meta.wps_hdid, b.doc.meta.last_modified_by])]
    if missing_meta:
        out.append(f"未能进行文档属性比对（属性已被清除或文件未保存这些信息）：{'、'.join(missing_meta)}。")
    scans = [b.file for b in bids if b.doc.scanned_pages]
    if scans:
        out.append(f"含扫描页（无文字层）的文件，扫描页未做文字、人员和报价比对：{'、'.join(scans)}。")
    if no_total:
        out.append(f"{missing_totals_note(len(no_total))}，这些文件未做投标总价比对：{'、'.join(no_total)}。")
    no_items = [b.file for b in bids if len(b.prices.rows) < 5]
    if no_items:
        out.append(f"未能读取分项报价表（不少于 5 行）的文件，未做分项单价比对：{'、'.join(no_items)}。")
    if any(b.doc.format == "pdf" for b in bids):
        out.append("PDF 中的图片未做比对；投标保证金转出账户（第四十条第（六）项）需核对银行回单或保函，本工具未检查；"
                   "上传 IP/MAC、加密锁号等平台记录不在投标文件中，需向交易平台调取。")
    if legal.missing:
        out.append(f"知识库未收录：{'、'.join(sorted(legal.missing))}，相关条文原文未附，请导入后核对。")
    out.append("文档属性可以被清除或伪造，未发现线索不等于不存在串通；发现的线索也可能有正当解释，须结合原件核实。")
    out.append(RECOGNITION_NOTE)
    if not tender.units:
        out.append("招标文件中没有读取到文字，未能扣除招标文件内容，文字比对结果可能偏多。")
    return out
