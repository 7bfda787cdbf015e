"""Built engines kept on disk by list version: a process whose lists were built before
(a restart, a job worker, the offline command) loads the engine instead of building it,
about eight times sooner at 50,000-100,000 brands.

A snapshot is named by the list version (a digest of every list and reference file) and by
a fingerprint of the code and libraries that build the engine, so a change to either is a
different file and a stale snapshot is never read. Files are written whole under a temporary
name and renamed into place, so readers see a complete file or none; an unreadable file is
ignored (and rebuilt). Only snapshots this process wrote or read are trusted: the directory
is the service's own (PRESCREEN_ENGINE_CACHE_DIR), as it holds pickles.

A file holds several pickles: first the count of the engine's large self-contained parts
(Engine.snapshot_parts), then each part, then the engine, which refers to the parts by
number. Read so, each part's buffers and its reader's table of objects read so far are freed
before the next one is read: at 100,000 brands, one pickle of everything peaks 100 MB above
the loaded engine, most of it the reader's table and the Latin automaton's 36 MB of bytes.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from app.engine.models import Lists

log = logging.getLogger("prescreen.snapshot")

# libraries whose data or objects end up inside a built engine
_LIBRARIES = ("jieba", "pypinyin", "opencc", "pyahocorasick", "ahocorasick-rs", "jellyfish", "rapidfuzz")
KEEP = 4  # snapshots kept in the directory; older ones are removed when one is written


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Digest of the engine's source files, the libraries' versions and the Python version."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}".encode())
    for lib in _LIBRARIES:
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=none".encode())
    app_dir = Path(__file__).resolve().parents[1]
    # the engine's code, and the list parsing whose objects it holds
    for path in sorted([*(app_dir / "engine").glob("*.py"), *(app_dir / "lists").glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot_path(directory: Path, version: str) -> Path:
    return Path(directory) / f"engine-{version}-{code_fingerprint()}.pickle"


def load(directory: Path, version: str):
    """The engine built before for `version`, or None (no snapshot, or one that cannot be read)."""
    from app.engine.screener import Engine

    path = snapshot_path(directory, version)
    if not path.is_file():
        return None
    t0 = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # millions of new objects, none of them garbage: no collections meanwhile
    try:
        with path.open("rb") as fh:
            parts = [pickle.load(fh) for _ in range(pickle.load(fh))]
            reader = pickle.Unpickler(fh)
            reader.persistent_load = parts.__getitem__
            engine = reader.load()
            del reader  # and its table of every object read: freed now, not at return
    except Exception as exc:  # noqa: BLE001 - a damaged file is rebuilt, not fatal
        log.warning("engine snapshot %s unreadable (%s: %s); building instead", path.name, type(exc).__name__, exc)
        return None
    finally:
        if collecting:
            gc.enable()
    if not isinstance(engine, Engine) or engine.version != version:
        log.warning("engine snapshot %s holds another engine; building instead", path.name)
        return None
    engine.build_seconds = time.perf_counter() - t0
    engine.source = "snapshot"
    log.info("engine for %s loaded from its snapshot in %.2f s", version, engine.build_seconds)
    return engine


def save(directory: Path, engine) -> Path | None:
    """Write the engine's snapshot (whole, then renamed into place) and drop old ones. A
    snapshot that cannot be written is logged and skipped: it only saves time later."""
    directory = Path(directory)
    path = snapshot_path(directory, engine.version)
    tmp: str | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".engine-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as fh:
            parts = engine.snapshot_parts()
            pickle.dump(len(parts), fh, protocol=pickle.HIGHEST_PROTOCOL)
            for part in parts:
                pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
            _EngineWriter(fh, parts).dump(engine)
        os.replace(tmp, path)
        tmp = None
    except Exception as exc:  # noqa: BLE001 - a full disk or an unpicklable part costs a build, nothing more
        log.warning("could not write the engine snapshot to %s: %s: %s", directory, type(exc).__name__, exc)
        return None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    _prune(directory)
    return path


class _EngineWriter(pickle.Pickler):
    """Pickles the engine with its parts written before referred to by number."""

    def __init__(self, fh, parts: list) -> None:
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._parts = {id(p): n for n, p in enumerate(parts)}

    def persistent_id(self, obj: Any) -> int | None:
        return self._parts.get(id(obj))


def _prune(directory: Path) -> None:
    """Keep the KEEP newest snapshots (other processes may be pruning at the same time)."""
    dated = []
    for p in directory.glob("engine-*.pickle"):
        try:
            dated.append((p.stat().st_mtime, p))
        except OSError:
            continue
    for _, stale in sorted(dated, reverse=True)[KEEP:]:
        stale.unlink(missing_ok=True)


def load_or_build(version: str, lists: Callable[[], Lists], resources: Callable[[], Any], directory: Path | None,
                  *, save_new: bool = True):
    """The engine for the lists of `version`: from its snapshot in `directory` when there is
    one (the lists are then never parsed), else built from `lists()` and `resources()`, and
    its snapshot written when `save_new`. No directory: always built, nothing written."""
    from app.engine.screener import Engine

    engine = load(directory, version) if directory is not None else None
    if engine is None:
        engine = Engine(lists(), resources())
        if directory is not None and save_new:
            save(directory, engine)
    return engine
