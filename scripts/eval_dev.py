"""Score the engine in-process on a labelled JSONL set with the shared scorer's rules.

Development aid (the CI test runs the real scorer against a real server):
    .venv/bin/python scripts/eval_dev.py ../shared/eval/dev.jsonl [--show 40]
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import Listing
from app.lists import build_engine


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    ap.add_argument("--show", type=int, default=60)
    args = ap.parse_args()
    score = load_scorer(args.scorer)
    engine = build_engine()
    records = score.load(str(args.dataset))
    results = {}
    for r in records:
        body = score.request_body(r)
        lst = Listing(id=body["id"], title=body.get("title", ""), bullets=tuple(body.get("bullets", ())),
                      description=body.get("description", ""), search_terms=body.get("search_terms", ""),
                      brand=body.get("brand"), authorized_brands=tuple(body.get("authorized_brands", ())),
                      category=body.get("category"))
        results[r["id"]] = engine.screen(lst).to_dict()
    rep = score.evaluate(records, results)
    for t, v in rep["recall_by_tag"].items():
        print(f"  recall {t:22s} {v['found']:4d}/{v['expected']:<4d} {v['recall']:.3f}")
    for t, v in rep["false_alarm_rate_by_tag"].items():
        print(f"  false-alarm {t:17s} {v['records_flagged']:4d}/{v['records']:<4d} {v['rate']:.3f}")
    for c, v in rep["sensitive_by_category"].items():
        print(f"  sensitive {c!s:20s} P={v['precision']:.3f} R={v['recall']:.3f} tp={v['tp']} fp={v['fp']} fn={v['fn']}")
    for title, rows in (("misses", rep["misses"]), ("false alarms", rep["false_alarms"])):
        print(f"{title} ({len(rows)}):")
        for row in rows[: args.show]:
            rec = next(x for x in records if x["id"] == row[0])
            print("  ", row, "|", rec["title"][:70])
    b, s, c = rep["brand"], rep["sensitive"], rep["compatibility"]
    print(f"brand P={b['precision']:.3f} R={b['recall']:.3f} | sensitive P={s['precision']:.3f} R={s['recall']:.3f}"
          f" | compatibility {c['recognised']}/{c['expected']} | span errors {rep['span_errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
