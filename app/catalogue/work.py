"""Screening catalogue rows in worker processes, so a big catalogue uses every core.

Each worker process builds its own engine once (from the list store, or from data/ for the
offline command line) and screens chunks of rows; a chunk carries the list revision it
should be screened with, and a worker whose lists are older rebuilds first. Workers run at
a lower CPU priority, so the service's own requests stay quick while a job runs.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache, partial
from itertools import islice
from pathlib import Path
from typing import Any

from app.catalogue.reader import Row

_STATE: dict[str, Any] = {}

CHUNK = 250  # rows per task sent to a worker process

# result columns of the compact CSV
CSV_COLUMNS = ("row", "sku", "verdict", "risk_score", "brands", "sensitive", "policy", "hits", "error")


def _exit_with_parent(parent: int) -> None:
    """A worker must not outlive the process that started it (killed servers leave no
    orphans): ask Linux to signal us when the parent dies, and watch for it as well."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init(source: dict[str, Any], nice: int, parent: int) -> None:
    _exit_with_parent(parent)
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    _STATE["source"] = source
    _STATE["revision"] = None
    _STATE["engine"] = None


def _engine(revision: int | None):
    """This worker's engine, rebuilt when the lists it was built from are older than
    `revision` (None: the lists of data/, built once)."""
    have = _STATE["revision"]
    if _STATE["engine"] is not None and (revision is None or (have is not None and have >= revision)):
        return _STATE["engine"]
    src = _STATE["source"]
    from app.engine.memory import settle
    from app.engine.snapshot import load_or_build
    from app.lists.loader import build_engine, load_resources

    cache_dir = Path(src["engine_cache"]) if src.get("engine_cache") else None
    if src.get("database_url"):
        from app.store import open_store

        if "store" not in _STATE:
            _STATE["store"] = open_store(src["database_url"], migrate=False)
            # the reference data, read the first time this worker builds an engine
            _STATE["resources"] = cache(partial(load_resources, src["data_dir"]))
        version, lists, revision = _STATE["store"].lists_source(Path(src["data_dir"]))
        # a worker serves no requests: a snapshot of these lists is loaded, or written once built
        engine = load_or_build(version, lists, _STATE["resources"], cache_dir)
    else:
        engine = build_engine(src["data_dir"], cache_dir)
    _STATE["engine"], _STATE["revision"] = engine, revision
    settle()
    return engine


def screen_rows(rows: list[tuple[int, str | None, dict | None, str | None]], revision: int | None) -> list[dict]:
    """Screen (row number, sku, listing fields, error) tuples; one result dict per row."""
    from app.engine import Listing

    engine = _engine(revision)
    out = []
    for number, sku, fields, error in rows:
        if error is not None or fields is None:
            out.append({"row": number, "sku": sku, "verdict": None, "risk_score": None, "error": error, "result": None})
            continue
        try:
            listing = Listing(
                id=fields.get("id"), title=fields.get("title", ""), bullets=tuple(fields.get("bullets", ())),
                description=fields.get("description", ""), search_terms=fields.get("search_terms", ""),
                brand=fields.get("brand"), category=fields.get("category"), marketplace=fields.get("marketplace"))
            res = engine.screen(listing).to_dict()
            out.append({"row": number, "sku": sku, "verdict": res["verdict"], "risk_score": res["risk_score"],
                        "error": None, "result": res})
        except Exception as exc:  # noqa: BLE001 - one bad row becomes an error row, never a lost job
            out.append({"row": number, "sku": sku, "verdict": None, "risk_score": None,
                        "error": f"could not screen this row: {type(exc).__name__}: {exc}", "result": None})
    return out


def as_task(rows: list[Row]) -> list[tuple[int, str | None, dict | None, str | None]]:
    return [(r.number, r.sku, r.listing, r.error) for r in rows]


def screen_ordered(executor: ProcessPoolExecutor, rows: Iterable[Row], *, depth: int, chunk: int = CHUNK,
                   revision: Callable[[], int | None] = lambda: None) -> Iterator[list[dict]]:
    """Results of `rows`, one list per chunk, in input order, with at most `depth` chunks
    in the workers at a time. Closing the generator early drops the chunks not yet done."""
    rows = iter(rows)
    inflight: deque = deque()
    try:
        while True:
            while len(inflight) < depth and (batch := list(islice(rows, chunk))):
                inflight.append(executor.submit(screen_rows, as_task(batch), revision()))
            if not inflight:
                return
            yield inflight.popleft().result()
    finally:
        for f in inflight:
            f.cancel()


def count_verdicts(counts: dict[str, int], results: list[dict]) -> None:
    """Add results to counts per verdict ("error" for rows that could not be screened)."""
    for r in results:
        key = r["verdict"] or "error"
        counts[key] = counts.get(key, 0) + 1


def full(result: dict) -> dict[str, Any]:
    """One JSONL row of a result: the row, its SKU, verdict, risk score, error and all hits."""
    return {"row": result["row"], "sku": result.get("sku"), "verdict": result.get("verdict"),
            "risk_score": result.get("risk_score"), "error": result.get("error"),
            "hits": (result.get("result") or {}).get("hits")}


def pool(workers: int, source: dict[str, Any], nice: int = 5) -> ProcessPoolExecutor:
    """Worker processes (started fresh, not forked from a threaded server)."""
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init,
                               initargs=(source, nice, os.getpid()))


def stop_pool(executor: ProcessPoolExecutor) -> None:
    """Stop at once: drop queued work and end the worker processes."""
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)


def compact(result: dict) -> dict[str, Any]:
    """One CSV row of a result: matched texts with their brands, terms and rules."""
    res = result.get("result") or {}
    hits = res.get("hits") or []
    brands = "; ".join(f"{h['text']} = {h['brand']['name']}" + (f" ({h['usage']})" if h.get("usage") else "")
                       + f" [{h['severity']}]" for h in hits if h["kind"] == "brand")
    sensitive = "; ".join(f"{h['text']} = {h['category']} [{h['severity']}]" for h in hits if h["kind"] == "sensitive")
    policy = "; ".join(f"{h['rule']} [{h['severity']}]" for h in hits if h["kind"] == "policy")
    return {"row": result["row"], "sku": result.get("sku") or "", "verdict": result.get("verdict") or "error",
            "risk_score": "" if result.get("risk_score") is None else result["risk_score"], "brands": brands,
            "sensitive": sensitive, "policy": policy, "hits": len(hits), "error": result.get("error") or ""}
