"""`prescreen check --file catalogue.xlsx --out results.csv`: a catalogue screened on this
machine, every core busy, with a progress line (rows, rate, time left) on a terminal and
plain progress lines otherwise."""
from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from app.catalogue import work
from app.catalogue.reader import CatalogueError, read_catalogue


def _progress(out: TextIO, done: int, total: int, started: float, final: bool = False) -> None:
    spent = max(time.monotonic() - started, 1e-9)
    rate = done / spent
    left = (total - done) / rate if rate > 0 else 0
    line = f"{done}/{total} rows  {rate:,.0f} rows/s  {'done in' if final else 'left'} {left if not final else spent:,.0f} s"
    if out.isatty():
        width = 30
        filled = int(width * done / max(total, 1))
        out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {line}   ")
        if final:
            out.write("\n")
    else:
        out.write(line + "\n")
    out.flush()


def screen_file(path: Path, out_path: Path, *, data_dir: Path, workers: int, mapping: dict[str, Any] | None,
                log: TextIO = sys.stderr, engine_cache: Path | None = None) -> dict[str, int]:
    """Screen every row of `path` into `out_path` (.jsonl: full results; else compact CSV).
    Returns counts per verdict ("error" for rows that could not be read)."""
    try:
        m, rows = read_catalogue(path, path.name, mapping)
        total = sum(1 for _ in rows)
        m, rows = read_catalogue(path, path.name, mapping)
    except CatalogueError as exc:
        raise SystemExit(f"{path}: {exc}") from None
    log.write(f"{path.name}: {total} rows; columns {json.dumps(m.describe(), ensure_ascii=False)}\n")
    counts: dict[str, int] = {}
    jsonl = out_path.suffix.lower() in (".jsonl", ".ndjson")
    started = time.monotonic()
    last = 0.0
    done = 0
    with out_path.open("w", encoding="utf-8", newline="") as fh, \
            work.pool(workers, {"data_dir": str(data_dir), "engine_cache": str(engine_cache or "")}, nice=0) as pool:
        writer = None if jsonl else csv.DictWriter(fh, fieldnames=list(work.CSV_COLUMNS), lineterminator="\n")
        if writer:
            writer.writeheader()
        for results in work.screen_ordered(pool, rows, depth=workers * 2):
            work.count_verdicts(counts, results)
            for r in results:
                if writer:
                    writer.writerow(work.compact(r))
                else:
                    fh.write(json.dumps(work.full(r), ensure_ascii=False) + "\n")
            done += len(results)
            now = time.monotonic()
            if now - last > (0.2 if log.isatty() else 5.0):
                _progress(log, done, total, started)
                last = now
    _progress(log, done, total, started, final=True)
    return counts


def default_workers() -> int:
    return os.cpu_count() or 1
