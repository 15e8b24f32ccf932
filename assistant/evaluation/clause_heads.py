"""The first line a single clause is reviewed under, so that the review knows the procurement type.

A clause taken out of a tender has no document around it; the review reads the regime (政府采购 or
依法必须招标的工程) from a document's first lines, so the probe runner, the probe-wording tests and the review
benchmark put one of these heads before the clause. A 政府采购 clause that names its own method
(「采用竞争性磋商方式采购」, or its 响应文件, which only those methods ask for) is read under a head that names none: the 公开招标 head would contradict the clause,
and the tender it stands for is one bought by that method.
"""

from __future__ import annotations

import re

HEADS = {"政府采购": "本项目为政府采购项目，采购方式：公开招标。\n",
         "工程": "本项目为依法必须招标的工程建设项目，施工招标。\n"}
#: a 政府采购 head that names no method: the clause's own method (or none) decides it
GOV_ANY = "本项目为政府采购项目。\n"
OWN_METHOD = re.compile("竞争性磋商|竞争性谈判|磋商文件|谈判文件|询价通知书|询价小组|单一来源|框架协议|响应文件"
                        "|(采用|以|通过|实行|进行|按|采取)询价")


def head(regime: str, clause: str) -> str:
    """The head a clause of ``regime`` (a key of ``HEADS``) is reviewed under."""
    if regime == "政府采购" and OWN_METHOD.search(clause):
        return GOV_ANY
    return HEADS[regime]
