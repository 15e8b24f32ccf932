"""Cross-clause checks: numbers compared across clauses and project facts (等标期, 保证金比例, 评标委员会 ...).

Each check takes the project facts, the clauses and its typed parameters (check_params) and returns
(clause index, evidence, detail) triples; the detail message is built from the parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from assistant.format_zh import date_zh, money_short, percent
from assistant.review import holidays
from assistant.review import numbers as nb
from assistant.review.check_params import (
    BidBondCapParams,
    BidBondRatioParams,
    BidPeriodParams,
    ClarificationParams,
    CommitteeParams,
    DurationQuotaParams,
    MustTenderParams,
    NoParams,
    ObjectionParams,
    PerfBondRatioParams,
    PrequalParams,
    PriceWeightParams,
    RecordAmountParams,
    SaleParams,
    SmeParams,
)
from assistant.review.facts import Fact, ProjectFacts, fact_labels
from assistant.review.reader import Clause, mask_superseded
from assistant.text_zh import split_sentences

__all__ = ["NUMERIC_CHECKS", "NumericResult"]


def _workdays(start: dt.date, end: dt.date, inclusive: bool = True) -> tuple[int, str]:
    """Working days from start to end on the holiday calendar, and how they were counted (for the message)."""
    cal = holidays.calendar()
    if cal.covers(start, end):
        return nb.workdays_between(start, end, inclusive=inclusive, is_workday=cal.is_workday), "按国务院办公厅公布的放假调休安排计"
    return nb.workdays_between(start, end, inclusive=inclusive), "按周一至周五计约"


NumericResult = list[tuple[int, str | None, str]]


#: a method that is not a tender, without saying which one (no minimum period can be told)
NON_TENDER = "非招标方式"


def _method(f: ProjectFacts, clauses: list[Clause]) -> str:
    """The procurement method: the 磋商/谈判/询价 the deadline's own clause names (or, with no deadline, the clause that
    gives the period the documents are provided: 「获取谈判文件时间：……」), else the stated method (a tender names one
    method; a single clause reviewed alone may carry its own)."""
    own = f.deadline or f.sale_start
    text = clauses[own.clause].text if own is not None and 0 <= own.clause < len(clauses) else ""
    for word, method in (("磋商", "竞争性磋商"), ("谈判", "竞争性谈判"), ("询价", "询价")):
        if word in text:
            return method
    if f.procurement_method is not None:
        return str(f.procurement_method.value)
    # 响应文件 are asked for by 磋商、谈判、询价 and 单一来源 only: not a tender, but which of them is unknown
    return NON_TENDER if "响应文件" in text and "投标文件" not in text else "招标"


def _check_bid_period(f: ProjectFacts, clauses: list[Clause], p: BidPeriodParams) -> NumericResult:
    start = f.sale_start or f.announce_date
    if start is None or f.deadline is None:
        return []
    days = nb.days_between(start.value, f.deadline.value)
    method = _method(f, clauses)
    if method in ("竞争性谈判", "询价"):  # 74号令第二十九条、第四十五条: 3 working days
        work, how = _workdays(start.value, f.deadline.value, inclusive=False)
        if work < p.negotiation_min_workdays:
            return [(f.deadline.clause, f.deadline.evidence,
                     f"{method}文件自{date_zh(start.value)}发出，响应文件截止时间为{date_zh(f.deadline.value)}，"
                     f"{how}{work}个工作日，少于{p.negotiation_min_workdays}个工作日。")]
        return []
    if method in ("单一来源", NON_TENDER):
        return []
    need = p.consultation_min_days if method == "竞争性磋商" else p.min_days
    if 0 <= days < need:
        return [(f.deadline.clause, f.deadline.evidence,
                 f"{'磋商文件' if method == '竞争性磋商' else '招标文件'}自{date_zh(start.value)}开始发出，"
                 f"{'首次响应文件提交' if method == '竞争性磋商' else '投标'}截止时间为{date_zh(f.deadline.value)}，"
                 f"间隔仅{days}日，少于法定的{need}日。")]
    return []


def _check_sale_period(f: ProjectFacts, clauses: list[Clause], p: SaleParams) -> NumericResult:
    if f.sale_start is None or f.sale_end is None or f.sale_end.value < f.sale_start.value:
        return []
    if _method(f, clauses) in ("竞争性谈判", "询价", "单一来源", NON_TENDER):  # 74号令 sets no minimum for these
        return []
    if f.regime == "政府采购":
        n, how = _workdays(f.sale_start.value, f.sale_end.value)
        need = p.min_workdays
        if n < need:
            return [(f.sale_start.clause, f"{f.sale_start.evidence}至{f.sale_end.evidence}",
                     f"文件提供期限自{date_zh(f.sale_start.value)}至{date_zh(f.sale_end.value)}，"
                     f"{how}{n}个工作日，少于{need}个工作日。")]
        return []
    n = (f.sale_end.value - f.sale_start.value).days + 1
    need = p.min_days
    if n < need:
        return [(f.sale_start.clause, f"{f.sale_start.evidence}至{f.sale_end.evidence}",
                 f"文件发售期自{date_zh(f.sale_start.value)}至{date_zh(f.sale_end.value)}，共{n}日，少于{need}日。")]
    return []


def _check_clarification(f: ProjectFacts, clauses: list[Clause], p: ClarificationParams) -> NumericResult:
    out = _prequal_clarification(f, clauses, p)
    if f.deadline is None:
        return out
    method = _method(f, clauses)
    need = p.consultation_min_days if method == "竞争性磋商" else p.min_days
    for c in f.clarification_dates:
        text = clauses[c.clause].text
        if _of_prequal(f, text):
            continue
        extended = "顺延" in text and not re.search(r"不(再|予|作|会)?顺延", text)
        # an extension whose new date is stated in the same clause is checked against that date
        moved_here = extended and f.deadline.clause == c.clause
        if (extended and not moved_here) or c.value >= f.deadline.value:
            continue
        # the 15 days hold only for a change that may bear on the bids (实施条例第二十一条, 87号令第二十七条)
        if re.search(r"不(会)?影响[^。；\n]{0,12}(编制|投标文件|响应文件)", text):
            continue
        # 谈判 and 询价 (74号令第二十九条第二款、第四十五条第二款), and 响应文件 of a method not named (the least any of them needs: a
        # 磋商 file would need 5 days): working days
        responses = method != "竞争性磋商" and any("响应文件" in clauses[i].text for i in (c.clause, f.deadline.clause))
        if method in ("竞争性谈判", "询价") or responses:
            work, how = _workdays(c.value, f.deadline.value, inclusive=False)
            if work < p.negotiation_min_workdays:
                out.append((c.clause, c.evidence, f"澄清（修改）于{date_zh(c.value)}发出，距响应文件截止{date_zh(f.deadline.value)}"
                                                  f"{how}{work}个工作日，少于{p.negotiation_min_workdays}个工作日且未顺延截止时间。"))
            continue
        days = nb.days_between(c.value, f.deadline.value)
        if days < need:
            out.append((c.clause, c.evidence,
                        f"澄清（修改）于{date_zh(c.value)}发出，距投标截止{date_zh(f.deadline.value)}仅{days}日，"
                        + (f"少于{need}日，顺延后的截止时间仍不足{need}日。" if moved_here else f"少于{need}日且未顺延截止时间。")))
    return out


def _of_prequal(f: ProjectFacts, text: str) -> bool:
    """A change to the prequalification document, when its application deadline is known."""
    return f.prequal_deadline is not None and "资格预审" in text


def _prequal_clarification(f: ProjectFacts, clauses: list[Clause], p: ClarificationParams) -> NumericResult:
    """A change to the prequalification document sent under 3 days before the applications are due
    (招标投标法实施条例第二十一条) without moving the deadline."""
    due = f.prequal_deadline
    if due is None:
        return []
    out: NumericResult = []
    for c in f.clarification_dates:
        text = clauses[c.clause].text
        if "资格预审" not in text or c.value >= due.value:
            continue
        if re.search(r"(?<!不)(?<!不予)顺延|不(会)?影响[^。；\n]{0,12}(编制|申请文件)", text):
            continue
        days = nb.days_between(c.value, due.value)
        if days < p.prequal_min_days:
            out.append((c.clause, c.evidence, f"资格预审文件的澄清（修改）于{date_zh(c.value)}发出，距资格预审申请文件截止"
                                              f"{date_zh(due.value)}仅{days}日，少于{p.prequal_min_days}日且未顺延截止时间。"))
    return out


def _check_objection(f: ProjectFacts, clauses: list[Clause], p: ObjectionParams) -> NumericResult:
    """Objections may be raised until `lead_days` before the deadline; an earlier cut-off shortens the window."""
    if f.objection_by is None or f.deadline is None:
        return []
    days = nb.days_between(f.objection_by.value, f.deadline.value)
    if days > p.lead_days:
        return [(f.objection_by.clause, f.objection_by.evidence,
                 f"要求在{date_zh(f.objection_by.value)}前提出异议，距投标截止{date_zh(f.deadline.value)}"
                 f"尚有{days}日；法定可在投标截止时间{p.lead_days}日前提出，提前截止压缩了异议期。")]
    return []


def _check_prequal(f: ProjectFacts, clauses: list[Clause], p: PrequalParams) -> NumericResult:
    if p.min_workdays is not None:  # 政府采购法实施条例第二十一条: from the announcement, in working days
        if f.announce_date is None or f.prequal_deadline is None:
            return []
        if f.prequal_deadline.value < f.announce_date.value:
            return []
        work, how = _workdays(f.announce_date.value, f.prequal_deadline.value, inclusive=False)
        if work < p.min_workdays:
            return [(f.prequal_deadline.clause, f.prequal_deadline.evidence,
                     f"资格预审公告{date_zh(f.announce_date.value)}发布，申请文件{date_zh(f.prequal_deadline.value)}截止提交，"
                     f"{how}{work}个工作日，少于{p.min_workdays}个工作日。")]
        return []
    if f.prequal_sale_end is None or f.prequal_deadline is None:
        return []
    days = nb.days_between(f.prequal_sale_end.value, f.prequal_deadline.value)
    if 0 <= days < p.min_days:
        return [(f.prequal_deadline.clause, f.prequal_deadline.evidence,
                 f"资格预审文件{date_zh(f.prequal_sale_end.value)}停止发售，申请文件"
                 f"{date_zh(f.prequal_deadline.value)}截止递交，仅隔{days}日，少于{p.min_days}日。")]
    return []


def _check_validity(f: ProjectFacts, clauses: list[Clause], p: NoParams) -> NumericResult:
    if f.bond_validity_days is None or f.bid_validity_days is None or f.bond_validity_same is not None:
        return []
    if abs(f.bond_validity_days.value - f.bid_validity_days.value) >= 1:
        return [(f.bond_validity_days.clause, f.bond_validity_days.evidence,
                 f"投标保证金有效期约{f.bond_validity_days.value:g}日，投标有效期为{f.bid_validity_days.value:g}日，两者不一致。")]
    return []


def _check_bid_bond_ratio(f: ProjectFacts, clauses: list[Clause], p: BidBondRatioParams) -> NumericResult:
    max_ratio = p.max_ratio
    if f.bid_bond_pct is not None and f.bid_bond_pct.value and f.bid_bond_pct.value > max_ratio + 1e-9:
        return [(f.bid_bond_pct.clause, f.bid_bond_pct.evidence,
                 f"投标保证金按{f.bid_bond_pct.value * 100:g}%收取，超过{max_ratio * 100:g}%。")]
    base: Fact | None
    if p.base == "estimate":
        base = f.estimate or f.max_price or f.budget
        base_name = "估算价" if f.estimate else ("最高投标限价" if f.max_price else "预算")
    else:
        base = f.total_budget or f.max_price
        base_name = f.total_budget_name()
    if f.bid_bond is None or base is None or base.value <= 0:
        return []
    ratio = f.bid_bond.value / base.value
    if ratio > max_ratio + 1e-9:
        return [(f.bid_bond.clause, f.bid_bond.evidence,
                 f"投标保证金{money_short(f.bid_bond.value)}，{base_name}{money_short(base.value)}，占{ratio * 100:.2f}%，"
                 f"超过{max_ratio * 100:g}%的上限（上限为{money_short(base.value * max_ratio)}）。")]
    return []


def _largest_sum(f: ProjectFacts) -> tuple[Fact, str] | None:
    """The largest sum the project states (the budget, the 最高限价 or the estimate) with its name for a report; the
    first of them on a tie."""
    labels = fact_labels(f)
    sums = [(b, name) for b, name in ((f.total_budget, f.total_budget_name()), (f.max_price, "最高限价"),
                                      (f.estimate, labels["estimate"].removesuffix("（元）")))
            if b is not None and b.value > 0]
    return max(sums, key=lambda x: x[0].value) if sums else None


def _check_perf_bond_ratio(f: ProjectFacts, clauses: list[Clause], p: PerfBondRatioParams) -> NumericResult:
    """A performance bond stated as an amount, against the largest sum the contract can reach (the budget, the
    最高限价 or the estimate): above the share of that, it is above the share of any contract amount."""
    largest = _largest_sum(f)
    if f.perf_bond is None or largest is None:
        return []
    base, name = largest
    ratio = f.perf_bond.value / base.value
    if ratio <= p.max_ratio + 1e-9:
        return []
    return [(f.perf_bond.clause, f.perf_bond.evidence,
             f"履约保证金{money_short(f.perf_bond.value)}，{name}{money_short(base.value)}，合同金额不会高于此数，"
             f"履约保证金至少占合同金额的{ratio * 100:.1f}%，超过{p.max_ratio * 100:g}%的上限。")]


def _check_bid_bond_cap(f: ProjectFacts, clauses: list[Clause], p: BidBondCapParams) -> NumericResult:
    cap = p.max_yuan
    if f.bid_bond is not None and f.bid_bond.value > cap:
        return [(f.bid_bond.clause, f.bid_bond.evidence,
                 f"投标保证金{money_short(f.bid_bond.value)}，超过施工招标投标保证金最高{money_short(cap)}的规定。")]
    return []


def _check_committee(f: ProjectFacts, clauses: list[Clause], p: CommitteeParams) -> NumericResult:
    if f.committee_size is None:
        return []
    n = int(f.committee_size.value)
    need = p.min_members
    if n < need or n % 2 == 0:
        return [(f.committee_size.clause, f.committee_size.evidence,
                 f"评标委员会{n}人，不符合“{need}人以上单数”的要求。")]
    if f.committee_experts is not None and 3 * int(f.committee_experts.value) < 2 * n:
        e = int(f.committee_experts.value)
        return [(f.committee_experts.clause, f.committee_experts.evidence,
                 f"评标委员会{n}人中专家{e}人，不足成员总数的三分之二（至少{-(-2 * n // 3)}人）。")]
    big = p.big_budget
    if f.regime == "政府采购" and f.budget is not None and f.budget.value >= big and n < p.big_min:
        return [(f.committee_size.clause, f.committee_size.evidence,
                 f"预算{money_short(f.budget.value)}（{money_short(p.big_budget)}以上），评标委员会应为{p.big_min}人以上单数，文件规定为{n}人。")]
    return []


# a score cell: 「20」「20分」「20%」 (a 权重 column holds percentages)
_RE_SCORE_CELL = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:分|[%％])?$")
# the column holding the points, by its header; an index column (序号) never does
_RE_SCORE_HEADER = re.compile(r"分值|分数|满分|权重|比重|最高分|标准分|^得分$")
_RE_INDEX_HEADER = re.compile(r"序号|编号|^No\.?$|^项次$", re.IGNORECASE)


def _score_of(cell: str) -> float | None:
    m = _RE_SCORE_CELL.match(cell.strip())
    return float(m.group(1)) if m and 0 < float(m.group(1)) <= 100 else None


def _score_column(header: list[str] | None) -> int | None:
    """Index of the score column named by the table header (分值/分数/满分/权重/比重), if any."""
    for i, h in enumerate(header or []):
        h = re.sub(r"\s+", "", h)
        if _RE_SCORE_HEADER.search(h) and not _RE_INDEX_HEADER.search(h) and "标准" not in h.replace("标准分", ""):
            return i
    return None


def _row_score(cells: list[str], header: list[str] | None) -> float | None:
    """The points of one scoring row: the header's score column, else the first score cell that is not in
    an index (序号) column."""
    col = _score_column(header)
    if col is not None and col < len(cells):
        return _score_of(cells[col])
    skip = {i for i, h in enumerate(header or []) if _RE_INDEX_HEADER.search(h.strip())}
    if not skip and cells and re.fullmatch(r"\d+", cells[0]) and sum(_score_of(x) is not None for x in cells) > 1:
        skip = {0}  # no header: a leading bare integer before another number is the row number
    for i, x in enumerate(cells):
        if i not in skip and (v := _score_of(x)) is not None:
            return v
    return None


#: the price's points stated in a sentence (「价格分值为30分」「“投标报价”分值由30分调整为20分」 once the old value is masked)
#: (or the scoring item 「投标报价（20分）」 named with its points in brackets)
_RE_PRICE_POINTS = re.compile(r"(价格(分|分值|权重|部分|得分)|[“「\"](投标报价|报价|价格)[”」\"](分|分值|权重|得分)?|投标报价(?=[（(]\s*\d))"
                              r"[^。；\n]{0,8}?(?P<v>\d+(\.\d+)?)\s*([%％]|分)")


#: one part of the score in a list of parts (「技术分72分」「商务部分20分」「投标报价8分」)
_RE_SCORE_PART = re.compile(r"(技术|商务|价格|报价|服务|资信|信誉|业绩|其他)[^，,；;。\d\n]{0,8}?(?P<v>\d+(\.\d+)?)\s*分")


def _price_among_parts(text: str) -> re.Match[str] | None:
    """The price's part of a score whose parts, listed in one sentence (or in one sentence's ；-separated items:
    「投标报价20分，采用低价优先法计算；技术参数响应50分；售后服务30分」), add up to 100 points."""
    items = re.split(r"[。；;\n]", text)
    # a sentence without ；/; is one of the items already: read it once
    wholes = [s for s in re.split(r"[。\n]", text) if re.search(r"[；;]", s)]
    for sentence in items + wholes:
        parts = list(_RE_SCORE_PART.finditer(sentence))
        price = [m for m in parts if m.group(1) in ("价格", "报价")]
        if len(parts) >= 2 and len(price) == 1 and abs(sum(float(m.group("v")) for m in parts) - 100) < 1e-6:
            return price[0]
    return None


def _check_price_weight(f: ProjectFacts, clauses: list[Clause], p: PriceWeightParams) -> NumericResult:  # noqa: C901 - one table walk
    if f.regime != "政府采购" or f.subject not in ("货物", "服务"):
        return []
    need = p.goods_min if f.subject == "货物" else p.services_min
    rows = [c for c in clauses if c.table_kind == "评分表" and c.cells]
    price: tuple[Clause, float] | None = None
    total = 0.0
    stated_total: float | None = None
    for c in rows:
        cells = [x.strip() for x in c.cells or []]
        score = _row_score(cells, c.header)
        label = " ".join(x for x in cells[:3] if _score_of(x) is None)
        if re.search(r"合计|总分", label):
            if score is not None:
                stated_total = score
            continue
        if score is None:
            continue
        total += score
        if price is None and re.search(r"价格|报价", label):
            price = (c, score)
    if price is None:
        for c in clauses:
            text = mask_superseded(c.text, numbers_only=True)  # 「“投标报价”分值由30分调整为20分」 sets 20
            m = _RE_PRICE_POINTS.search(text)
            # 「满分100分，其中投标报价8分」: the price item named 报价 in a clause that states the full marks
            if m is None and re.search(r"满分|总分|百分制", text):
                m = re.search(r"(投标)?报价\s*[（(]?\s*(?P<v>\d+(\.\d+)?)\s*(分)", text)
            # the parts of the score listed in one sentence adding up to 100 (「技术分72分，商务分20分，投标报价8分」)
            if m is None:
                m = _price_among_parts(text)
            # a scoring row pasted as text (「投标报价 | 20分」)
            if m is None:
                m = re.match(r"\s*(投标报价|价格分?|报价)\s*[|｜]\s*(?P<v>\d+(\.\d+)?)\s*(分)", text)
            if m:
                v = float(m.group("v"))
                weight = v / 100.0
                f.price_weight = Fact(round(weight, 4), c.index, m.group(0))
                if weight < need - 1e-9:
                    return [(c.index, m.group(0), f"价格分占{weight * 100:g}%，低于{f.subject}项目{need * 100:g}%的下限。")]
                return []
        return []
    c, score = price
    base = stated_total or total or 100.0
    weight = score / base
    f.price_weight = Fact(round(weight, 4), c.index, str(score))
    if weight < need - 1e-9:
        return [(c.index, None, f"价格分{score:g}分，占总分{base:g}分的{weight * 100:.1f}%，低于{f.subject}项目{need * 100:g}%的下限。")]
    return []


# the exceptions of 财库〔2020〕46号第六条 (or a stated reason) next to the no-reservation statement
_SME_EXCEPTION = re.compile(
    r"理由|原因|第六条|不适宜|无法确保|非企业主体|事业单位、社会组织|不可替代的专利|专有技术|技术兼容|"
    r"充分供应|充分竞争|框架协议|影响政府采购目标实现")
#: a reason said to be missing (「……不设置中小企业预留份额，未说明理由」), or a reason field left empty
#: (「是否专门面向中小企业采购：否；理由：无」), is no reason given
_NO_REASON = re.compile(r"(未|没有|无|不)(说明|写明|载明|提供|注明|列明)?[^。；，,\n]{0,4}(理由|原因)"
                        r"|(未|没有)(说明|写明|载明|注明|列明)[^。；，,\n]{0,16}的(理由|原因)"
                        r"|(理由|原因)\s*[:：]\s*(无|暂无|没有|/|／|—+|-+)(?=\s*($|[。；;，,\n]))")


def _check_sme(f: ProjectFacts, clauses: list[Clause], p: SmeParams) -> NumericResult:
    budget = f.total_budget
    if f.regime_for(procurement_policy=True) != "政府采购" or budget is None:
        return []
    cap = p.works_cap if f.subject == "工程" else p.goods_services_cap
    reserved = f.sme_reserved.value if f.sme_reserved else None
    where = f.sme_reserved.clause if f.sme_reserved else budget.clause
    nearby = _NO_REASON.sub("", " ".join(c.text for c in clauses[where: where + 4]))
    if _SME_EXCEPTION.search(nearby):
        return []
    if reserved:
        return _sme_share_short(f, budget, cap, p)
    if budget.value <= cap:
        return [(where, f.sme_reserved.evidence if f.sme_reserved else budget.evidence,
                 f"{f.total_budget_name()}{money_short(budget.value)}，未超过{money_short(cap)}，文件未写明专门面向中小企业采购，也未说明不适宜由中小企业提供的理由。")]
    if reserved is False:
        return [(where, f.sme_reserved.evidence if f.sme_reserved else None,
                 f"{f.total_budget_name()}{money_short(budget.value)}，超过{money_short(cap)}，文件写明不预留份额，但未说明属于不预留的法定情形（理由）。")]
    return []


def _sme_share_short(f: ProjectFacts, budget: Fact, cap: float, p: SmeParams) -> NumericResult:
    """Over the cap, a stated share below 财库〔2020〕46号第八条's 30% of the budget."""
    share = f.sme_share
    if share is None or budget.value <= cap or share.value >= p.min_share - 1e-9:
        return []
    return [(share.clause, share.evidence,
             f"{f.total_budget_name()}{money_short(budget.value)}，超过{money_short(cap)}，文件预留面向中小企业的份额为"
             f"{percent(share.value)}，低于应当预留的预算总额的{percent(p.min_share)}。")]


def _check_must_tender(f: ProjectFacts, clauses: list[Clause], p: MustTenderParams) -> NumericResult:
    if f.regime != "工程" or f.procurement_method is None or f.estimate is None:
        return []
    if f.procurement_method.value in ("公开招标", "邀请招标"):
        return []
    if f.estimate.value >= p.works_min:
        return [(f.procurement_method.clause, f.procurement_method.evidence,
                 f"施工估算价{money_short(f.estimate.value)}，达到依法必须招标的{money_short(p.works_min)}标准，却采用{f.procurement_method.value}方式。")]
    return []


#: a past contract's size required of a bidder (「单项合同额不低于1.5亿元」「单项合同金额1亿元以上」), not a cumulative sum
_RE_RECORD_AMOUNT = re.compile(
    r"(?<!累计)(?:单项|单个|单份)?(?:合同|项目)(?:金额|额|价款|造价)[^。；\n\d]{0,6}?(?:不低于|不少于|≥|>=|达到|在)\s*"
    r"(?P<amt>\d+(?:\.\d+)?\s*(?:万|亿)元)"
    r"|(?:单项|单个|单份)(?:合同|项目)(?:金额|额|价款|造价)\s*(?P<amt2>\d+(?:\.\d+)?\s*(?:万|亿)元)\s*(?:及|或)?以上")
#: the sentence is about the bidder's past contracts
_RE_RECORD = re.compile(r"业绩|(?:完成|承接|承担|承建|实施)过|近\s*(?:\d+|[一二三四五六七八九十])\s*年[^。；\n]{0,6}(?:完成|承接|承担|承建|实施)")


def _check_record_amount(f: ProjectFacts, clauses: list[Clause], p: RecordAmountParams) -> NumericResult:
    """A past contract of a size above this project's own (「估算价1800万元」 and 「单项合同额不低于1.5亿元的……业绩」): a
    condition out of proportion to the project (招标投标法实施条例第三十二条第二款第（二）项). The largest of the project's
    sums is the measure, so a lot of a larger tender is not held to the lot's own size."""
    largest = _largest_sum(f)
    if largest is None:
        return []
    base, name = largest
    out: NumericResult = []
    for c in clauses:
        for sentence in split_sentences(c.text):
            if not _RE_RECORD.search(sentence):
                continue
            for m in _RE_RECORD_AMOUNT.finditer(sentence):
                amount = nb.parse_amount(m.group("amt") or m.group("amt2") or "")
                if amount is None or amount <= p.max_ratio * base.value:
                    continue
                out.append((c.index, m.group(0), f"业绩要求单项合同金额不低于{money_short(amount)}，是本项目{name}"
                                                 f"{money_short(base.value)}的{amount / base.value:.1f}倍，与项目规模不相适应。"))
                break
    return out


#: a licence or certificate named in book-title marks (「《医疗器械经营许可证》」)
_RE_LICENCE = re.compile(r"《([^《》]{2,30}?(许可证|证书|执照|登记证|备案凭证|资质证书|资格证))》")
#: a management-system certification named by its standard (「ISO9001质量管理体系认证」 and 「ISO9001认证」 are one)
_RE_ISO = re.compile(r"ISO\s*(\d{4,5})", re.IGNORECASE)
#: the compulsory product certification, however written (「《强制性产品认证证书（CCC）》」「CCC认证证书」「3C认证」)
_RE_CCC = re.compile(r"CCC|3C认证|强制性产品认证")
#: points given (「得3分」「加2分」), not taken away or withheld
_RE_POINTS = re.compile(r"(得|加|计)\s*[1-9][0-9]*(\.[0-9]+)?\s*分")
_RE_NOT_SCORED = re.compile(r"不作为(评分|评审)|不计分|不加分|不得分|不予计分")


def _check_qualification_scored(f: ProjectFacts, clauses: list[Clause], p: NoParams) -> NumericResult:
    """A licence (or an ISO certification) required to take part (a sentence requiring it, no points) and scored
    where it is named again (a sentence giving points for it): a qualification used as an evaluation factor."""
    from assistant.review.rules import QUALIFY, SCORING  # late: rules imports the checks

    required: set[str] = set()
    scored: list[tuple[Clause, str]] = []
    for c in clauses:
        for sentence in split_sentences(c.text):
            names = {m.group(1) for m in _RE_LICENCE.finditer(sentence)} | {f"ISO{m.group(1)}" for m in _RE_ISO.finditer(sentence)}
            if _RE_CCC.search(sentence):
                names = {n for n in names if not _RE_CCC.search(n)} | {"CCC"}
            if not names or _RE_NOT_SCORED.search(sentence):
                continue
            if _RE_POINTS.search(sentence):
                scored.extend((c, name) for name in names)
            elif QUALIFY.search(sentence) and not SCORING.search(sentence):
                required |= names
    out: NumericResult = []
    for c, name in scored:
        if name in required:
            shown = name if name.startswith("ISO") else "强制性产品认证（CCC）" if name == "CCC" else f"《{name}》"
            out.append((c.index, shown, f"{shown}已是参加投标的资格条件，评分中又以其给分。"))
    return out


#: round 89 (dev106): also the quota worked out (「按定额测算工期为420日历天」)
_RE_QUOTA = re.compile(r"定额(?:测算|计算|核算|核定)?的?工期")
#: the duration the file sets: 「合同工期」, or the project's own demand (round 80, dev97: 「定额工期120日历天，本项目要求60日历天」)
_RE_TERM = re.compile(r"(?<!定额)(合同|计划|要求|总|施工|投标)?工期|(本项目|本工程|本标段|招标人|发包人)(要求|计划|确定)")


def _check_duration_vs_quota(f: ProjectFacts, clauses: list[Clause], p: DurationQuotaParams) -> NumericResult:
    """A clause giving both the duration the file sets and the quota duration (「合同工期不得超过90日历天（定额工期为210
    日历天）」): the set one below ``min_ratio`` of the quota compresses the reasonable duration."""
    out: NumericResult = []
    for c in clauses:
        quota = _RE_QUOTA.search(c.text)
        if quota is None:
            continue
        counts = [d for d in nb.find_day_counts(c.text) if d.unit not in ("工作日", "周", "星期")]
        after_quota = [d for d in counts if d.start >= quota.end() and d.start - quota.end() <= 8]
        if not after_quota:
            continue
        m = after_quota[0]
        term_ends = [t.end() for t in _RE_TERM.finditer(c.text)]
        terms = [d for d in counts if d is not m and any(e <= d.start and d.start - e <= 12 for e in term_ends)]
        if not terms or m.days <= 0:
            continue
        n = terms[0]
        if n.days < p.min_ratio * m.days:
            out.append((c.index, n.text, f"工期{n.days:g}日为定额工期{m.days:g}日的{percent(n.days / m.days)}，"
                                         f"低于定额工期的{percent(p.min_ratio)}，压缩了合理工期。"))
    return out


NUMERIC_CHECKS: dict[str, Callable[[ProjectFacts, list[Clause], Any], NumericResult]] = {
    "bid_period": _check_bid_period,
    "sale_period": _check_sale_period,
    "clarification_lead": _check_clarification,
    "objection_window": _check_objection,
    "prequal_period": _check_prequal,
    "validity_mismatch": _check_validity,
    "qualification_scored": _check_qualification_scored,
    "duration_vs_quota": _check_duration_vs_quota,
    "bid_bond_ratio": _check_bid_bond_ratio,
    "perf_bond_ratio": _check_perf_bond_ratio,
    "bid_bond_cap": _check_bid_bond_cap,
    "committee_size": _check_committee,
    "price_weight": _check_price_weight,
    "sme_reservation": _check_sme,
    "must_tender": _check_must_tender,
    "record_amount": _check_record_amount,
}
