"""围标串标预警: collusion signals across the bids (投标文件) of one tender.

Modules: `reader` (files -> text, tables, metadata), `normalize` (text for matching),
`exemptions` (tender + 范本 subtraction), `entities` / `text_signals` / `provenance` / `prices`
(signal families), `scoring` (tiers, pair risk), `grouping`, `legal` (basis by regime),
`report` (Markdown / DOCX), `pipeline` (the use case).
"""

from assistant.collusion.models import CollusionReport, PairResult, Signal

__all__ = ["CollusionReport", "PairResult", "Signal"]
