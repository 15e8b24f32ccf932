"""Typed parameters of the cross-clause checks, keyed by check name (validated when the catalogue loads).

A misspelt check name or parameter in review_rules.yaml is a load error, not a check that silently
never fires.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(_Params):
    pass


class BidPeriodParams(_Params):
    min_days: int = Field(20, ge=1, description="招标：文件发出至投标截止的最少天数")
    consultation_min_days: int = Field(10, ge=1, description="竞争性磋商：磋商文件发出至首次响应文件截止的最少天数")
    negotiation_min_workdays: int = Field(3, ge=1, description="竞争性谈判、询价：文件发出至响应文件截止的最少工作日")


class SaleParams(_Params):
    min_days: int = Field(5, ge=1)
    min_workdays: int = Field(5, ge=1)


class ClarificationParams(_Params):
    min_days: int = Field(15, ge=1, description="招标：澄清修改发出至投标截止的最少天数")
    consultation_min_days: int = Field(5, ge=1, description="竞争性磋商：澄清修改发出至首次响应文件截止的最少天数")
    negotiation_min_workdays: int = Field(3, ge=1, description="竞争性谈判、询价（及未写明方式的响应文件）：澄清修改发出至响应文件截止的最少工作日")
    prequal_min_days: int = Field(3, ge=1, description="资格预审：澄清修改发出至资格预审申请文件截止的最少天数（招标投标法实施条例第二十一条）")


class ObjectionParams(_Params):
    lead_days: int = Field(10, ge=1, description="异议可提出至投标截止前的天数（招标投标法实施条例第二十二条）")


class PrequalParams(_Params):
    min_days: int = Field(5, ge=1, description="资格预审文件停止发售至申请文件递交截止的最少天数")
    min_workdays: int | None = Field(None, ge=1, description="政府采购：资格预审公告发布至申请文件提交截止的最少工作日（设置时按此检查）")


class BidBondRatioParams(_Params):
    max_ratio: float = Field(0.02, gt=0, lt=1)
    base: Literal["estimate", "budget"] = "budget"


class PerfBondRatioParams(_Params):
    max_ratio: float = Field(0.1, gt=0, lt=1, description="the performance bond's largest share of the contract amount")


class BidBondCapParams(_Params):
    max_yuan: float = Field(800000, gt=0)


class CommitteeParams(_Params):
    min_members: int = Field(5, ge=1)
    big_budget: float = Field(1e7, gt=0)
    big_min: int = Field(7, ge=1)


class PriceWeightParams(_Params):
    goods_min: float = Field(0.30, gt=0, lt=1)
    services_min: float = Field(0.10, gt=0, lt=1)


class SmeParams(_Params):
    goods_services_cap: float = Field(2e6, gt=0)
    works_cap: float = Field(4e6, gt=0)
    min_share: float = Field(0.3, gt=0, le=1, description="超过上述金额的项目预留给中小企业的最低预算份额")


class DurationQuotaParams(_Params):
    min_ratio: float = Field(0.7, gt=0, le=1, description="工期不得低于定额工期的比例（压缩不超过定额工期的30%）")


class MustTenderParams(_Params):
    works_min: float = Field(4e6, gt=0)


class RecordAmountParams(_Params):
    max_ratio: float = Field(1.0, gt=0, description="业绩要求的单项合同金额与本项目金额（估算价、最高限价或预算中最大者）之比的上限")


CHECK_PARAMS: dict[str, type[_Params]] = {
    "bid_period": BidPeriodParams,
    "sale_period": SaleParams,
    "clarification_lead": ClarificationParams,
    "objection_window": ObjectionParams,
    "prequal_period": PrequalParams,
    "validity_mismatch": NoParams,
    "qualification_scored": NoParams,
    "duration_vs_quota": DurationQuotaParams,
    "bid_bond_ratio": BidBondRatioParams,
    "bid_bond_cap": BidBondCapParams,
    "perf_bond_ratio": PerfBondRatioParams,
    "committee_size": CommitteeParams,
    "price_weight": PriceWeightParams,
    "sme_reservation": SmeParams,
    "must_tender": MustTenderParams,
    "record_amount": RecordAmountParams,
}
