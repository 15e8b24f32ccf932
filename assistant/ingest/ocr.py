"""OCR for PDF pages without a text layer (scanned tenders, image-only notices).

rapidocr-onnxruntime 1.4.x ships the PP-OCRv4 Chinese models inside its wheel, so this works
offline; pypdfium2 renders the page. Both are imported lazily: most PDFs never need OCR, and
loading the ONNX models costs about a second.

Speed (bench/ocr_bench.py, 2 cores): the page is rendered at 150 dpi (text of 10.5 pt is then
~25 px high, enough for the recogniser, which rescales every line to 48 px anyway); the
detector runs on the page scaled so its longer side is at most 1280 px (the recogniser still
reads crops of the 150-dpi image); the 180°-text classifier is off (scanned tenders are
upright pages; a page scanned upside down is rare and would be visible to the reviewer); a
blank page (almost no ink) is skipped without running the models.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: Render resolution of a scanned page, dots per inch.
RENDER_DPI = 150
#: Longest side (px) of the image the text detector sees.
DET_LIMIT_SIDE = 1280
#: A page where fewer than this share of pixels are darker than grey 200 is blank paper (no OCR).
INK_SHARE = 0.0005

_ENGINE_PARAMS: dict[str, Any] = {
    "use_cls": False,
    "det_limit_type": "max",
    "det_limit_side_len": DET_LIMIT_SIDE,
}

_engine: Any = None
_engine_lock = threading.Lock()

#: Page-level progress of OCR: callback(done_pages, total_pages, page_no). Set by the caller
#: (review pipeline, UI) around a file load; loaders do not need to know about it.
OcrProgress = Callable[[int, int, int], None]
_progress: contextvars.ContextVar[OcrProgress | None] = contextvars.ContextVar("ocr_progress", default=None)


class OcrUnavailableError(RuntimeError):
    """The OCR packages are not installed or failed to load."""


@dataclass(frozen=True)
class OcrPage:
    """The text read from one page and the mean recognition confidence of its lines (0..1)."""

    page: int
    text: str
    confidence: float | None  # None: nothing recognised (blank page)
    seconds: float


@contextlib.contextmanager
def ocr_progress(callback: OcrProgress | None) -> Iterator[None]:
    """Report page-level OCR progress to `callback` for loads made inside this block."""
    token = _progress.set(callback)
    try:
        yield
    finally:
        _progress.reset(token)


def is_blank(grey: Any) -> bool:
    """True for a greyscale page image (numpy array) with no ink: OCR of blank paper costs seconds for nothing."""
    return bool(grey.size) and float((grey < 200).mean()) < INK_SHARE


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except (ImportError, OSError) as exc:  # not installed, or onnxruntime failed to load
                    raise OcrUnavailableError(
                        "rapidocr-onnxruntime is not installed (pip install 'rapidocr-onnxruntime>=1.4,<1.5')"
                    ) from exc
                for name in ("RapidOCR", "rapidocr_onnxruntime"):
                    logging.getLogger(name).setLevel(logging.WARNING)
                _engine = RapidOCR(**_ENGINE_PARAMS)
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


def ocr_pages(pdf_bytes: bytes, pages: list[int], dpi: int = RENDER_DPI, name: str = "") -> dict[int, OcrPage]:
    """OCR the given 1-based pages of a PDF; returns {page: OcrPage}. Raises OcrUnavailableError."""
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise OcrUnavailableError("pypdfium2 is not installed (pip install pypdfium2)") from exc
    import numpy as np

    engine = _get_engine()
    report = _progress.get()
    out: dict[int, OcrPage] = {}
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for done, page_no in enumerate(pages):
            if report:
                report(done, len(pages), page_no)
            started = time.perf_counter()
            page = pdf[page_no - 1]
            try:
                grey = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            pixels = np.asarray(grey)
            if is_blank(pixels):
                out[page_no] = OcrPage(page_no, "", None, time.perf_counter() - started)
                log.info("OCR %s page %d: blank, skipped", name or "<pdf>", page_no)
                continue
            result, _ = engine(np.asarray(grey.convert("RGB")))
            result = result or []
            text = _group_lines(result)
            scores = [float(score) for _box, _text, score in result]
            conf = round(statistics.fmean(scores), 3) if scores else None
            out[page_no] = OcrPage(page_no, text, conf, time.perf_counter() - started)
            log.info("OCR %s page %d: %d chars, confidence %s, in %.2f s", name or "<pdf>", page_no, len(text),
                     conf, out[page_no].seconds)
        if report:
            report(len(pages), len(pages), pages[-1] if pages else 0)
    finally:
        pdf.close()
    return out

