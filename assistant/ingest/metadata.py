"""Infer `DocumentMeta` for a user file: title, type, issuer, 文号, dates, version, aliases.

Why: users ask with short names (招标投标法, 87号令, 财库〔2020〕46号); the knowledge base can only
resolve them if every document carries its aliases and 文号, and legal force (doc_type) decides
which basis wins when sources disagree.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

from assistant.ingest.doctitle import strip_title_suffix, title_line
from assistant.ingest.organs import organ_table
from assistant.schema import DRAFT_STATUS, DocType, DocumentMeta, LoadedDocument, Status
from assistant.text_zh import compact_cjk, normalize
from assistant.titles import facts_for

_DOC_TYPES = frozenset(get_args(DocType))
_STATUSES = set(get_args(Status))

_RE_DATE = re.compile(r"(\d{4})\s*[-.年/]\s*(\d{1,2})\s*[-.月/]\s*(\d{1,2})\s*日?")
_RE_FILE_VERSION = re.compile(r"[（(]\s*(\d{4}[-.]\d{1,2}[-.]\d{1,2})\s*[)）]\s*$")
#: a 文号 with a year: 财库〔2020〕46号 (the 令 of the organs in organs.yaml are matched before it)
_RE_YEAR_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d+)\s*号")
_RE_PRESIDENT_ORDER = re.compile(r"主席令\s*第\s*(\d+)\s*号")
_RE_EFFECTIVE = re.compile(r"(?:自\s*)?(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:起\s*)?(?:施行|实施|执行)")
#: local organs named by pattern (the organs of organs.yaml are matched by name before them)
_LOCAL_ISSUERS = (
    r"[\u4e00-\u9fff]{2,8}(?:省|市|自治区)[\u4e00-\u9fff]{0,10}?(?:人民代表大会常务委员会|人民政府办公室|人民政府办公厅|人民政府)|"
    r"[\u4e00-\u9fff]{2,6}(?:区|县)人民政府(?:办公室)?"
)


@lru_cache(maxsize=4)
def _issuer_regex(names_pattern: str) -> re.Pattern[str]:
    return re.compile(f"({names_pattern}|{_LOCAL_ISSUERS})" if names_pattern else f"({_LOCAL_ISSUERS})")


def _iso(date_text: str) -> str | None:
    m = _RE_DATE.search(date_text or "")
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1949 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _clean_title(title: str) -> str:
    t = compact_cjk(normalize(title)).strip().strip("#").strip()
    t = _RE_FILE_VERSION.sub("", t).strip()
    return t


def infer_doc_type(title: str, text_head: str = "", doc_number: str | None = None) -> str:  # noqa: C901 - ordered legal-force decision list
    """Legal force from the title and issuer (法律 > 行政法规 > 部门规章/地方性法规 > 规范性文件).

    A draft (征求意见稿, 草案) has none. A trailing qualifier (（试行）（2023年版）) does not change the
    type; a document with a 〔year〕 文号 (婺财采〔2026〕1号) is at least a 规范性文件.
    """
    if is_draft(title):
        return "其他"
    t = strip_title_suffix(title)
    if ("最高人民法院" in t or "最高人民检察院" in t) and ("解释" in t or "规定" in t or "批复" in t):
        return "司法解释"
    if re.search(r"(法|法典)$", t) and not re.search(r"(实施条例|实施细则|办法|规定)$", t):
        return "法律"
    if doc_number and doc_number.startswith("国务院令"):
        return "行政法规"
    if re.search(r"(省|市|自治区|特别行政区)", t) and re.search(r"条例$", t):
        return "地方性法规"
    if re.search(r"(实施条例|条例)$", t):
        return "行政法规"
    if doc_number and re.search(r"部令|委令|总局令", doc_number):
        return "部门规章"
    if re.search(r"(办法|规定|细则)$", t):
        if re.search(r"(省|市|自治区|区|县)", t) and not t.startswith("中华人民共和国"):
            return "规范性文件"
        return "部门规章"
    if re.search(r"(方案|意见|通知|决定|纲要|规划)$", t) or re.search(r"(方案|意见|通知)", t):
        return "规范性文件" if re.search(r"〔\d{4}〕", doc_number or "") else "政策文件"
    if re.search(r"(规则|指引|指南|标准|要点)$", t) or re.search(r"〔\d{4}〕", doc_number or ""):
        return "规范性文件"
    return "其他"


_RE_DRAFT = re.compile(r"征求意见稿|草案|送审稿|讨论稿")


def is_draft(text: str) -> bool:
    """A draft published for comment (「（征求意见稿，2010年1月11日…）」): it has no 文号 and no legal force."""
    return bool(_RE_DRAFT.search(text))


def _aliases(title: str, doc_number: str | None) -> list[str]:
    out: list[str] = []
    short = title.removeprefix("中华人民共和国")
    if short != title:
        out.append(short)
    out.extend(_known(title).get("aliases", []))
    if doc_number:
        out.append(doc_number)
        m = re.match(r"^(\S+?)令第(\d+)号$", doc_number)
        if m:
            out += [f"{m.group(2)}号令", f"{m.group(1)}{m.group(2)}号令"]
        if "〔" in doc_number:
            out.append(doc_number.replace("〔", "[").replace("〕", "]"))
    return [a for a in dict.fromkeys(out) if a and a != title]


def _known(title: str) -> dict[str, Any]:
    """What the manifest (or the alias table) states about a well-known title: the short names
    users type and facts the files do not state reliably (the 87/74/94号令 PDFs carry the 文号
    only in faux-bold, 46号文 not at all)."""
    facts = facts_for(title)
    if facts is None:
        return {}
    known: dict[str, Any] = {"aliases": list(facts.aliases)}
    for key in ("doc_number", "doc_type", "issuer"):
        value = getattr(facts, key)
        if value:
            known[key] = value
    return known


def _preamble(doc: LoadedDocument) -> str:
    """Text before the first 第X条 (title, 通过/修正 history, 令 header); first blocks otherwise."""
    out: list[str] = []
    for b in doc.blocks[:60]:
        if re.match(r"^第\s*[一二三四五六七八九十百零〇两\d]+\s*条", b.text):
            break
        out.append(b.text)
    return "\n".join(out[:25])


_ORGAN = r"[\u4e00-\u9fff、]{2,30}?(?:厅|局|委员会|委|部|院|人民政府|政府|办公室|办公厅|中心)"
_RE_TITLE_ISSUER = re.compile(rf"^({_ORGAN})关于")
_RE_SIGNATURE = re.compile(rf"^({_ORGAN})\s*(?:\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)?$")


def _header(preamble: str) -> str:
    """The header lines of the preamble: those before the first sentence of body text (a line ending
    in 。), without the addressee line (「各市、县（市、区）人民政府：」)."""
    out: list[str] = []
    for line in preamble.split("\n"):
        line = line.strip()
        if line.endswith("。"):
            break
        if not line.endswith(("：", ":")):
            out.append(line)
    return "\n".join(out)


def _signature_issuer(doc: LoadedDocument) -> str | None:
    """The organ in the 落款 near the end (「浙江省财政厅 2022年12月11日」, or the organ above the date)."""
    for b in reversed(doc.blocks[-4:]):
        m = _RE_SIGNATURE.match(compact_cjk(b.text).strip())
        if m:
            return m.group(1)
    return None


def _congress(header: str) -> str:
    """The 人大 (or its standing committee) that adopted a law or local regulation."""
    m = re.search(r"([\u4e00-\u9fff]{2,5}(?:省|市|自治区))(?:第[\u4e00-\u9fff]{1,4}届)?人民代表大会(常务委员会)?", header)
    if m and not m.group(1).endswith("中华人民共和国"):
        place = re.sub(r"^\d*日", "", m.group(1))
        return f"{place}人民代表大会" + (m.group(2) or "")
    if "常务委员会" in header:
        return "全国人民代表大会常务委员会"
    return "全国人民代表大会"


def _issuer_from(doc: LoadedDocument, title: str, doc_type: str, doc_number: str | None) -> str | None:
    """The issuing organ from the header (人大 history, 令), the 文号, the title (「X关于…的通知」) or
    the 落款; never from body text (「按照国务院有关规定执行」 names no issuer). None when unknown."""
    header = _header(_preamble(doc))
    if "人民代表大会" in header:
        return _congress(header)
    organs = organ_table()
    numbered = organs.issuer_of_number(doc_number) if doc_number else None
    if numbered:
        return numbered
    tm = _RE_TITLE_ISSUER.match(title)
    if tm:
        return tm.group(1)
    signed = _signature_issuer(doc)
    if signed:
        return signed
    im = _issuer_regex(organs.names_pattern).search(header)
    if im:
        return organs.full_name(re.sub(r"^[年月日]", "", im.group(1)))
    if doc_type == "法律":
        return "全国人民代表大会常务委员会"
    if doc_type == "行政法规":
        return "国务院"
    return None


def find_doc_number(text: str) -> str | None:
    """First 文号 in the text: 财政部令第87号, 国务院令第613号, 财库〔2020〕46号."""
    head = normalize(text[:3000])
    decree = organ_table().decree_number
    m = decree.search(head) if decree else None  # also 「财政部令 / 第 87 号」 split across lines
    if m:
        return f"{m.group(1)}令第{m.group(2)}号"
    m = _RE_YEAR_NUMBER.search(head)
    if m:
        # keep the short issuer code (财库, 婺区政发 ...), not the whole preceding phrase
        prefix = re.split(r"[的了和与及在对为于以（(《》）)，。、]", m.group(1))[-1][-6:]
        return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"
    m = _RE_PRESIDENT_ORDER.search(head)
    return f"主席令第{m.group(1)}号" if m else None


def doc_id_for(title: str, version: str | None) -> str:
    """Stable ASCII id: short sha1 of the title, plus the version date when known."""
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    return f"doc-{digest}" + (f"-{version}" if version else "")


def infer_metadata(doc: LoadedDocument) -> DocumentMeta:
    """Metadata from front matter, first heading, file name and the opening text."""
    fm: dict[str, Any] = dict(doc.front_matter or {})
    name = Path(doc.path).name
    stem = Path(name).stem
    m = _RE_FILE_VERSION.search(normalize(stem))
    file_version = _iso(m.group(1)) if m else None

    title = _clean_title(str(fm.get("title") or "")) or _clean_title(doc.title) or _clean_title(stem)
    if not re.search(r"[\u4e00-\u9fff]", title):  # "scan_0001.pdf": use the title line inside
        title = title_line([b.text for b in doc.blocks]) or title
    preamble = _preamble(doc)
    draft = is_draft(title) or is_draft(_header(preamble))
    # a draft shares the law's title but not its 文号, type or issuer
    known = {"aliases": _known(title).get("aliases", [])} if draft else _known(title)
    doc_number = str(fm.get("doc_number") or "") or find_doc_number(preamble) or known.get("doc_number")
    doc_type = str(fm.get("doc_type") or "")
    if doc_type not in _DOC_TYPES:
        doc_type = "其他" if draft else known.get("doc_type") or infer_doc_type(title, preamble, doc_number)
        if doc_type == "部门规章" and doc_number and "〔" in doc_number:
            doc_type = "规范性文件"
    issuer = str(fm.get("issuer") or "") or known.get("issuer") or _issuer_from(doc, title, doc_type, doc_number)
    publish, effective, version = _dates(doc, preamble, fm, file_version)
    status = DRAFT_STATUS if draft else str(fm.get("status") or "现行有效")
    if status not in _STATUSES:
        status = "现行有效"
    aliases = _aliases(title, doc_number)
    extra = fm.get("aliases")
    if isinstance(extra, list):
        aliases = list(dict.fromkeys([*map(str, extra), *aliases]))
    return DocumentMeta(
        doc_id=str(fm.get("doc_id") or "") or doc_id_for(title, version),
        title=title,
        aliases=aliases,
        doc_number=doc_number or None,
        issuer=issuer,
        doc_type=doc_type,
        publish_date=publish,
        effective_date=effective,
        status=status,
        version=version or None,
        source=doc.path,
        content_hash=doc.sha256,
        structure=_structure(doc, fm),
        ocr_pages=list(doc.ocr_pages),
    )


def _revision_dates(preamble: str) -> set[str]:
    """Dates of a revision in the preamble: the text up to the next date says 修正/修订/调整
    (「2022年7月26日根据财库〔2022〕19号调整价格扣除比例」)."""
    found = list(_RE_DATE.finditer(preamble))
    out: set[str] = set()
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(preamble)
        iso = _iso(m.group(0))
        if iso and re.search(r"修正|修订|调整", preamble[m.end():end].split("\n")[0]):
            out.add(iso)
    return out


def _dates(doc: LoadedDocument, preamble: str, fm: dict[str, Any],
           file_version: str | None) -> tuple[str | None, str | None, str]:
    """(publish, effective, version). "自X起施行" is the effective date; other preamble dates are
    通过/公布/修正 dates. A revised text is versioned by its latest revision and published on its
    first date (not a 首次公布文本)."""
    effective_found = None
    em = _RE_EFFECTIVE.search(preamble) or _RE_EFFECTIVE.search(normalize(doc.text[-3000:]))
    if em:
        effective_found = _iso(em.group(1))
    history_text = _RE_EFFECTIVE.sub("", preamble)
    history = {d for d in (_iso(m.group(0)) for m in _RE_DATE.finditer(history_text)) if d}
    latest = max(history, default=None)
    revisions = _revision_dates(history_text)
    first = min(history - revisions, default=None) if revisions else latest
    publish = _iso(str(fm.get("published_date") or fm.get("publish_date") or "")) or first
    written = _iso(str(fm.get("written_date") or "")) or None
    effective = _iso(str(fm.get("effective_date") or ""))
    if effective is None:
        # a revision takes effect on its own date; the original "自…起施行" would predate it
        if effective_found and (latest is None or effective_found >= latest):
            effective = effective_found
        else:
            effective = latest
    version = str(fm.get("version") or "") or file_version or written or (latest if revisions else publish) or ""
    return publish, effective, version


def _structure(doc: LoadedDocument, fm: dict[str, Any]) -> str:
    wanted = str(fm.get("structure") or "")
    if wanted in {"articles", "headings", "plain"}:
        return wanted
    from assistant.ingest.chunker import detect_structure, document_lines

    return detect_structure(document_lines(doc))

