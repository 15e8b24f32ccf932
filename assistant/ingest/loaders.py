"""Read user files (MD, TXT, DOCX, PDF, HTML) into `LoadedDocument` blocks: the entry point.

The real format is sniffed from the bytes (`sniff`; a renamed file is still read correctly, a ZIP
that is not a DOCX is refused); the extension is only a hint. Each format has its reader module
(`pdf_reader`, `docx_reader`, `html_reader`, `markdown_reader`, `text_reader`; text files are
decoded by `textdecode`). Every failure a user can cause raises an `InputFileError` subclass
whose message names the file in Chinese.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from assistant.config import LimitsSettings
from assistant.errors import FileTooLargeError, InputFileError, LimitExceededError, UnsupportedFormatError
from assistant.ingest.doctitle import stem_title
from assistant.ingest.docx_reader import load_docx
from assistant.ingest.guards import check_block_count, fmt_size
from assistant.ingest.html_reader import load_html
from assistant.ingest.markdown_reader import load_markdown
from assistant.ingest.sniff import sniff_format
from assistant.ingest.text_reader import load_txt
from assistant.ingest.textdecode import decode_text
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import CN_NUM_CHARS, normalize

log = logging.getLogger(__name__)

#: Binary formats whose extension must match the bytes (a text file named .docx is the wrong file).
_BINARY_FORMATS = {"pdf", "docx"}
_FORMAT_ZH = {"pdf": "PDF", "docx": "Word（DOCX）", "html": "网页（HTML）", "md": "Markdown 文本", "txt": "纯文本"}


OCR_MIN_CHARS = 20  # a PDF page with fewer non-space characters is treated as scanned

_NUM = rf"[{CN_NUM_CHARS}○\d]+"
RE_STRUCT_HEADING = re.compile(rf"^第\s*{_NUM}\s*(编|分编|章|节)(?:\s|$)")
RE_APPENDIX_START = re.compile(rf"^附(件|表|录)?\s*[{CN_NUM_CHARS}\d]*\s*(：|:|$)|^附\s*\d+")
_TERMINAL = "。；：！？;:!?"


def load_file(path: str | Path, max_bytes: int | None = None, limits: LimitsSettings | None = None) -> LoadedDocument:
    """Read one file; format sniffed from bytes; raises InputFileError subclasses.

    `limits` bounds the work (OCR pages, paragraphs, inflated bytes, seconds); defaults apply when None.
    """
    p = Path(path)
    name = p.name
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputFileError(f"文件“{name}”不存在，请检查路径。", f"file not found: {p}") from None
    except OSError as exc:
        raise InputFileError(f"无法读取文件“{name}”：{exc.strerror or exc}。", f"stat failed: {p}: {exc}") from exc
    if p.is_dir():
        raise InputFileError(f"“{name}”是一个文件夹，请选择具体文件。", f"is a directory: {p}")
    if max_bytes is not None and st.st_size > max_bytes:
        raise FileTooLargeError(
            f"文件“{name}”大小为 {fmt_size(st.st_size)}，超过上限 {fmt_size(max_bytes)}，请拆分或压缩后再上传。",
            f"file too large: {p} has {st.st_size} bytes > max_bytes={max_bytes}",
        )
    if st.st_size == 0:
        raise InputFileError(f"文件“{name}”是空文件，没有可读取的内容。", f"empty file: {p}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"无法读取文件“{name}”：{exc.strerror or exc}。", f"read failed: {p}: {exc}") from exc
    return load_bytes(data, name, path=str(p), limits=limits)


def load_bytes(data: bytes, name: str, path: str | None = None, limits: LimitsSettings | None = None) -> LoadedDocument:
    """Read a file already in memory (uploads); `name` is used for the hint and messages."""
    if not data:
        raise InputFileError(f"文件“{name}”是空文件，没有可读取的内容。", f"empty file: {name}")
    limits = limits or LimitsSettings()
    started = time.perf_counter()
    fmt = sniff_format(data, name)
    ext = Path(name).suffix.lower().lstrip(".")
    if _extension_mismatch(ext, fmt):
        raise UnsupportedFormatError(
            f"文件“{name}”的扩展名是 .{ext}，但内容实际是{_FORMAT_ZH.get(fmt, fmt)}，与扩展名不符，已拒绝读取。"
            f"请确认选择了正确的文件；如内容无误，请把扩展名改为实际格式后再上传。",
            f"extension mismatch: {name} has extension .{ext} but its bytes are {fmt}",
        )
    doc = _read(fmt, data, name, limits)
    check_block_count(len(doc.blocks), name, limits)
    doc.path = path or name
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if not any(b.text.strip() for b in doc.blocks):
        raise InputFileError(
            f"文件“{name}”中没有可识别的文字内容（可能是空白文档或无法识别的扫描件）。",
            f"no text extracted from {name} (format {fmt})",
        )
    log.info(
        "loaded %s as %s: %d blocks, %d chars, %d OCR pages in %.2f s",
        name, fmt, len(doc.blocks), sum(len(b.text) for b in doc.blocks), len(doc.ocr_pages),
        time.perf_counter() - started,
    )
    return doc


def _read(fmt: str, data: bytes, name: str, limits: LimitsSettings) -> LoadedDocument:
    """Hand the bytes to the reader of the sniffed format (text formats decoded first)."""
    if fmt == "pdf":
        return _load_pdf(data, name, limits)
    if fmt == "docx":
        return load_docx(data, name, limits)
    text = decode_text(data, name)
    if fmt == "html":
        return load_html(text, name)
    if fmt == "md":
        return load_markdown(text, name)
    return load_txt(text, name)


def _extension_mismatch(ext: str, fmt: str) -> bool:
    """True when a .pdf/.docx is not that format, or a text extension holds a PDF/DOCX."""
    if ext in _BINARY_FORMATS:
        return fmt != ext
    return ext in {"txt", "md", "markdown", "html", "htm"} and fmt in _BINARY_FORMATS


# --------------------------------------------------------------------------- PDF

_RE_FURNITURE = [
    re.compile(r"^[—–\-－~～_一]+\s*\d{1,4}\s*[—–\-－~～_一]+$"),  # — 1 —, - 1 -, OCR's 一1一
    re.compile(r"^第\s*\d{1,4}\s*页\s*[,，/、]?\s*(共\s*\d{1,4}\s*页)?$"),  # 第 1 页 共 9 页
    re.compile(r"^(共\s*\d{1,4}\s*页\s*)?第\s*\d{1,4}\s*页$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 1/9
    re.compile(r"^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I),
]
_RE_BARE_NUMBER = re.compile(r"^[\[(（]?\d{1,4}[\])）]?$")


def _is_furniture(line: str) -> bool:
    s = line.strip()
    return any(rx.match(s) for rx in _RE_FURNITURE)


def _undouble(line: str) -> tuple[str, bool]:
    """Undo text drawn twice for faux-bold (87号令: "第一条第一条", "…财政部令…财政部令")."""
    s = line.strip()
    m = re.match(rf"^(第\s*{_NUM}\s*(?:条|章|节|编))\s*\1", s)
    if m:
        return m.group(1) + s[m.end():], True
    compact = s.replace(" ", "")
    half = len(compact) // 2
    if half >= 4 and len(compact) % 2 == 0 and compact[:half] == compact[half:] and re.search(r"[\u4e00-\u9fff]", compact):
        return compact[:half], True
    return line, False


def _load_pdf(data: bytes, name: str, limits: LimitsSettings | None = None) -> LoadedDocument:  # noqa: C901 - loaders split deferred
    limits = limits or LimitsSettings()
    started = time.perf_counter()
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok: int = reader.decrypt("")
            except Exception as exc:  # missing crypto backend or odd handler
                log.warning("decrypt('') failed on %s: %s", name, exc)
                ok = 0
            if not ok:
                raise InputFileError(
                    f"文件“{name}”已加密，无法读取，请先解除密码保护后再上传。",
                    f"encrypted PDF (empty user password rejected): {name}",
                )
        n_pages = len(reader.pages)
    except InputFileError:
        raise
    except FileNotDecryptedError as exc:
        raise InputFileError(
            f"文件“{name}”已加密，无法读取，请先解除密码保护后再上传。", f"encrypted PDF: {name}: {exc}"
        ) from exc
    except Exception as exc:
        raise InputFileError(
            f"文件“{name}”已损坏或不是有效的 PDF，无法读取，请重新导出后再上传。",
            f"pypdf failed on {name}: {type(exc).__name__}: {exc}",
        ) from exc
    if n_pages == 0:
        raise InputFileError(f"文件“{name}”是没有页面的 PDF。", f"PDF with 0 pages: {name}")

    warnings: list[str] = []
    page_texts: list[str] = []
    for i in range(n_pages):
        try:
            raw = reader.pages[i].extract_text() or ""
        except Exception as exc:  # one bad page must not lose the document
            log.warning("text extraction failed on %s page %d: %s", name, i + 1, exc)
            raw = ""
        page_texts.append(normalize(raw))

    ocr_pages: list[int] = []
    ocr_confidence: dict[int, float | None] = {}
    empty = [i + 1 for i, t in enumerate(page_texts) if len(re.sub(r"\s", "", t)) < OCR_MIN_CHARS]
    if empty:
        ocr_pages, ocr_warnings = _ocr_empty_pages(data, name, page_texts, empty, limits, started, ocr_confidence)
        warnings.extend(ocr_warnings)

    pages_lines = _clean_pdf_pages(page_texts)
    blocks = _pdf_paragraphs(pages_lines)
    title = stem_title(name)
    return LoadedDocument(path=name, format="pdf", title=title, blocks=blocks, ocr_pages=ocr_pages,
                          ocr_confidence=ocr_confidence, warnings=warnings)


def _nonspace(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _ocr_empty_pages(  # noqa: C901 - loaders split deferred
    data: bytes, name: str, page_texts: list[str], empty: list[int], limits: LimitsSettings, started: float,
    confidence: dict[int, float | None],
) -> tuple[list[int], list[str]]:
    """OCR pages without a text layer, within the budget; updates `page_texts` and `confidence` in place.

    Budget: at most `limits.max_ocr_pages` pages; if the first `ocr_probe_pages` scanned pages
    yield no text at all (a blank or photographed-noise file) the rest are not tried; and OCR
    stops when the document has used `limits.job_seconds`.
    """
    from assistant.ingest.ocr import OcrUnavailableError, ocr_pages

    warnings: list[str] = []
    read: list[int] = []
    todo = empty[: limits.max_ocr_pages]
    if len(empty) > len(todo):
        warnings.append(
            f"文件“{name}”有 {len(empty)} 页为扫描图像，只识别了前 {len(todo)} 页（OCR 页数"
            f"{limits.hint('max_ocr_pages')}），其余页未读取。"
        )
    done: list[int] = []
    stop_reason = ""
    try:
        step = limits.ocr_probe_pages
        blank = _blank_pages(data, todo)
        while len(done) < len(todo):
            batch = todo[len(done): len(done) + step]
            inked = [p for p in batch if p not in blank]
            found = ocr_pages(data, inked, name=name) if inked else {}
            done.extend(batch)
            for page_no, page in found.items():
                text = normalize(page.text)
                if _nonspace(text) > _nonspace(page_texts[page_no - 1]):
                    page_texts[page_no - 1] = text
                    read.append(page_no)
                    confidence[page_no] = page.confidence
            remaining = len(todo) - len(done)
            if remaining and len(done) <= limits.ocr_probe_pages and not any(
                    _nonspace(found[p].text) for p in batch if p in found):
                stop_reason = (f"前 {len(done)} 页扫描页未识别出任何文字，其余 {len(empty) - len(done)} 页不再识别"
                               f"（试识别页数{limits.hint('ocr_probe_pages')}）")
                break
            if remaining and time.perf_counter() - started > limits.job_seconds:
                stop_reason = (f"识别用时超过 {limits.job_seconds:.0f} 秒，其余 {remaining} 页未识别"
                               f"（单个任务用时{limits.hint('job_seconds')}）")
                break
        if read:
            warnings.append(f"文件“{name}”第 {_fmt_pages(read)} 页为扫描图像，已用文字识别（OCR）读取，请核对原文。")
        if stop_reason:
            log.warning("OCR stopped early for %s after %d of %d pages", name, len(done), len(todo))
            if not any(_nonspace(t) for t in page_texts):
                raise LimitExceededError(
                    f"文件“{name}”共 {len(page_texts)} 页，没有文字层，{stop_reason}，未能读取到文字内容。"
                    "请确认文件不是空白页或无法识别的扫描件。",
                    f"OCR stopped early for {name}: {len(done)}/{len(todo)} pages, no text",
                )
            warnings.append(f"文件“{name}”：{stop_reason}。")
    except OcrUnavailableError as exc:
        warnings.append(f"文件“{name}”有 {len(empty)} 页没有文字层（扫描件），文字识别组件不可用，这些页未能读取。")
        log.warning("OCR unavailable for %s: %s", name, exc)
    except InputFileError:
        raise
    except Exception as exc:
        warnings.append(f"文件“{name}”有 {len(empty)} 页没有文字层，文字识别失败，这些页未能读取。")
        log.warning("OCR failed for %s pages %s: %s", name, empty, exc)
    return sorted(read), warnings



def _blank_pages(data: bytes, pages: list[int]) -> set[int]:
    """Pages with no ink at all, found from a 36-dpi rendering (milliseconds, a few MB).

    Why: OCR of one blank A4 page takes seconds and hundreds of MB (the detector still runs on
    the full image); a blank page cannot hold text, so it is never sent to OCR.
    """
    try:
        import numpy as np
        import pypdfium2 as pdfium

        from assistant.ingest.ocr import is_blank
    except ImportError:
        return set()
    blank: set[int] = set()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        log.warning("pdfium cannot open PDF for the blank-page check: %s", exc)
        return blank
    try:
        for page_no in pages:
            page = pdf[page_no - 1]
            try:
                gray = np.asarray(page.render(scale=0.5, grayscale=True).to_pil().convert("L"))
            finally:
                page.close()
            if is_blank(gray):
                blank.add(page_no)
    except pdfium.PdfiumError as exc:
        log.warning("blank-page check failed: %s", exc)
    finally:
        pdf.close()
    return blank


def _fmt_pages(pages: list[int]) -> str:
    return "、".join(str(p) for p in pages[:10]) + ("等" if len(pages) > 10 else "")


def _clean_pdf_pages(page_texts: list[str]) -> list[list[str]]:  # noqa: C901 - loaders split deferred (other helpers edit loaders)
    """Drop page furniture (page numbers, repeated headers/footers) and faux-bold doubling."""
    pages = [[ln.strip() for ln in t.split("\n") if ln.strip()] for t in page_texts]
    n = len(pages)
    # header/footer lines: among the first/last 2 lines, the same text (digits masked) on most pages
    edge_counter: Counter[str] = Counter()
    for lines in pages:
        keys = {re.sub(r"\d+", "#", ln) for ln in lines[:2] + lines[-2:]}
        edge_counter.update(keys)
    repeated = {k for k, c in edge_counter.items() if n >= 3 and c >= max(3, 0.6 * n) and len(k) < 60}
    doubled_doc = False
    out: list[list[str]] = []
    for lines in pages:
        kept: list[str] = []
        for j, ln in enumerate(lines):
            at_edge = j < 2 or j >= len(lines) - 2
            if _is_furniture(ln):
                continue
            if at_edge and _RE_BARE_NUMBER.match(ln):
                continue
            if at_edge and re.sub(r"\d+", "#", ln) in repeated:
                continue
            ln2, doubled = _undouble(ln)
            doubled_doc = doubled_doc or doubled
            kept.append(ln2)
        out.append(kept)
    if doubled_doc:  # "第 8787 号" is "第 87 号" drawn twice
        for lines in out:
            for j, ln in enumerate(lines):
                m = re.match(r"^第\s*(\d+)\s*号$", ln)
                if m and len(m.group(1)) % 2 == 0:
                    d = m.group(1)
                    if d[: len(d) // 2] == d[len(d) // 2:]:
                        lines[j] = f"第{d[: len(d) // 2]}号"
    return out


def _pdf_paragraphs(pages: list[list[str]]) -> list[Block]:
    """Join lines broken by the layout back into paragraphs.

    Chinese text has no spaces, so a line continues the previous one unless the previous line
    ends a sentence (。；：！？), is visibly short (not filled to the margin), or the new line
    starts an article / heading / enumeration item.
    """
    lengths = [len(ln) for lines in pages for ln in lines if len(ln) > 5]
    full = statistics.quantiles(lengths, n=10)[7] if len(lengths) >= 10 else (max(lengths) if lengths else 30)
    blocks: list[Block] = []
    cur: list[str] = []
    cur_page = 1
    prev = ""

    def flush() -> None:
        nonlocal cur
        if cur:
            text = normalize(_join_cjk(cur))  # again: brackets split across lines pair up now
            kind = "heading" if RE_STRUCT_HEADING.match(text) and len(text) <= 40 else "paragraph"
            level = None
            if kind == "heading":
                level = 1 if re.match(rf"^第\s*{_NUM}\s*编", text) else 3 if re.search(r"^第\S*节", text) else 2
            blocks.append(Block(text=text, kind=kind, level=level,
                                location=Location(page=cur_page, paragraph=len(blocks))))
        cur = []

    for page_no, lines in enumerate(pages, start=1):
        for ln in lines:
            # An article/heading line after a *full* line without final punctuation is a
            # cross-reference wrapped to the line start ("依照本法\n第十二条规定"), not a start.
            starts = bool(RE_STRUCT_HEADING.match(ln) and len(ln) <= 40) or bool(RE_APPENDIX_START.match(ln))
            prev_short = len(prev) < 0.8 * full
            prev_terminal = prev.endswith(tuple(_TERMINAL)) or prev.endswith(("。”", "。）", "；”"))
            prev_heading = bool(RE_STRUCT_HEADING.match(prev)) and len(prev) <= 40
            if not cur or starts or prev_terminal or prev_short or prev_heading:
                flush()
                cur_page = page_no
            cur.append(ln)
            prev = ln
    flush()
    return blocks


def _join_cjk(lines: list[str]) -> str:
    out = lines[0]
    for ln in lines[1:]:
        if out and out[-1].isascii() and out[-1].isalnum() and ln[:1].isascii() and ln[:1].isalnum():
            out += " " + ln
        else:
            out += ln
    return out
