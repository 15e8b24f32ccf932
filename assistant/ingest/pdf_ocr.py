"""OCR of the PDF pages without a text layer, within the work budget (`ocr.py` is the OCR engine).

Budget: at most `limits.max_ocr_pages` pages; if the first `ocr_probe_pages` scanned pages yield
no text at all (a blank or photographed-noise file) the rest are not tried; and OCR stops when
the document has used `limits.job_seconds`. Pages without any ink are never sent to OCR.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.config import LimitsSettings
from assistant.errors import InputFileError, LimitExceededError
from assistant.text_zh import normalize

log = logging.getLogger(__name__)


def nonspace(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def ocr_empty_pages(
    data: bytes, name: str, page_texts: list[str], empty: list[int], limits: LimitsSettings, started: float,
    confidence: dict[int, float | None],
) -> tuple[list[int], list[str]]:
    """OCR pages without a text layer, within the budget; updates `page_texts` and `confidence` in place.

    Returns the pages whose text now comes from OCR and the warnings for the user.
    """
    from assistant.ingest.ocr import OcrUnavailableError, ocr_pages

    job = _OcrJob(data, name, page_texts, confidence, limits, started)
    todo = empty[: limits.max_ocr_pages]
    warnings: list[str] = []
    if len(empty) > len(todo):
        warnings.append(
            f"文件“{name}”有 {len(empty)} 页为扫描图像，只识别了前 {len(todo)} 页（OCR 页数"
            f"{limits.hint('max_ocr_pages')}），其余页未读取。"
        )
    try:
        stop_reason = job.run(todo, len(empty), ocr_pages)
        warnings.extend(job.report(stop_reason, len(todo)))
    except OcrUnavailableError as exc:
        warnings.append(f"文件“{name}”有 {len(empty)} 页没有文字层（扫描件），文字识别组件不可用，这些页未能读取。")
        log.warning("OCR unavailable for %s: %s", name, exc)
    except InputFileError:
        raise
    except Exception as exc:
        warnings.append(f"文件“{name}”有 {len(empty)} 页没有文字层，文字识别失败，这些页未能读取。")
        log.warning("OCR failed for %s pages %s: %s", name, empty, exc)
    return sorted(job.read), warnings


@dataclass
class _OcrJob:
    """One document's OCR: pages tried so far (`done`) and pages whose text OCR replaced (`read`)."""

    data: bytes
    name: str
    page_texts: list[str]
    confidence: dict[int, float | None]
    limits: LimitsSettings
    started: float
    done: list[int] = field(default_factory=list)
    read: list[int] = field(default_factory=list)

    def run(self, todo: list[int], n_empty: int, ocr_pages: Callable[..., dict[int, Any]]) -> str:
        """OCR `todo` in batches of `ocr_probe_pages`; the reason it stopped early, or ""."""
        step = self.limits.ocr_probe_pages
        blank = blank_pages(self.data, todo)
        while len(self.done) < len(todo):
            batch = todo[len(self.done): len(self.done) + step]
            inked = [p for p in batch if p not in blank]
            found = ocr_pages(self.data, inked, name=self.name) if inked else {}
            self.done.extend(batch)
            self._merge(found)
            stop_reason = self._stop_reason(batch, found, len(todo), n_empty)
            if stop_reason:
                return stop_reason
        return ""

    def _merge(self, found: dict[int, Any]) -> None:
        """Keep an OCR text where it has more characters than the page's text layer."""
        for page_no, page in found.items():
            text = normalize(page.text)
            if nonspace(text) > nonspace(self.page_texts[page_no - 1]):
                self.page_texts[page_no - 1] = text
                self.read.append(page_no)
                self.confidence[page_no] = page.confidence

    def _stop_reason(self, batch: list[int], found: dict[int, Any], n_todo: int, n_empty: int) -> str:
        remaining = n_todo - len(self.done)
        if not remaining:
            return ""
        limits = self.limits
        if len(self.done) <= limits.ocr_probe_pages and not any(
                nonspace(found[p].text) for p in batch if p in found):
            return (f"前 {len(self.done)} 页扫描页未识别出任何文字，其余 {n_empty - len(self.done)} 页不再识别"
                    f"（试识别页数{limits.hint('ocr_probe_pages')}）")
        if time.perf_counter() - self.started > limits.job_seconds:
            return (f"识别用时超过 {limits.job_seconds:.0f} 秒，其余 {remaining} 页未识别"
                    f"（单个任务用时{limits.hint('job_seconds')}）")
        return ""

    def report(self, stop_reason: str, n_todo: int) -> list[str]:
        """Warnings for the pages read by OCR and an early stop; no text at all after a stop is refused."""
        warnings: list[str] = []
        if self.read:
            warnings.append(f"文件“{self.name}”第 {_fmt_pages(self.read)} 页为扫描图像，已用文字识别（OCR）读取，请核对原文。")
        if stop_reason:
            log.warning("OCR stopped early for %s after %d of %d pages", self.name, len(self.done), n_todo)
            if not any(nonspace(t) for t in self.page_texts):
                raise LimitExceededError(
                    f"文件“{self.name}”共 {len(self.page_texts)} 页，没有文字层，{stop_reason}，未能读取到文字内容。"
                    "请确认文件不是空白页或无法识别的扫描件。",
                    f"OCR stopped early for {self.name}: {len(self.done)}/{n_todo} pages, no text",
                )
            warnings.append(f"文件“{self.name}”：{stop_reason}。")
        return warnings


def blank_pages(data: bytes, pages: list[int]) -> set[int]:
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
