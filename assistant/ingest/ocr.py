"""OCR for PDF pages without a text layer (scanned tenders, image-only notices).

rapidocr-onnxruntime 1.4.x ships the PP-OCRv4 Chinese models inside its wheel, so this works
offline; pypdfium2 renders the page. Both are imported lazily: most PDFs never need OCR, and
loading the ONNX models costs about a second.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

_engine: Any = None
_engine_lock = threading.Lock()


class OcrUnavailableError(RuntimeError):
    """The OCR packages are not installed or failed to load."""


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except Exception as exc:  # ImportError or onnxruntime load failure
                    raise OcrUnavailableError(
                        "rapidocr-onnxruntime is not installed (pip install 'rapidocr-onnxruntime>=1.4,<1.5')"
                    ) from exc
                for name in ("RapidOCR", "rapidocr_onnxruntime"):
                    logging.getLogger(name).setLevel(logging.WARNING)
                _engine = RapidOCR()
    return _engine


def _group_lines(result: list[Any]) -> str:
    """Order OCR boxes top-to-bottom, join boxes on the same visual line left-to-right."""
    items = []
    for box, text, _score in result:
        ys = [pt[1] for pt in box]
        xs = [pt[0] for pt in box]
        items.append((min(ys), max(ys), min(xs), str(text)))
    items.sort(key=lambda it: (it[0], it[2]))
    lines: list[list[tuple[float, float, float, str]]] = []
    for it in items:
        if lines:
            last = lines[-1]
            top, bottom = min(x[0] for x in last), max(x[1] for x in last)
            height = max(1.0, bottom - top)
            centre = (it[0] + it[1]) / 2
            if top - 0.2 * height <= centre <= bottom + 0.2 * height:
                last.append(it)
                continue
        lines.append([it])
    out = []
    for line in lines:
        line.sort(key=lambda x: x[2])
        out.append("".join(x[3] for x in line))
    return "\n".join(out)


def ocr_pdf_pages(pdf_bytes: bytes, pages: list[int], dpi: int = 200, name: str = "") -> dict[int, str]:
    """OCR the given 1-based pages of a PDF; returns {page: text}. Raises OcrUnavailableError."""
    try:
        import pypdfium2 as pdfium
    except Exception as exc:
        raise OcrUnavailableError("pypdfium2 is not installed (pip install pypdfium2)") from exc
    import numpy as np

    engine = _get_engine()
    out: dict[int, str] = {}
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for page_no in pages:
            started = time.perf_counter()
            page = pdf[page_no - 1]
            try:
                bitmap = page.render(scale=dpi / 72)
                image = np.asarray(bitmap.to_pil().convert("RGB"))
            finally:
                page.close()
            result, _ = engine(image)
            text = _group_lines(result or [])
            out[page_no] = text
            log.info(
                "OCR %s page %d: %d chars in %.2f s", name or "<pdf>", page_no, len(text),
                time.perf_counter() - started,
            )
    finally:
        pdf.close()
    return out
