"""Every name of the lists, written as the list writes it, in a title of its own: which are
not found? A check on how names are read (their marks, their spacing, their case), not on
context: names flagged ordinary are left out, since they ask for evidence on purpose.

    .venv/bin/python scripts/names_report.py [--show 50]

Most names it prints are not found by design: acronyms of three letters or fewer (they ask
for capitals and context), bare model codes (S24, 501), Traditional forms of ordinary Chinese
names. The rest are the ones to look at: in session 10 it found `Dr. Martens`, `D&G`,
`Bausch + Lomb` and `AllSaints` unread as their owners write them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine import Listing
from app.lists import build_engine


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", type=int, default=50, help="how many unfound names to print")
    args = ap.parse_args()
    engine = build_engine()
    checked, unfound = 0, []
    for brand in engine.lists.brands:
        for name in brand.all_names():
            if name in brand.ordinary:
                continue
            checked += 1
            title = f"{name} 正品" if not name.isascii() else f"Genuine {name} product, new in box"
            hits = engine.screen(Listing(title=title)).hits
            if not any(h.brand and h.brand.id == brand.id for h in hits):
                unfound.append((brand.id, name))
    print(f"{checked} names checked, {len(unfound)} not found in a title of their own")
    for brand_id, name in unfound[:args.show]:
        print(f"   {brand_id:32s} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
