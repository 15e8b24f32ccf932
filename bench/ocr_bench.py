"""OCR cost per page, against the text-layer baseline measured in the same run.

    python bench/ocr_bench.py [-n 3] [--json]

Loads tests/data/ingest/scanned_notice.pdf (image-only: every page goes through RapidOCR) and
tests/data/ingest/sample_regulation.pdf (text layer: pypdf only) with `load_file`. Reports the
cold first OCR load (model start-up included), warm seconds per OCR page, seconds per text-layer
page, the ratio, and the characters recovered per OCR page.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCANNED = ROOT / "tests" / "data" / "ingest" / "scanned_notice.pdf"
TEXT_PDF = ROOT / "tests" / "data" / "ingest" / "sample_regulation.pdf"


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=3, help="warm repetitions")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    from assistant.ingest.loaders import load_file

    scanned_pages, text_pages = _pages(SCANNED), _pages(TEXT_PDF)
    t0 = time.perf_counter()
    doc = load_file(SCANNED)
    cold = time.perf_counter() - t0
    if not doc.ocr_pages:
        print("OCR did not run (rapidocr unavailable?)", file=sys.stderr)
        return 1
    warm = []
    for _ in range(args.n):
        t0 = time.perf_counter()
        doc = load_file(SCANNED)
        warm.append(time.perf_counter() - t0)
    base = []
    for _ in range(max(args.n, 5)):
        t0 = time.perf_counter()
        load_file(TEXT_PDF)
        base.append(time.perf_counter() - t0)
    ocr_page = statistics.median(warm) / scanned_pages
    text_page = statistics.median(base) / text_pages
    result = {
        "ocr_pages": scanned_pages,
        "ocr_cold_first_load_s": round(cold, 2),
        "ocr_s_per_page_warm": round(ocr_page, 3),
        "baseline_text_layer_s_per_page": round(text_page, 4),
        "ocr_vs_text_layer": round(ocr_page / text_page, 1) if text_page else None,
        "chars_per_ocr_page": round(len(doc.text) / scanned_pages),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"OCR: {result['ocr_s_per_page_warm']} s/page warm (cold first load {result['ocr_cold_first_load_s']} s, "
              f"{result['chars_per_ocr_page']} chars/page) | baseline text layer: "
              f"{result['baseline_text_layer_s_per_page']} s/page | OCR is {result['ocr_vs_text_layer']}x slower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
