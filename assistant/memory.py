"""Keeping a long-running server's memory flat (Linux with glibc; elsewhere everything here is a no-op).

What the soak (`python bench/reliability_bench.py soak`, issue 18) showed: the Python objects stay
flat (gc object count ~344,000 and three Chroma systems from warm-up to the end), and so does the
memory malloc hands out (`uordblks` 110-240 MB, following the reviews in flight). What grew was the
*free* memory glibc keeps inside its heaps (`fordblks` 13 -> 148 MB): the high-water mark of
concurrent reviews and imports, never given back to the system. Two remedies, both used by `serve`:

- `cap_malloc_arenas`: at most two malloc arenas (glibc gives every worker thread its own arena,
  and each keeps its own free memory; 520 -> 759 MB without the cap, 474 -> 576 MB with it).
- `HeapTrimmer`: every few seconds, when the heaps hold more than a few MB free, `malloc_trim(0)`
  returns the free pages to the system (3-140 ms per trim under the soak's load).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
import threading
import time
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

#: malloc arenas a server process may use (glibc's default is 8 per CPU core)
ARENA_MAX = 2
_M_ARENA_MAX = -8  # mallopt parameter, glibc's malloc.h
#: seconds between checks of the heaps' free memory
TRIM_INTERVAL_S = 10.0
#: free heap memory (bytes) above which the trimmer returns it to the system
TRIM_MIN_FREE = 8 << 20


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


@lru_cache(maxsize=1)
def _glibc() -> Any | None:
    """The C library when it is glibc (musl and macOS lack malloc_trim and mallopt's arena cap)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version.restype = ctypes.c_char_p
        libc.gnu_get_libc_version()
    except (OSError, AttributeError):
        return None
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    return libc


def cap_malloc_arenas(max_arenas: int = ARENA_MAX) -> bool:
    """Limit glibc to `max_arenas` malloc arenas for threads started from now on; True when applied.

    The same as starting the process with MALLOC_ARENA_MAX, without restarting it: `serve` calls
    this before the web server starts its worker threads, whichever entry point started it
    (`python app.py`, `tender-assistant serve`, `python -m assistant serve`). A MALLOC_ARENA_MAX
    set by the operator wins (glibc has read it already).
    """
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, max_arenas))


def heap_stats() -> dict[str, int] | None:
    """glibc's heap figures in bytes: `arena` (heap size), `in_use`, `free` (kept inside the heaps),
    `mmapped` (large blocks); None without glibc >= 2.33."""
    libc = _glibc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return {"arena": info.arena, "in_use": info.uordblks, "free": info.fordblks, "mmapped": info.hblkhd}


def trim() -> bool:
    """Return the free memory inside glibc's heaps to the system; True when some was released."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


class HeapTrimmer:
    """A daemon thread that trims the heaps when they hold more than `min_free` bytes free."""

    def __init__(self, interval_s: float = TRIM_INTERVAL_S, min_free: int = TRIM_MIN_FREE) -> None:
        self.interval_s = interval_s
        self.min_free = min_free
        self.trims = 0
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heap-trimmer", daemon=True)

    def start(self) -> HeapTrimmer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval_s + 5)

    def check(self) -> bool:
        """One check: trim when the heaps hold enough free memory (or when that cannot be measured)."""
        stats = heap_stats()
        if stats is not None and stats["free"] < self.min_free:
            return False
        started = time.perf_counter()
        trim()
        self.trims += 1
        self.seconds += time.perf_counter() - started
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check()
            except Exception as exc:  # never let the trimmer take the server down
                log.warning("heap trim failed: %r", exc)
                return


_trimmer: HeapTrimmer | None = None
_trimmer_lock = threading.Lock()


def start_heap_trimmer(interval_s: float = TRIM_INTERVAL_S) -> HeapTrimmer | None:
    """Start the process's trimmer once, on glibc (None elsewhere: nothing to do)."""
    global _trimmer
    if _glibc() is None:
        return None
    with _trimmer_lock:
        if _trimmer is None:
            _trimmer = HeapTrimmer(interval_s).start()
        return _trimmer
