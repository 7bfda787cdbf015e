"""The command line: readable output, JSON output, files, list tools."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=120, env=dict(os.environ, **(env or {})))


def test_lists_import_and_export_work_on_the_store(tmp_path):
    env = {"PRESCREEN_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    p = run("lists", "export", str(tmp_path / "terms.csv"), "--kind", "terms", env=env)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "terms.csv").read_text(encoding="utf-8").startswith("id,category,lang,forms,")
    f = tmp_path / "new.csv"
    f.write_text("id,name,categories,tier\nqq-one,Quorvane,toys,standard\nqq-two,Bad,nope,standard\n", encoding="utf-8")
    p = run("lists", "import", str(f), env=env)
    assert p.returncode == 1 and "line 3" in p.stderr and "nothing was changed" in p.stderr
    f.write_text("id,name,categories,tier\nqq-one,Quorvane,toys,standard\n", encoding="utf-8")
    p = run("lists", "import", str(f), env=env)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["created"] == 1
    p = run("lists", "export", "--format", "json", env=env)
    assert any(b["id"] == "qq-one" and b["categories"] == ["toys"] for b in json.loads(p.stdout))


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


def test_check_catalogue_to_results_file(tmp_path):
    """--out screens a whole catalogue in worker processes: one result row per input row."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["SKU", "标题", "描述"])
    for i in range(600):
        wb.active.append([f"K{i}", "耐克同款 跑鞋" if i % 3 == 0 else "纯棉 袜子", None if i != 7 else "包邮"])
    wb.active.append(["K-empty", None, None])
    wb.save(tmp_path / "cat.xlsx")
    out = tmp_path / "res.csv"
    p = run("check", "--file", str(tmp_path / "cat.xlsx"), "--out", str(out), "--workers", "2")
    assert p.returncode == 3, p.stderr
    assert "601/601 rows" in p.stderr and "rows/s" in p.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 601 and [r["sku"] for r in rows[:3]] == ["K0", "K1", "K2"]
    assert rows[0]["verdict"] == "block" and "Nike" in rows[0]["brands"]
    assert rows[7]["sensitive"] and rows[-1]["verdict"] == "error"
    assert json.loads(p.stdout)["rows"] == 601


def test_check_file_with_bad_line_names_it(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"title": "ok"}\n{"title": \n', encoding="utf-8")
    p = run("check", "--file", str(f))
    assert p.returncode == 2 and f"{f}:2" in p.stderr


def test_lists_validate_and_stats():
    p = run("lists", "validate")
    assert p.returncode == 0 and p.stdout.startswith("ok:")


def test_lists_validate_reviews_shared_and_unflagged_names(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    f = data / "brands" / "zz_review.csv"
    f.write_text(
        "id,name,aliases,zh_names,submarks,ordinary,categories,tier,owner,nice_classes\n"
        "zz-one,Zzyzxco,,,Quillbright,,toys,standard,,28\n"
        "zz-two,Quillbright,,,,,toys,standard,,28\n"
        "zz-three,Sunflower Works,Sunflower,,,,home,standard,,21\n",
        encoding="utf-8",
    )
    p = run("--data-dir", str(data), "lists", "validate", "--show", "500")
    assert p.returncode == 1, p.stderr
    assert "[shared-name] Quillbright is a name of zz-one, zz-two" in p.stderr
    assert "[unflagged-word] 'Sunflower'" in p.stderr
    # a word reviewed by hand as a distinctive name, with its reason, is accepted
    with (data / "distinctive.csv").open("a", encoding="utf-8") as fh:
        fh.write("zz-three,Sunflower,\"checked: only ever the brand in our listings\"\n")
    f.write_text(f.read_text(encoding="utf-8").replace("zz-two,Quillbright", "zz-two,Quillbrite"), encoding="utf-8")
    p = run("--data-dir", str(data), "lists", "validate")
    assert p.returncode == 0 and p.stdout.startswith("ok:"), p.stderr
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


def test_serve_socket_gets_tcp_nodelay_on_accepted_connections():
    """Several workers share a socket we create; its connections must get TCP_NODELAY
    (a protocol-0 socket does not, and keep-alive responses then stall on delayed ACKs)."""
    import asyncio
    import socket

    from app.cli import _tcp_socket

    async def nodelay_of(sock) -> int:
        seen = asyncio.get_running_loop().create_future()

        def on_conn(reader, writer):
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_conn, sock=sock)
        port = sock.getsockname()[1]
        _, w = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(seen, 10)
        w.close()
        server.close()
        return value

    assert asyncio.run(nodelay_of(_tcp_socket("127.0.0.1", 0))) != 0
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    assert asyncio.run(nodelay_of(plain)) == 0  # why _tcp_socket exists


def test_serve_with_two_workers_answers(tmp_path):
    import os
    import time

    import httpx

    from tests.conftest import free_port

    port = free_port()
    db = tmp_path / "lists.db"
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
                            cwd=ROOT, env=dict(os.environ, PRESCREEN_LOG_LEVEL="warning",
                                               PRESCREEN_DATABASE_URL=f"sqlite:///{db}"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            while time.monotonic() < deadline:
                try:
                    if c.get("/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            bodies = [c.post("/v1/screen", json={"title": "N1ke shoes"}).json() for _ in range(5)]
        assert all(b["verdict"] == "block" for b in bodies)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
