"""Prices: the 投标总价 and the priced item rows of a bid, and the P1–P5 pair checks.

Quantities are given by the tender and never compared; non-competitive rows (安全文明施工费, 规费,
税金, 暂列金额, 暂估价, 信息价 …, from lexicon.yaml) and rows every bidder prices identically are excluded.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, field

from assistant.collusion.normalize import match_key
from assistant.collusion.reader import ParsedDoc
from assistant.text_zh import cn_money

_NUM = r"([0-9][0-9,]*(?:\.[0-9]{1,2})?)"
#: words that name the bid total (a sentence label, or a column of the 开标一览表)
_TOTAL_WORDS = ("投标总价", "投标总报价", "投标报价", "总报价", "报价合计", "投标价格")
TOTAL_RE = re.compile(
    rf"(?:{'|'.join(_TOTAL_WORDS)}|总价)[^0-9¥￥\n]{{0,24}}?(?:小写)?\s*[：:]?\s*[¥￥]?\s*{_NUM}\s*(万元|元)?")
UPPER_RE = re.compile(r"大写\s*[：:]?\s*(?:人民币)?\s*([零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整]{2,40})")


def _num(text: str) -> float | None:
    t = text.replace(",", "").replace("，", "").strip()
    if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", t):
        return None
    return float(t)


@dataclass
class PriceRow:
    key: str
    name: str
    unit_index: int
    quantity: float | None
    price: float
    amount: float | None
    fixed: bool

    @property
    def calc_error(self) -> bool:
        if self.quantity is None or self.amount is None:
            return False
        return abs(round(self.quantity * self.price, 2) - self.amount) > max(0.011, abs(self.amount) * 1e-6)


@dataclass
class PriceTable:
    total: float | None = None
    total_unit: int = 0
    upper: float | None = None
    upper_text: str = ""
    rows: dict[str, PriceRow] = field(default_factory=dict)


_HEADER_PRICE = ("综合单价", "单价")
_HEADER_AMOUNT = ("合价", "金额", "合计", "小计", "总价")
_HEADER_QTY = ("工程量", "数量")
_HEADER_NAME = ("项目名称", "清单名称", "名称", "货物名称", "品目", "服务内容")
_HEADER_CODE = ("项目编码", "清单编码", "编码", "编号")


def _col(cells: list[str], words: tuple[str, ...]) -> int | None:
    for w in words:
        for i, c in enumerate(cells):
            if w in c.replace(" ", ""):
                return i
    return None


def _is_header(cells: list[str] | None) -> bool:
    """A price-table header row: a unit-price column, an amount or quantity column, no numbers."""
    return bool(cells) and _col(cells or [], _HEADER_PRICE) is not None \
        and _col(cells or [], _HEADER_AMOUNT + _HEADER_QTY) is not None and all(_num(c) is None for c in cells or [])


@dataclass
class _TotalColumns:
    """The columns of an 开标一览表: the total (小写 when the header has a 大写/小写 sub-header) and 大写."""

    value: int
    upper: int | None = None

    @classmethod
    def of_header(cls, cells: list[str] | None) -> _TotalColumns | None:
        """A header row naming the bid total (no numbers; not an item-price header)."""
        if not cells or _is_header(cells) or any(_num(c) is not None for c in cells):
            return None
        col = _col(cells, _TOTAL_WORDS)
        return cls(col) if col is not None else None

    def refine(self, cells: list[str]) -> bool:
        """Take the 大写/小写 sub-header row under the header; False when `cells` is not one."""
        small = _col(cells, ("小写",))
        if small is None or any(_num(c) is not None for c in cells):
            return False
        self.value, self.upper = small, _col(cells, ("大写",))
        return True

    def read(self, cells: list[str]) -> tuple[float | None, str]:
        """(total, 大写 text) of a data row."""
        value = _num(_cell(cells, self.value))
        upper = _cell(cells, self.upper).replace("人民币", "")
        return (value if value and value > 0 else None), upper


def read_prices(doc: ParsedDoc, fixed_fee_keywords: list[str], skip_keys: frozenset[str] = frozenset()) -> PriceTable:  # noqa: C901 - collusion module, split pending
    """Prices of one bid; units whose text is also in the tender (`skip_keys`, match keys) are not prices."""
    table = PriceTable()
    totals: dict[float, int] = {}
    cols: dict[str, int | None] | None = None
    total_cols: _TotalColumns | None = None
    for idx, unit in enumerate(doc.units):
        flat = unit.text.replace(" ", "")
        # the 开标一览表 (header 「投标报价」, sub-header 「大写 | 小写」, one row per bid): its header is the
        # tender's own format, so it is read before the tender's text is skipped
        header = _TotalColumns.of_header(unit.cells)
        if header is not None:
            total_cols = header
            continue
        if total_cols is not None and unit.cells and not total_cols.refine(unit.cells):
            value, upper = total_cols.read(unit.cells)
            total_cols = None
            if value is not None:
                totals.setdefault(round(value, 2), idx)
                if table.upper is None and cn_money(upper) is not None:
                    table.upper, table.upper_text = cn_money(upper), upper
        # a price-table header is read even when the tender carries the same table format (it usually
        # does: 报价表格式): skipping it lost every row of the bid's own table
        if skip_keys and match_key(unit.text) in skip_keys and not _is_header(unit.cells):
            continue
        for m in TOTAL_RE.finditer(flat):
            value = _num(m.group(1))
            if value is None or value <= 0:
                continue
            if m.group(2) == "万元":
                value *= 10_000
            totals.setdefault(round(value, 2), idx)
        if table.upper is None:
            mu = UPPER_RE.search(flat)
            if mu:
                table.upper, table.upper_text = cn_money(mu.group(1)), mu.group(1)
        cells = unit.cells
        if not cells:
            continue
        price_col = _col(cells, _HEADER_PRICE)
        if price_col is not None and _is_header(cells):
            cols = {"price": price_col, "amount": _col(cells, _HEADER_AMOUNT), "qty": _col(cells, _HEADER_QTY),
                    "name": _col(cells, _HEADER_NAME), "code": _col(cells, _HEADER_CODE)}
            continue
        if cols is None:
            continue
        row = _row(cells, cols, idx, fixed_fee_keywords)
        if row is not None and row.key not in table.rows:
            table.rows[row.key] = row
    if totals:
        # the first stated total (投标函 / 开标一览表) is the bid price; later sums are sub-totals
        first = min(totals.items(), key=lambda kv: kv[1])
        table.total, table.total_unit = first
    return table


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i] if i is not None and i < len(cells) else ""


def _row(cells: list[str], cols: dict[str, int | None], idx: int, fixed_kw: list[str]) -> PriceRow | None:
    # PDF lines and merged cells can shift columns: read numbers from the right when counts differ
    price = _num(_cell(cells, cols["price"]))
    amount = _num(_cell(cells, cols["amount"])) if cols["amount"] is not None else None
    qty = _num(_cell(cells, cols["qty"])) if cols["qty"] is not None else None
    name = _cell(cells, cols["name"]) or next((c for c in cells if _num(c) is None), "")
    code = _cell(cells, cols["code"]) if cols["code"] is not None else ""
    if price is None or not name or _num(name) is not None:
        return None
    key = (code if (code and _num(code) is None) or (code and len(code) >= 6) else "") or name
    fixed = any(k in name for k in fixed_kw)
    return PriceRow(key=key, name=name, unit_index=idx, quantity=qty, price=price, amount=amount, fixed=fixed)


# --------------------------------------------------------------------------- tender-level context
def missing_totals_note(n: int) -> str:
    """「未读取到 N 家的投标总价，总价规律未核对」: said wherever the totals would have been checked."""
    return f"未读取到 {n} 家的投标总价，总价规律未核对"


def dispersion_context(totals: list[float]) -> list[str]:
    """Screens on the totals of one tender (Imhof 2017): context lines only, never findings."""
    if len(totals) < 3:
        return []
    b = sorted(totals)
    mean = statistics.fmean(b)
    sd = statistics.stdev(b)
    cv = sd / mean if mean else 0.0
    spd = (b[-1] - b[0]) / b[0] if b[0] else 0.0
    diffp = (b[1] - b[0]) / b[0] if b[0] else 0.0
    rdnor = (len(b) - 1) * (b[1] - b[0]) / (b[-1] - b[0]) if b[-1] != b[0] else 0.0
    return [
        f"报价离散度（背景信息，不作为认定依据）：{len(b)} 家有效报价，变异系数 {cv:.2%}，最高与最低相差 {spd:.2%}，"
        f"最低两家相差 {diffp:.2%}，相对距离 RDNOR {rdnor:.2f}。样本很小，这些统计量只能提示是否需要结合其他证据复核。",
    ]


def progression(totals: dict[str, float]) -> tuple[str, list[str]] | None:
    """All totals in arithmetic or geometric progression (only meaningful with ≥ 4 bids)."""
    if len(totals) < 4:
        return None
    items = sorted(totals.items(), key=lambda kv: kv[1])
    vals = [v for _, v in items]
    diffs = [b - a for a, b in itertools.pairwise(vals)]
    ratios = [b / a for a, b in itertools.pairwise(vals) if a]
    md = statistics.fmean(diffs)
    if md > 0 and all(abs(d - md) <= 0.02 * md for d in diffs):
        return f"全部 {len(vals)} 家报价从低到高依次相差约 {md:,.2f} 元（等差）", [f for f, _ in items]
    mr = statistics.fmean(ratios) if ratios else 1.0
    if mr > 1 and all(abs(r - mr) <= 0.02 * (mr - 1) for r in ratios):
        return f"全部 {len(vals)} 家报价从低到高依次约为前一家的 {mr:.4f} 倍（等比）", [f for f, _ in items]
    return None
