"""The hand-read verdicts on flagged Taobao titles (scripts/taobao_reviewed.tsv) that
scripts/realdata_report.py sets aside as gaps in the labels: well-formed, about brands of
the shipped list, and every false alarm says why."""
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rows():
    path = ROOT / "scripts" / "taobao_reviewed.tsv"
    lines = [line for line in path.open(encoding="utf-8") if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_every_verdict_is_about_a_listed_brand_and_false_alarms_say_why(engine):
    rows = _rows()
    assert len(rows) > 200
    for r in rows:
        assert r["set"] in ("taobao-ner-jie2019", "taobao-ner-ding2019"), r
        assert r["verdict"] in ("names", "not"), r
        assert r["brand_id"] in engine.index.by_id, r
        assert r["title"].strip(), r
        if r["verdict"] == "not":
            assert r["note"].strip(), r


def test_one_verdict_per_title_and_brand():
    keys = [(r["set"], r["title"], r["brand_id"]) for r in _rows()]
    assert len(keys) == len(set(keys))
