"""Keeps the engine in step with the list store without restarts.

A watcher thread checks the store's revision (every PRESCREEN_RELOAD_INTERVAL seconds, and
at once after a write through this process). When it changed, a new engine is built from a
consistent snapshot beside the old one and swapped in whole; requests already running
finish on the engine they started with. Every worker process and every instance sharing the
database runs its own watcher, so each picks up every change.
"""
from __future__ import annotations

import logging
import threading
import time
from functools import cache, partial
from pathlib import Path

from app.engine import Engine, snapshot
from app.engine.memory import settle
from app.lists.loader import load_resources
from app.store import Store

log = logging.getLogger("prescreen")


class EngineHolder:
    """Holds the current engine; a new one is swapped in whole, never changed in place."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.revision: int | None = None
        self.error: str | None = None
        self._changed = threading.Condition()

    def set(self, engine: Engine, revision: int | None = None) -> None:
        with self._changed:
            self.engine = engine
            self.revision = revision
            self.error = None
            self._changed.notify_all()

    def wait_for(self, revision: int, timeout: float) -> bool:
        """Block until an engine built from `revision` or later is in use."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.revision is None or self.revision < revision:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True


class LiveLists:
    def __init__(self, store: Store, data_dir: Path, holder: EngineHolder, interval: float,
                 cache_dir: Path | None = None) -> None:
        self.store = store
        self.data_dir = data_dir
        self.cache_dir = cache_dir
        self.holder = holder
        self.interval = interval
        self.last_build_seconds: float | None = None
        self.reload_error: str | None = None
        # the reference data, read the first time an engine is built here
        self._resources = cache(partial(load_resources, data_dir))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._build_lock = threading.Lock()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="list-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def poke(self) -> None:
        """A write happened here: check now instead of at the next interval."""
        self._wake.set()

    def refresh(self) -> bool:
        """Build and swap in a new engine if the store changed; True if it did."""
        with self._build_lock:
            rev = self.store.revision()
            if rev == self.holder.revision:
                return False
            t0 = time.perf_counter()
            version, lists, revision = self.store.lists_source(self.data_dir)
            current = self.holder.engine
            if current is not None and current.version == version:
                self.holder.set(current, revision)  # the same content (a change undone)
                return False
            if current is None:
                # starting up, nobody served yet: the snapshot of these lists if one was written
                # (a restart), else build and write it. Later rebuilds build in place: loading a
                # large snapshot holds the interpreter for seconds, a build yields to requests
                engine = snapshot.load_or_build(version, lists, self._resources, self.cache_dir)
            else:
                engine = Engine(lists(), self._resources())
            engine.screen_warmup()
            self.holder.set(engine, revision)
            del current
            settle()
            self.last_build_seconds = time.perf_counter() - t0
            log.info("lists revision %s in use (%s, %s in %.2f s)", revision, version, engine.source,
                     self.last_build_seconds)
            return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
                self.reload_error = None
            except Exception as exc:  # noqa: BLE001 - keep serving the engine in use
                self.reload_error = f"{type(exc).__name__}: {exc}"
                log.error("could not rebuild the lists: %s", self.reload_error)
            self._wake.wait(self.interval)
            self._wake.clear()
