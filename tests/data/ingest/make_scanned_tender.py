"""Build scanned_tender.pdf: the dev tender A_works_violating.pdf with every page rendered to a
150-dpi greyscale image (no text layer), as a scanner would deliver it.

Run: python tests/data/ingest/make_scanned_tender.py  (needs pypdfium2 and Pillow)
The text layer of the source PDF is the ground truth for OCR character accuracy (bench/ocr_bench.py).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1] / "data" / "tenders_dev" / "A_works_violating.pdf"
OUT = HERE / "scanned_tender.pdf"


def main() -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(SOURCE))
    try:
        images = [doc[i].render(scale=150 / 72).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()
    images[0].save(OUT, "PDF", resolution=150, save_all=True, append_images=images[1:])
    print(OUT.name, len(images), "pages", OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
