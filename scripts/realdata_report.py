"""Brand recall and false-alarm figures on real listings written by others.

    .venv/bin/python scripts/realdata_report.py [--shared ../shared] [--sample 1000] [--show 20]

Taobao titles (hand-labelled brand spans): of the titles whose labelled brand is in our
list, the share where the engine reports that brand (high or medium); of the titles with
no labelled brand, the share with any counted brand hit, and that share again once the
flagged titles read by hand (scripts/taobao_reviewed.tsv) that name the reported brand, gaps
in the labels, are set aside (an unread flagged title counts as a false alarm). Amazon UK toys and Flipkart
(seller's brand field, passed as the listing's own brand): the share of a seeded random
sample with a counted hit on a third-party brand, with examples to read by hand.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import Listing
from app.lists import build_engine

COUNTED = {"high", "medium"}
REVIEWED = ROOT / "scripts" / "taobao_reviewed.tsv"


def load_reviewed(path: Path = REVIEWED) -> dict[tuple[str, str, str], str]:
    """Hand-read verdicts on flagged titles with no labelled brand: (set, title, brand id) ->
    'names' (the title names that brand: a gap in the labels) or 'not' (a false alarm)."""
    if not path.exists():
        return {}
    lines = [line for line in path.open(encoding="utf-8") if not line.startswith("#")]
    return {(r["set"], r["title"], r["brand_id"]): r["verdict"]
            for r in csv.DictReader(lines, delimiter="\t")}


def counted_brands(result) -> list:
    return [h for h in result.hits if h.kind.value == "brand" and h.severity.value in COUNTED]


def taobao(engine, path: Path, show: int, reviewed: dict[tuple[str, str, str], str] | None = None) -> dict:
    """Recall on titles whose labelled brand is listed; on titles with no labelled brand, the
    share with a counted brand hit, and, by the hand-read verdicts in `reviewed`, how many of
    those name the brand reported (gaps in the labels), how many do not (false alarms) and
    how many are unread (a title or brand the reading did not cover)."""
    reviewed = reviewed or {}
    name = path.parent.name
    gaps = false = unread = 0
    seen: set[str] = set()
    rows = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if r["title"] in seen:
            continue
        seen.add(r["title"])
        rows.append(r)
    pos_total = pos_found = neg_total = neg_flagged = 0
    misses, alarms = [], []
    for r in rows:
        res = engine.screen(Listing(title=r["title"]))
        got = {h.brand.id for h in counted_brands(res)}
        labelled = set()
        for b in r.get("brand") or []:
            labelled |= engine.index.resolve_brand_names([b])
        if labelled:
            pos_total += 1
            if labelled & got:
                pos_found += 1
            else:
                misses.append((r["title"], r["brand"]))
        elif not r.get("brand"):
            neg_total += 1
            if got:
                neg_flagged += 1
                verdicts = {reviewed.get((name, r["title"], b)) for b in got}
                if "not" in verdicts:
                    false += 1
                elif None in verdicts:
                    unread += 1
                else:
                    gaps += 1
                alarms.append((r["title"], [(h.text, h.brand.name, h.match.value) for h in counted_brands(res)]))
    out = {"titles": len(rows), "with_listed_brand": pos_total, "found": pos_found,
           "recall": round(pos_found / max(1, pos_total), 4), "no_brand_titles": neg_total,
           "flagged": neg_flagged, "false_alarm_rate": round(neg_flagged / max(1, neg_total), 4),
           "flagged_read_as_label_gaps": gaps, "flagged_unread": unread, "false_after_reading": false,
           "false_alarm_rate_after_reading": round((false + unread) / max(1, neg_total), 4)}
    print(f"{name}: {json.dumps(out, ensure_ascii=False)}")
    for t, b in misses[:show]:
        print("   miss ", b, "|", t)
    for t, h in alarms[:show]:
        print("   alarm", h, "|", t)
    return out


def marketplace(engine, path: Path, sample: int, show: int, seed: int = 7, dump=None) -> dict:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    random.Random(seed).shuffle(rows)
    rows = rows[:sample]
    flagged = []
    hits = 0
    for r in rows:
        res = engine.screen(Listing(title=r.get("title") or "", description=r.get("description") or "",
                                    brand=r.get("brand") or None, category=_category(r.get("category"))))
        hs = counted_brands(res)
        if hs:
            hits += len(hs)
            flagged.append((r.get("brand"), r.get("title"), [(h.text, h.brand.name, h.match.value, h.field.value) for h in hs]))
            if dump is not None:
                for h in hs:
                    dump.write(json.dumps(_hit_line(path.parent.name, r, h), ensure_ascii=False) + "\n")
    out = {"listings": len(rows), "with_brand_hit": len(flagged), "counted_brand_hits": hits,
           "rate": round(len(flagged) / max(1, len(rows)), 4)}
    print(f"{path.parent.name}: {json.dumps(out)}")
    for own, title, hs in flagged[:show]:
        print(f"   own={own!r} {hs} | {str(title)[:100]}")
    return out


def _hit_line(source: str, r: dict, h) -> dict:
    """One counted hit with the text around it, for reading by hand."""
    text = r.get("title") if h.field.value == "title" else r.get("description")
    text = text or ""
    return {"source": source, "listing": r.get("uniq_id"), "own_brand": r.get("brand"),
            "category": r.get("category"), "field": h.field.value, "text": h.text,
            "context": text[max(0, h.start - 80):h.end + 80], "brand": h.brand.name,
            "mark": h.brand.mark, "match": h.match.value, "usage": h.usage.value if h.usage else None,
            "severity": h.severity.value, "reason": h.reason}


def _category(raw):
    if not raw:
        return None
    if isinstance(raw, str) and raw.startswith("["):
        try:
            raw = json.loads(raw)[0]
        except (ValueError, IndexError):
            pass
    return str(raw).split(">>")[0].split(">")[0].strip() or None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--show", type=int, default=15)
    ap.add_argument("--only", choices=["taobao", "marketplace"], default=None)
    ap.add_argument("--dump", type=Path, default=None,
                    help="write every counted marketplace hit, with context, to this JSONL file")
    args = ap.parse_args()
    engine = build_engine()
    real = args.shared / "realdata"
    if args.only in (None, "taobao"):
        reviewed = load_reviewed()
        for name in ("taobao-ner-jie2019", "taobao-ner-ding2019"):
            taobao(engine, real / name / "titles.jsonl", args.show, reviewed)
    if args.only in (None, "marketplace"):
        dump = args.dump.open("w", encoding="utf-8") if args.dump else None
        try:
            for name in ("amazon-uk-toys-10k", "flipkart-20k"):
                marketplace(engine, real / name / "listings.jsonl", args.sample, args.show, dump=dump)
        finally:
            if dump is not None:
                dump.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
