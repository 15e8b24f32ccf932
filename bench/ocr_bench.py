"""OCR cost per page and character accuracy, against the text-layer baseline measured in the same run.

    python bench/ocr_bench.py [-n 3] [--json] [--legacy]

Loads tests/data/ingest/scanned_tender.pdf (the 3-page dev tender A_works_violating.pdf rendered
to 150-dpi greyscale images, no text layer: every page goes through RapidOCR) and
tests/data/ingest/scanned_notice.pdf (1 page) with `load_file`, and the text-layer PDFs they were
made from with pypdf only. Reports the cold first OCR load (model start-up included), warm seconds
per OCR page, seconds per text-layer page, the ratio, the character accuracy of the OCR text
(1 - edit distance / reference length, whitespace removed, NFKC) against the source text layer,
and the mean OCR confidence. `--legacy` runs the settings before issue 14 (200 dpi, 180°
classifier on, detector at up to 2000 px) in the same process for comparison.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"
SETS = [
    (DATA / "ingest" / "scanned_tender.pdf", DATA / "tenders_dev" / "A_works_violating.pdf"),
    (DATA / "ingest" / "scanned_notice.pdf", DATA / "ingest" / "sample_regulation.pdf"),
]


def _norm(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def _reference_pages(path: Path, n: int) -> list[str]:
    from pypdf import PdfReader

    return [_norm(p.extract_text() or "") for p in PdfReader(path).pages[:n]]


def _run(scanned: Path, source: Path, n: int) -> dict[str, Any]:
    from assistant.ingest import ocr
    from assistant.ingest.loaders import load_file

    data = scanned.read_bytes()
    from pypdf import PdfReader

    pages = list(range(1, len(PdfReader(scanned).pages) + 1))
    warm = []
    cpu = []
    result: dict[int, ocr.OcrPage] = {}
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        result = ocr.ocr_pages(data, pages, name=scanned.name)
        warm.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    refs = _reference_pages(source, len(pages))
    hyps = [_norm(result[p].text) for p in pages]
    dist = sum(_edit_distance(r, h) for r, h in zip(refs, hyps, strict=True))
    total = sum(len(r) for r in refs)
    base = []
    for _ in range(max(n, 5)):
        t0 = time.perf_counter()
        load_file(source)
        base.append(time.perf_counter() - t0)
    text_page = statistics.median(base) / len(PdfReader(source).pages)
    t0 = time.perf_counter()
    doc = load_file(scanned)  # the real path: loader + OCR + reflow
    loader_page = (time.perf_counter() - t0) / len(pages)
    confs = [c for c in (result[p].confidence for p in pages) if c is not None]
    ocr_page = statistics.median(warm) / len(pages)
    return {
        "file": scanned.name,
        "pages": len(pages),
        "ocr_s_per_page_warm": round(ocr_page, 3),
        "ocr_cpu_s_per_page": round(statistics.median(cpu) / len(pages), 3),  # all threads; less load-sensitive
        "load_file_s_per_page": round(loader_page, 3),
        "baseline_text_layer_s_per_page": round(text_page, 4),
        "ocr_vs_text_layer": round(ocr_page / text_page, 1) if text_page else None,
        "char_accuracy": round(1 - dist / total, 4) if total else None,
        "mean_confidence": round(statistics.fmean(confs), 3) if confs else None,
        "ocr_pages_in_doc": doc.ocr_pages,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=3, help="warm repetitions")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--legacy", action="store_true", help="also measure the pre-issue-14 settings in this process")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    from assistant.ingest import ocr

    t0 = time.perf_counter()
    try:
        ocr._get_engine()
    except ocr.OcrUnavailableError as exc:
        print(f"OCR unavailable: {exc}", file=sys.stderr)
        return 1
    cold = time.perf_counter() - t0
    out: dict[str, Any] = {"engine_load_s": round(cold, 2), "settings": {
        "dpi": ocr.RENDER_DPI, **ocr._ENGINE_PARAMS}, "current": [], "legacy": []}
    for scanned, source in SETS:
        out["current"].append(_run(scanned, source, args.n))
    if args.legacy:
        from rapidocr_onnxruntime import RapidOCR

        ocr._engine = RapidOCR()
        ocr.RENDER_DPI = 200
        saved = ocr.ocr_pages.__defaults__
        ocr.ocr_pages.__defaults__ = (200, "")
        try:
            for scanned, source in SETS:
                out["legacy"].append(_run(scanned, source, args.n))
        finally:
            ocr.ocr_pages.__defaults__ = saved
            ocr._engine = None
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"engine load {out['engine_load_s']} s; settings {out['settings']}")
    for label in ("current", "legacy"):
        for r in out[label]:
            print(f"[{label}] {r['file']} ({r['pages']} p): OCR {r['ocr_s_per_page_warm']} s/page warm "
                  f"(CPU {r['ocr_cpu_s_per_page']} s/page), "
                  f"load_file {r['load_file_s_per_page']} s/page, char accuracy {r['char_accuracy']}, "
                  f"mean confidence {r['mean_confidence']} | text layer {r['baseline_text_layer_s_per_page']} s/page, "
                  f"OCR is {r['ocr_vs_text_layer']}x slower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
