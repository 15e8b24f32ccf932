"""Knowledge-base build speed and memory (real e5 model, embedded Chroma).

Measures: full default build (manifest: reform plan + 9 china-law laws), a no-change rebuild,
adding one ~50-article regulation from ../shared/corpus/regulations, and the peak RSS of the
process (resource.getrusage).

    python bench/build_bench.py                 # temp data dir, removed afterwards
    python bench/build_bench.py --add PATH      # another document for the "add one" step
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402

DEFAULT_ADD = ROOT.parent / "shared" / "corpus" / "regulations" / "政府投资条例(2019-04-14).md"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--add", type=Path, default=DEFAULT_ADD, help="document for the 'add one' step")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from assistant.services import Services

    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        services = Services(Settings(_env_file=None, data_dir=tmp / "data"))
        kb = services.kb
        t = time.perf_counter()
        full = kb.build()
        full_s = time.perf_counter() - t
        t = time.perf_counter()
        again = kb.build()
        again_s = time.perf_counter() - t
        add_s = None
        added = None
        if args.add.exists():
            t = time.perf_counter()
            (added,) = kb.add([args.add])
            add_s = time.perf_counter() - t
        result = {
            "full_build_s": round(full_s, 1),
            "full_build": {k: full[k] for k in ("documents", "chunks", "embedded")},
            "no_change_rebuild_s": round(again_s, 2),
            "no_change_embedded": again["embedded"],
            "add_one_s": None if add_s is None else round(add_s, 1),
            "add_one": None if added is None else {"title": added.title, "chunks": added.chunk_count},
            "peak_rss_mb": round(_peak_rss_mb(), 0),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        fb = result["full_build"]
        print(f"full default build : {result['full_build_s']} s  ({fb['documents']} docs, {fb['chunks']} chunks, "
              f"{fb['embedded']} embedded)")
        print(f"no-change rebuild  : {result['no_change_rebuild_s']} s  ({result['no_change_embedded']} embedded)")
        if result["add_one"]:
            print(f"add one document   : {result['add_one_s']} s  (《{result['add_one']['title']}》, "
                  f"{result['add_one']['chunks']} chunks)")
        print(f"peak RSS           : {result['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
