"""PDF to `LoadedDocument` blocks: text layer per page, OCR for pages without one, paragraphs rebuilt.

An encrypted PDF opens only when it has an empty user password; a damaged one is refused in Chinese.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any

from assistant.config import LimitsSettings
from assistant.errors import InputFileError
from assistant.ingest.doctitle import stem_title
from assistant.ingest.pdf_cleanup import clean_pdf_pages
from assistant.ingest.pdf_ocr import nonspace, ocr_empty_pages
from assistant.ingest.pdf_paragraphs import pdf_paragraphs
from assistant.schema import LoadedDocument
from assistant.text_zh import normalize

log = logging.getLogger(__name__)

OCR_MIN_CHARS = 20  # a PDF page with fewer non-space characters is treated as scanned


def load_pdf(data: bytes, name: str, limits: LimitsSettings | None = None) -> LoadedDocument:
    limits = limits or LimitsSettings()
    started = time.perf_counter()
    reader, n_pages = _open(data, name)
    if n_pages == 0:
        raise InputFileError(f"文件“{name}”是没有页面的 PDF。", f"PDF with 0 pages: {name}")
    page_texts = [normalize(_page_text(reader, i, name)) for i in range(n_pages)]

    warnings: list[str] = []
    ocr_pages: list[int] = []
    ocr_confidence: dict[int, float | None] = {}
    empty = [i + 1 for i, t in enumerate(page_texts) if nonspace(t) < OCR_MIN_CHARS]
    if empty:
        ocr_pages, ocr_warnings = ocr_empty_pages(data, name, page_texts, empty, limits, started, ocr_confidence)
        warnings.extend(ocr_warnings)

    blocks = pdf_paragraphs(clean_pdf_pages(page_texts), frozenset(ocr_pages))
    return LoadedDocument(path=name, format="pdf", title=stem_title(name), blocks=blocks, ocr_pages=ocr_pages,
                          ocr_confidence=ocr_confidence, warnings=warnings)


def _open(data: bytes, name: str) -> tuple[Any, int]:
    """The pypdf reader (decrypted with the empty password if needed) and the page count."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader, name)
        return reader, len(reader.pages)
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


def _decrypt(reader: Any, name: str) -> None:
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


def _page_text(reader: Any, i: int, name: str) -> str:
    try:
        return reader.pages[i].extract_text() or ""
    except Exception as exc:  # one bad page must not lose the document
        log.warning("text extraction failed on %s page %d: %s", name, i + 1, exc)
        return ""
