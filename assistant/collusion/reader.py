"""Read one bid or tender file (DOCX/PDF) into text units, table rows, metadata and image hashes.

Own reader (not `assistant.ingest`) because collusion checks need what a loader drops on purpose:
document properties, editing-session ids (w:rsid), WPS custom properties, PDF /ID and XMP ids,
embedded images, and table rows with their cells.
"""

from __future__ import annotations  # noqa: I001

import base64
import binascii
import hashlib
import io
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import BaseModel, Field

from assistant.collusion.normalize import clean_text, shown_text
from assistant.errors import FileTooLargeError, InputFileError, UnsupportedFormatError
from assistant.uploads import BID_SUFFIXES, SAVE_AS_DOCX, check_suffix
import contextlib

log = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_XML = 20 * 1024 * 1024


class Unit(BaseModel):
    """A paragraph, a table row or a PDF line, with a human-readable location."""

    text: str
    location: str
    cells: list[str] | None = None
    #: the unit as written (`shown_text`), when it differs from `text` (NFKC) only character for character
    shown: str = ""

    @property
    def verbatim(self) -> str:
        """The text evidence quotes: as written when it lines up with `text`, else `text`."""
        return self.shown if self.shown and len(self.shown) == len(self.text) else self.text

    def verbatim_of(self, part: str) -> str:
        """The written form of a substring of `text` (evidence highlights are found in `text`)."""
        pos = self.text.find(part) if part else -1
        if pos < 0 or self.verbatim is self.text:
            return part
        return self.verbatim[pos:pos + len(part)]


def _shown(raw: str, text: str) -> str:
    """`Unit.shown`: the written text when it differs from the normalised one (else empty, to save memory)."""
    shown = shown_text(raw)
    return shown if shown != text else ""


class DocMeta(BaseModel):
    """Provenance values of one file; empty strings / sets when the format has no such field."""

    author: str = ""
    last_modified_by: str = ""
    company: str = ""
    template: str = ""
    application: str = ""
    created: str = ""
    modified: str = ""
    wps_hdid: str = ""
    wps_user_id: str = ""
    wps_icv: str = ""
    wps_build: str = ""
    rsid_root: str = ""
    rsids: list[str] = Field(default_factory=list)
    pdf_id0: str = ""
    xmp_document_id: str = ""
    xmp_original_document_id: str = ""
    producer: str = ""


class ParsedDoc(BaseModel):
    file: str  # display name (file name)
    format: str
    units: list[Unit]
    meta: DocMeta
    image_hashes: list[str] = Field(default_factory=list)
    pages: int | None = None
    scanned_pages: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    digest: str = ""  # SHA-256 of the file's bytes ("" when not read from a file): finds duplicate uploads

    @property
    def text(self) -> str:
        return "\n".join(u.text for u in self.units)


def read_path(path: Path, max_bytes: int | None = None, name: str | None = None) -> ParsedDoc:
    display = name or path.name
    check_suffix(display, BID_SUFFIXES)
    if not path.exists():
        raise InputFileError(f"找不到文件：{display}", f"collusion: missing {path}")
    if not path.is_file():
        raise InputFileError(f"“{display}”不是文件。", f"collusion: not a file {path}")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise FileTooLargeError(f"文件“{display}”超过大小上限 {max_bytes // (1024 * 1024)} MB。", f"{path}: {size} bytes")
    return read_bytes(path.read_bytes(), display)


def read_bytes(data: bytes, name: str) -> ParsedDoc:
    doc = _parse(data, name)
    doc.digest = hashlib.sha256(data).hexdigest()
    return doc


def _parse(data: bytes, name: str) -> ParsedDoc:
    if not data:
        raise InputFileError(f"文件“{name}”是空文件。", f"collusion: empty {name}")
    if data[:4] == b"PK\x03\x04":
        return _read_docx(data, name)
    if data[:1024].lstrip().startswith(b"%PDF"):
        return _read_pdf(data, name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFormatError(f"文件“{name}”是旧版 Office、WPS 格式或加密文件，{SAVE_AS_DOCX} 或 PDF 后再试。",
                                     f"collusion: OLE file {name}")
    raise UnsupportedFormatError(f"文件“{name}”不是 DOCX 或 PDF 文件，无法分析。", f"collusion: unknown format {name}")


# --------------------------------------------------------------------------- DOCX
def _xml(zf: zipfile.ZipFile, part: str) -> etree._Element | None:
    try:
        info = zf.getinfo(part)
    except KeyError:
        return None
    if info.file_size > _MAX_XML:
        return None
    try:
        return etree.fromstring(zf.read(part), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def _child_text(root: etree._Element | None, local: str) -> str:
    if root is None:
        return ""
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == local:
            return (el.text or "").strip()
    return ""


def _custom_props(root: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if root is None:
        return out
    for prop in root:
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext()).strip()
    return out


def _wps_record(value: str) -> tuple[str, str]:
    """KSOTemplateDocerSaveRecord = base64 JSON {"hdid": ..., "userId": ...}."""
    if not value:
        return "", ""
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("hdid") or ""), str(data.get("userId") or "")


def _docx_meta(zf: zipfile.ZipFile) -> DocMeta:
    core = _xml(zf, "docProps/core.xml")
    app = _xml(zf, "docProps/app.xml")
    custom = _custom_props(_xml(zf, "docProps/custom.xml"))
    settings = _xml(zf, "word/settings.xml")
    rsid_root, rsids = "", []
    if settings is not None:
        rs = settings.find(f"{_W}rsids")
        if rs is not None:
            for el in rs:
                val = el.get(f"{_W}val")
                if not val:
                    continue
                if etree.QName(el).localname == "rsidRoot":
                    rsid_root = val.upper()
                else:
                    rsids.append(val.upper())
    hdid, user_id = _wps_record(custom.get("KSOTemplateDocerSaveRecord", ""))
    return DocMeta(
        author=_child_text(core, "creator"), last_modified_by=_child_text(core, "lastModifiedBy"),
        created=_child_text(core, "created"), modified=_child_text(core, "modified"),
        company=_child_text(app, "Company"), template=_child_text(app, "Template"),
        application=_child_text(app, "Application"),
        wps_hdid=hdid, wps_user_id=user_id, wps_icv=custom.get("ICV", ""),
        wps_build=custom.get("KSOProductBuildVer", ""), rsid_root=rsid_root, rsids=rsids,
    )


def _cell_text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{_W}t")).strip()


def _read_docx(data: bytes, name: str) -> ParsedDoc:  # noqa: C901 - collusion module, split pending
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in zf.infolist()) > 2 * 1024 * 1024 * 1024:
            raise InputFileError(f"文件“{name}”解压后过大，疑似异常文件。", f"zip bomb {name}")
        body_root = _xml(zf, "word/document.xml")
    except zipfile.BadZipFile as exc:
        raise InputFileError(f"文件“{name}”已损坏，无法作为 DOCX 打开。", f"bad zip {name}: {exc}") from exc
    if body_root is None:
        raise InputFileError(f"文件“{name}”不是有效的 Word 文档（缺少正文）。", f"no document.xml in {name}")
    body = body_root.find(f"{_W}body")
    units: list[Unit] = []
    para_no = table_no = 0
    for el in body if body is not None else []:
        tag = etree.QName(el).localname
        if tag == "p":
            para_no += 1
            raw = "".join(t.text or "" for t in el.iter(f"{_W}t"))
            text = clean_text(raw)
            if text:
                units.append(Unit(text=text, location=f"第{para_no}段", shown=_shown(raw, text)))
        elif tag == "tbl":
            table_no += 1
            for r, tr in enumerate(el.iter(f"{_W}tr"), start=1):
                raw_cells = [_cell_text(tc) for tc in tr.iter(f"{_W}tc")]
                cells = [clean_text(c) for c in raw_cells]
                dedup: list[str] = []
                for c in cells:  # merged cells repeat their text
                    if not dedup or dedup[-1] != c:
                        dedup.append(c)
                text = " ".join(c for c in dedup if c)
                raw_row = " ".join(shown_text(c) for i, c in enumerate(raw_cells)
                                   if cells[i] and (i == 0 or cells[i - 1] != cells[i]))
                if text:
                    units.append(Unit(text=text, location=f"表{table_no}第{r}行", cells=dedup, shown=_shown(raw_row, text)))
    images = sorted({hashlib.sha256(zf.read(i)).hexdigest() for i in zf.infolist()
                     if i.filename.startswith("word/media/") and i.file_size < 50 * 1024 * 1024})
    doc = ParsedDoc(file=name, format="docx", units=units, meta=_docx_meta(zf), image_hashes=images)
    if not units:
        doc.warnings.append(f"“{name}”中没有读取到文字，文字类检查未能进行。")
    return doc


# --------------------------------------------------------------------------- PDF
_CELL_SPLIT = re.compile(r"\s{2,}|\t|\s*\|\s*")


def _pdf_str(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex().upper()
    raw = getattr(value, "original_bytes", None)
    if isinstance(raw, bytes):
        return raw.hex().upper()
    return str(value or "")


_XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"


def _xmp_value(rdf_root: Any, local: str) -> str:
    """An xmpMM property written as an element (<xmpMM:X>v</xmpMM:X>) or as an rdf:Description attribute."""
    for el in rdf_root.getElementsByTagNameNS(_XMP_MM, local):
        text = "".join(n.data for n in el.childNodes if n.nodeType == n.TEXT_NODE).strip()
        if text:
            return str(text)
    for desc in rdf_root.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"):
        value = desc.getAttributeNS(_XMP_MM, local).strip()
        if value:
            return str(value)
    return ""


def _xmp_ids(reader: Any, name: str) -> tuple[str, str]:
    """xmpMM:DocumentID and OriginalDocumentID; ("", "") when the XMP packet is absent or unreadable.

    pypdf parses XMP with xml.dom.minidom (rdf_root is a minidom Element), so it is walked with the
    DOM API. XMP is optional evidence: any failure to read it skips it rather than failing the file."""
    try:
        xmp = reader.xmp_metadata
        if xmp is None:
            return "", ""
        root = xmp.rdf_root
        return _xmp_value(root, "DocumentID"), _xmp_value(root, "OriginalDocumentID")
    except Exception as exc:  # any malformed XMP (pypdf, expat, DOM errors) must never stop the analysis
        log.debug("XMP of %s unreadable, skipped: %s", name, exc)
        return "", ""


def _read_pdf(data: bytes, name: str) -> ParsedDoc:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputFileError(f"文件“{name}”已加密，请提供未加密的 PDF。", f"encrypted {name}")
        pages = list(reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputFileError(f"文件“{name}”已损坏，无法作为 PDF 打开。", f"bad pdf {name}: {exc}") from exc
    units: list[Unit] = []
    scanned: list[int] = []
    for no, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            log.warning("pdf page %s of %s unreadable: %s", no, name, exc)
            text = ""
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if not lines:
            scanned.append(no)
        for ln in lines:
            cells = [clean_text(c) for c in _CELL_SPLIT.split(ln.strip()) if c.strip()]
            text = clean_text(ln)
            units.append(Unit(text=text, location=f"第{no}页", cells=cells if len(cells) >= 3 else None,
                              shown=_shown(ln, text)))
    meta = DocMeta()
    ids = reader.trailer.get("/ID")
    if ids:
        with contextlib.suppress(IndexError, AttributeError):
            meta.pdf_id0 = _pdf_str(ids[0].get_object())
    info = reader.metadata
    if info:
        meta.author = str(info.get("/Author") or "")
        meta.producer = str(info.get("/Producer") or "")
        meta.application = str(info.get("/Creator") or "")
        meta.created = str(info.get("/CreationDate") or "")
    meta.xmp_document_id, meta.xmp_original_document_id = _xmp_ids(reader, name)
    doc = ParsedDoc(file=name, format="pdf", units=units, meta=meta, pages=len(pages), scanned_pages=scanned)
    if scanned:
        doc.warnings.append(f"“{name}”有 {len(scanned)} 页没有文字层（可能是扫描件），这些页未做文字与报价比对。")
    return doc
