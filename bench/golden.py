"""Output fingerprint of the engine: screens seeded composed listings and titles and prints
one hash of every hit (position, brand, mark, match, severity, usage, reason, evidence).

A speed change must leave the fingerprint unchanged; run it before and after. The engine is
also written to a snapshot and read back, and must give the same hits (exit status 1 if not):

    .venv/bin/python -m bench.golden                # shipped lists
    .venv/bin/python -m bench.golden --brands 50000 # with 50k synthetic brands added
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.workloads import compose_listings, compose_titles, data_dir_with_brands


def fingerprint(engine, listings) -> tuple[str, int]:
    digest = hashlib.sha256()
    count = 0
    for lst in listings:
        s = engine.screen(lst, explain=True)
        digest.update(f"{lst.id}|{s.verdict.value}|{s.risk_score}\n".encode())
        for h in [*s.hits, *(h for h, _ in s.suppressed)]:
            d = h.to_dict()
            d.pop("took_ms", None)
            digest.update(repr(sorted(d.items())).encode())
            count += 1
    return digest.hexdigest()[:16], count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--brands", type=int, default=0, help="synthetic brands added to the shipped list")
    ap.add_argument("--listings", type=int, default=400)
    ap.add_argument("--titles", type=int, default=3000)
    args = ap.parse_args()
    from app.engine import Listing, snapshot
    from app.lists import build_engine

    with tempfile.TemporaryDirectory(prefix="prescreen-golden-") as tmp:
        engine = build_engine(data_dir_with_brands(args.brands, Path(tmp) / "data"))
        base = [b.name for b in engine.lists.brands if not b.id.startswith("syn-")]
        raw = compose_listings(args.listings, brand_names=base) + compose_titles(args.titles)
        listings = [Listing(id=d["id"], title=d.get("title", ""), bullets=tuple(d.get("bullets", ())),
                            description=d.get("description", "")) for d in raw]
        # twice: the second pass answers from the caches, which must not change anything
        first = fingerprint(engine, listings)
        second = fingerprint(engine, listings)
        # and the same engine written to a snapshot and read back, as a restart would
        snapshot.save(Path(tmp) / "snapshots", engine)
        restored = snapshot.load(Path(tmp) / "snapshots", engine.version)
        third = fingerprint(restored, listings) if restored is not None else ("unreadable", 0)
    print(f"golden {first[0]} ({first[1]} hits over {len(listings)} listings)"
          + ("" if first == second else f"; CACHED PASS DIFFERS: {second[0]}")
          + ("" if first == third else f"; SNAPSHOT DIFFERS: {third[0]}"))
    return 0 if first == second == third else 1

if __name__ == "__main__":
    raise SystemExit(main())
