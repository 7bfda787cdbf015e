"""Keeping the garbage collector's full collections off a loaded engine, and the engine's
caches of recurring text bounded (`remembered`).

An engine of 100,000 brands is 1.6 million Python objects the collector tracks, none of them
ever garbage while it is in use. CPython's full collection scans every one of them: 0.65 s
with every thread stopped, at moments no request chooses. `settle()` moves the objects alive after a load to
the permanent generation, which collections do not scan, and hands the heap pages the load
freed back to the system.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

_lock = threading.Lock()
YOUNG_THRESHOLD = 10_000  # allocations between young collections once an engine is loaded


def settle() -> None:
    """Call once a new engine is in use and the one it replaced is let go.

    Frozen objects are still freed by reference counting, but a cycle among them would not
    be collected: so the objects frozen by the previous call are unfrozen and collected
    first (one full collection per engine swap), then everything alive is frozen again."""
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _trim()
        # A screening allocates thousands of short-lived objects, almost none of them in
        # cycles: with CPython's default of a young collection every 700 allocations, the
        # collector took 5-8% of a run of new listings at 50,000 brands; every 10,000 (and
        # older generations as rarely again) it takes 2-3%, for a few MB more garbage at most.
        young, middle, old = gc.get_threshold()
        gc.set_threshold(max(young, YOUNG_THRESHOLD), max(middle, 20), max(old, 20))


def _trim() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim). Reading a
    snapshot frees its buffers and the reader's tables at the end, in the middle of the heap:
    without this, at 100,000 brands, 30-45 MB stay resident and unused in every worker."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to hand back this way
        return None


def remembered(cache: dict, key: Any, compute: Callable[[], Any], limit: int) -> Any:
    """`cache[key]`, computed by `compute()` the first time it is asked for. A cache that
    has grown to `limit` entries is emptied first: the same texts recur (a seller's brand,
    the window around a name), but an endless stream of new ones must not grow it for ever."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = compute()
    return found
