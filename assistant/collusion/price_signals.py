"""P1 identical totals, P2 identical item prices, P3 constant ratio/difference, P5 shared calculation errors."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from assistant.collusion.bidfacts import BidFacts, value_evidence
from assistant.collusion.duplicates import count_bidders
from assistant.collusion.models import Evidence, Regime, Signal, Tier

MIN_ROWS = 5


def competitive_keys(bids: list[BidFacts], party: list[int]) -> set[str]:
    """Rows that are priced competitively: not fixed fees, and not priced identically by every bidder.

    Bidders are counted as in `SharedIndex` (`party`: per bid, its bidder): two files of one bidder count once,
    so a bidder's second file neither makes two bidders' identical rows a template nor hides one."""
    prices: dict[str, set[float]] = {}
    holders: dict[str, list[int]] = {}
    for n, b in enumerate(bids):
        for k, r in b.prices.rows.items():
            if r.fixed:
                continue
            prices.setdefault(k, set()).add(r.price)
            holders.setdefault(k, []).append(n)
    bidders = count_bidders(range(len(bids)), party)
    return {k for k, p in prices.items()
            if not (bidders >= 3 and count_bidders(holders[k], party) == bidders and len(p) == 1)}


@dataclass(frozen=True)
class _Wording:
    """The words of the price checks in one regime: 工程 bills of quantities, or 政府采购 price schedules."""

    item: str
    unit_price: str
    quantity: str
    excluded: str
    uniform_cut: str


_WORDING: dict[Regime, _Wording] = {
    "工程": _Wording("清单项", "综合单价", "工程量", "不可竞争费用（安全文明施工费、规费、税金等）、暂列金额、暂估价和信息价材料",
                    "按定额和信息价统一下浮"),
    "政府采购": _Wording("分项", "单价", "数量", "招标文件规定的固定费用、暂定金额等不参与竞争的项目", "按同一价目表统一折扣"),
}


def price_signals(a: BidFacts, b: BidFacts, cap: float | None, comp: set[str], regime: Regime = "工程") -> list[Signal]:
    out: list[Signal] = []
    pa, pb = a.prices, b.prices
    w = _WORDING[regime]
    if pa.total is not None and pb.total is not None and abs(pa.total - pb.total) < 0.005:
        if cap is not None and abs(pa.total - cap) < 0.005:
            pass  # both at the 最高投标限价: innocent, reported nowhere as a finding
        else:
            v = f"{pa.total:,.2f}"
            out.append(Signal(kind="price_identical", label=f"投标总价完全相同（{v} 元）", tier="强",
                              evidence=[value_evidence("投标总价相同", _raw(a, pa.total_unit, pa.total), a, pa.total_unit, b,
                                                       pb.total_unit, _raw(b, pb.total_unit, pb.total))],
                              innocent_explanations_checked=["不等于招标文件载明的最高投标限价或预算金额"]))
    keys = sorted(k for k in set(pa.rows) & set(pb.rows) if k in comp)
    if len(keys) >= MIN_ROWS:
        same = [k for k in keys if abs(pa.rows[k].price - pb.rows[k].price) < 0.005]
        share = len(same) / len(keys)
        checked = [f"已排除{w.excluded}", f"已排除所有投标人报价都相同的{w.item}（招标文件给定或统一价格）",
                   f"{w.quantity}由招标文件给定，未比较"]
        if len(same) >= 3 and share >= 0.3:
            ev = [_row_ev(a, b, k, f"{w.unit_price}相同") for k in same[:6]]
            out.append(Signal(kind="price_identical", label=f"{len(same)}/{len(keys)} 个竞争性{w.item}单价完全相同（{share:.0%}）",
                              tier="强" if share >= 0.5 else "中", evidence=ev, innocent_explanations_checked=checked))
        elif len(same) < len(keys) * 0.3:
            sig = _pattern(a, b, keys, checked, w)
            if sig is not None:
                out.append(sig)
    errs = [k for k in set(pa.rows) & set(pb.rows)
            if pa.rows[k].calc_error and pb.rows[k].calc_error and pa.rows[k].amount == pb.rows[k].amount]
    if errs:
        ev = [_row_ev(a, b, k, f"单价×{w.quantity}≠合价，且两家错得一样") for k in sorted(errs)[:6]]
        out.append(Signal(kind="price_calc_errors", label=f"{len(errs)} 个{w.item}存在相同的计算错误", tier="强" if len(errs) >= 2 else "中",
                          evidence=ev, innocent_explanations_checked=["差额超过计价软件的四舍五入误差（0.01 元）"]))
    if pa.upper is not None and pb.upper is not None and pa.total and pb.total and pa.upper == pb.upper \
            and abs(pa.upper - pa.total) > 0.5 and abs(pb.upper - pb.total) > 0.5:
        out.append(Signal(kind="price_calc_errors", label="大写金额与小写金额不一致，且两家的大写金额相同", tier="中",
                          evidence=[value_evidence("大写金额相同且与小写不符", pa.upper_text, a, pa.total_unit, b, pb.total_unit)],
                          innocent_explanations_checked=["大写金额不在招标文件中"]))
    return out


def total_evidence(bids: list[BidFacts]) -> list[Evidence]:
    """Each bid's 投标总价 where it is written, lowest first (the evidence of a price progression)."""
    out = []
    for b in sorted((b for b in bids if b.prices.total is not None), key=lambda b: b.prices.total or 0.0):
        total, unit = b.prices.total or 0.0, b.prices.total_unit
        raw = _raw(b, unit, total)
        out.append(Evidence(description=f"{b.entities.bidder or b.file}的投标总价", value=f"{total:,.2f} 元",
                            a=b.excerpt(unit, raw)))
    return out


def _raw(b: BidFacts, unit: int, value: float) -> str:
    text = b.doc.units[unit].text if b.doc.units else ""
    for cand in (f"{value:,.2f}", f"{value:.2f}", f"{value:,.0f}", f"{value:.0f}", f"{value:g}"):
        if cand in text:
            return cand
    return f"{value:,.2f}"


def _row_ev(a: BidFacts, b: BidFacts, key: str, what: str) -> Evidence:
    ra, rb = a.prices.rows[key], b.prices.rows[key]
    # each side highlights its own price as written (「57737.50」, not A's value or a shortened 「57737.5」)
    wa, wb = _raw(a, ra.unit_index, ra.price), _raw(b, rb.unit_index, rb.price)
    ev = value_evidence(f"{ra.name}：{what}", wa, a, ra.unit_index, b, rb.unit_index, wb)
    ev.value = f"{ra.name}：{wa} / {wb}"
    return ev


def _pattern(a: BidFacts, b: BidFacts, keys: list[str], checked: list[str], w: _Wording) -> Signal | None:
    pa = [a.prices.rows[k].price for k in keys]
    pb = [b.prices.rows[k].price for k in keys]
    if min(pa + pb) <= 0:
        return None
    ratios = [x / y for x, y in zip(pa, pb, strict=True)]
    mr = statistics.fmean(ratios)
    cv = statistics.pstdev(ratios) / mr
    diffs = [x - y for x, y in zip(pa, pb, strict=True)]
    md = statistics.fmean(diffs)
    scale = statistics.fmean(pa)
    tier: Tier
    if cv < 0.012:
        tier, label = ("强" if cv < 0.006 else "中"), f"{len(keys)} 个竞争性{w.item}单价之比几乎恒定（约 {mr:.4f} 倍，变异系数 {cv:.2%}）"
    elif md != 0 and statistics.pstdev(diffs) < 0.002 * scale:
        tier, label = "强", f"{len(keys)} 个竞争性{w.item}单价之差几乎恒定（约 {md:,.2f} 元）"
    else:
        return None
    ev = [_row_ev(a, b, k, f"单价之比 {x / y:.4f}") for k, x, y in list(zip(keys, pa, pb, strict=True))[:6]]
    return Signal(kind="price_pattern", label=label, tier=tier, evidence=ev,
                  innocent_explanations_checked=[*checked, f"独立报价的各项单价比值通常有明显波动（{w.uniform_cut}时请结合其他证据判断）"])
