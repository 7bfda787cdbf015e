"""The command line: readable output, JSON output, files, list tools."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_check_title_prints_hits_and_exits_nonzero_on_block():
    p = run("check", "N1ke Air Max sneakers")
    assert p.returncode == 3, p.stderr
    assert "verdict=block" in p.stdout
    assert "'N1ke'" in p.stdout and "leetspeak" in p.stdout
    assert "\033[" not in p.stdout  # no colours when not on a terminal


def test_check_json_and_exit_zero():
    p = run("check", "--json", "--exit-zero", "Plain cotton socks")
    assert p.returncode == 0
    out = json.loads(p.stdout)
    assert out["verdict"] == "pass" and out["hits"] == []


def test_check_file(tmp_path):
    f = tmp_path / "listings.jsonl"
    f.write_text(
        json.dumps({"id": "A1", "title": "耐克同款 跑鞋"}, ensure_ascii=False) + "\n\n"
        + json.dumps({"id": "A2", "title": "Bamboo cutting board", "bullets": ["Maple"]}) + "\n",
        encoding="utf-8",
    )
    p = run("check", "--file", str(f), "--json")
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["A1", "A2"]
    assert lines[0]["hits"][0]["brand"]["id"] == "nike" and lines[1]["verdict"] == "pass"


def test_check_file_with_bad_line_names_it(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"title": "ok"}\n{"title": \n', encoding="utf-8")
    p = run("check", "--file", str(f))
    assert p.returncode == 2 and f"{f}:2" in p.stderr


def test_lists_validate_and_stats():
    p = run("lists", "validate")
    assert p.returncode == 0 and p.stdout.startswith("ok:")
    stats = json.loads(run("lists", "stats").stdout)
    assert stats["brands"] >= 300 and stats["brands_with_chinese_names"] > 200
    assert set(stats["terms_by_category"]) == {
        "medical_claim", "pesticide_claim", "environmental_claim", "promotional", "superlative",
        "counterfeit_signal", "contact_info", "prohibited_item"}


def test_lists_validate_reports_bad_data(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    f = data / "terms.csv"
    f.write_text(f.read_text(encoding="utf-8") + "bad,not_a_category,en,x,high,r,,general\n", encoding="utf-8")
    p = run("--data-dir", str(data), "lists", "validate")
    assert p.returncode == 1 and "terms.csv:" in p.stderr and "not_a_category" in p.stderr
