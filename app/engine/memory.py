"""Keeping the garbage collector's full collections off a loaded engine.

An engine of 100,000 brands is 2.5 million Python objects, none of them ever garbage while
it is in use. CPython's full collection scans every one of them: 0.8 s with every thread
stopped, at moments no request chooses. `settle()` moves the objects alive after a load to
the permanent generation, which collections do not scan.
"""
from __future__ import annotations

import gc
import threading

_lock = threading.Lock()


def settle() -> None:
    """Call once a new engine is in use and the one it replaced is let go.

    Frozen objects are still freed by reference counting, but a cycle among them would not
    be collected: so the objects frozen by the previous call are unfrozen and collected
    first (one full collection per engine swap), then everything alive is frozen again."""
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
