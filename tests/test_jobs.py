"""Catalogue jobs over real HTTP, with real files made here in the formats and encodings
sellers have (Chinese Excel's GBK CSV, UTF-16 TSV, XLSX, Amazon flat files, broken rows),
a real callback receiver on 127.0.0.1, and restarts in the middle of a big job."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from tests.conftest import Server, free_port

SECRET = "cb-secret"


def start(tmp: Path, **env: str) -> Server:
    srv = Server({"PRESCREEN_DATABASE_URL": f"sqlite:///{tmp}/lists.db", "PRESCREEN_JOBS_DIR": str(tmp / "jobs"),
                  "PRESCREEN_CALLBACK_SECRET": SECRET, "PRESCREEN_JOB_WORKERS": "2", **env})
    srv.wait_ready()
    return srv


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jobs")
    srv = start(tmp, PRESCREEN_MAX_UPLOAD_BYTES="2000000", PRESCREEN_MAX_JOB_ROWS="30000")
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            yield c
    finally:
        srv.stop()


def submit(c: httpx.Client, name: str, data: bytes, **form: str) -> dict:
    r = c.post("/v1/jobs", files={"file": (name, data)}, data=form)
    assert r.status_code == 202, r.text
    return r.json()


def wait(c: httpx.Client, job_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = c.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']}")


def results(c: httpx.Client, job_id: str) -> list[dict]:
    r = c.get(f"/v1/jobs/{job_id}/results", params={"format": "jsonl"})
    assert r.status_code == 200
    return [json.loads(line) for line in r.text.splitlines()]


def csv_results(c: httpx.Client, job_id: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(c.get(f"/v1/jobs/{job_id}/results").text)))


def test_gbk_csv_as_chinese_excel_saves_it(api):
    rows = [["商品编码", "标题", "五点描述", "描述", "品牌"],
            ["CN-1", "耐克同款 男士跑步鞋 透气", "轻便\n透气", "舒适百搭", "自有品牌"],
            ["CN-2", "纯棉 白色 T恤 男", "", "", ""],
            ["CN-3", "", "", "", "自有品牌"],
            ["CN-4", "包邮 全网最低价 保温杯", "", "", ""]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    job = submit(api, "商品.csv", buf.getvalue().encode("gbk"))
    assert job["columns"]["title"] == ["标题"] and job["columns"]["bullets"] == ["五点描述"]
    done = wait(api, job["id"])
    assert done["status"] == "done" and done["total_rows"] == done["rows_done"] == 4
    out = results(api, job["id"])
    assert [r["row"] for r in out] == [2, 3, 4, 5] and [r["sku"] for r in out] == ["CN-1", "CN-2", "CN-3", "CN-4"]
    assert any(h["brand"] and h["brand"]["id"] == "nike" for h in out[0]["hits"])
    assert out[1]["verdict"] == "pass"
    assert out[2]["verdict"] is None and "no text" in out[2]["error"]
    assert {h["category"] for h in out[3]["hits"] if h["kind"] == "sensitive"} >= {"promotional"}
    assert done["counts"] == {"block": 2, "pass": 1, "error": 1} or sum(done["counts"].values()) == 4


def test_utf16_tsv(api):
    text = "sku\ttitle\tdescription\r\nU-1\tAdidas Samba trainers\tclassic\r\nU-2\tPlain ceramic mug\t350 ml\r\n"
    job = submit(api, "export.txt", text.encode("utf-16"))  # Excel's "Unicode text": UTF-16 with BOM, tabs
    assert job["format"] == "tsv"
    done = wait(api, job["id"])
    assert done["status"] == "done" and done["rows_done"] == 2
    out = csv_results(api, job["id"])
    assert out[0]["sku"] == "U-1" and "adidas" in out[0]["brands"] and out[1]["verdict"] == "pass"


def test_xlsx(api):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["SKU", "Title", "Bullet 1", "Bullet 2", "Description"])
    ws.append(["X-1", "Case for iPhone 15 Pro, clear", "Slim", "Shockproof", None])
    ws.append([1002, "Bamboo cutting board", None, None, "Made of bamboo"])
    ws.append([None, None, None, None, None])  # a blank row is not a row
    ws.append(["X-3", None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    job = submit(api, "catalogue.xlsx", buf.getvalue())
    done = wait(api, job["id"])
    assert done["status"] == "done" and done["total_rows"] == done["rows_done"] == 3
    out = results(api, job["id"])
    assert [(r["row"], r["sku"]) for r in out] == [(2, "X-1"), (3, "1002"), (5, "X-3")]
    assert out[0]["hits"][0]["usage"] == "compatibility"
    assert out[2]["error"] and out[2]["verdict"] is None


def test_amazon_flat_file_with_template_rows(api):
    lines = [
        "TemplateType=fptcustom,Version=2023.0101,TemplateSignature=U0hPRVM=,,,,,,",
        "SKU,Product Name,Brand Name,Bullet Point,Bullet Point,Bullet Point,Product Description,Search Terms,Update Delete",
        "item_sku,item_name,brand_name,bullet_point1,bullet_point2,bullet_point3,product_description,generic_keywords,update_delete",
        "FF-1,Acme Trail Runner shoes,Acme,Breathable,Grippy sole,,Light trail shoe,nike adidas running,Update",
        "FF-2,Acme Kids Sneakers,Acme,Velcro,,,Easy on,kids shoes,Update",
    ]
    job = submit(api, "Flat.File.Shoes.csv", ("\n".join(lines) + "\n").encode("utf-8-sig"))
    assert job["columns"]["id"] == ["item_sku"] and job["columns"]["search_terms"] == ["generic_keywords"]
    assert job["columns"]["bullets"] == ["bullet_point1", "bullet_point2", "bullet_point3"]
    done = wait(api, job["id"])
    out = results(api, job["id"])
    assert done["rows_done"] == 2 and [r["row"] for r in out] == [4, 5]
    st = [h for h in out[0]["hits"] if h["field"] == "search_terms" and h["kind"] == "brand"]
    assert {h["brand"]["id"] for h in st} >= {"nike", "adidas"}


def test_broken_rows_become_error_rows_and_nothing_is_dropped(api):
    data = (
        "sku,title,description\n"
        "B-1,Gucci belt,leather\n"
        'B-2,"a title, with a comma",ok,STRAY\n'
        "B-3,,\n"
        'B-4,"unterminated quote,desc\n'
    )
    job = submit(api, "broken.csv", data.encode())
    done = wait(api, job["id"])
    out = results(api, job["id"])
    assert done["status"] == "done" and len(out) == done["total_rows"] == done["rows_done"]
    by_sku = {r["sku"]: r for r in out}
    assert by_sku["B-1"]["verdict"] == "block"
    assert "4 fields" in by_sku["B-2"]["error"] and "no text" in by_sku["B-3"]["error"]
    assert sum(done["counts"].values()) == len(out)

    jl = b'{"sku": "J-1", "title": "N1ke socks"}\n{broken\n[1, 2]\n\n{"sku": "J-4", "title": "plain socks"}\n'
    job = submit(api, "rows.jsonl", jl)
    out = results(api, wait(api, job["id"])["id"])
    assert [(r["row"], r["sku"], bool(r["error"])) for r in out] == [
        (1, "J-1", False), (2, None, True), (3, None, True), (5, "J-4", False)]

    # a lone surrogate escape (\ud800) is an error row naming the field, not a failed job
    jl = b'{"sku": "S-1", "title": "Ni\\ud800ke socks"}\n{"sku": "S-2", "title": "N1ke socks"}\n'
    job = submit(api, "surrogates.jsonl", jl)
    done = wait(api, job["id"])
    out = results(api, job["id"])
    assert done["status"] == "done"
    assert "title: not valid Unicode" in out[0]["error"] and out[1]["verdict"] == "block"


def test_uploads_that_cannot_be_read_get_a_clear_4xx(api):
    r = api.post("/v1/jobs", files={"file": ("a.pdf", b"%PDF-1.7 ...")})
    assert r.status_code == 415 and r.json()["error"]["field"] == "file"
    r = api.post("/v1/jobs", files={"file": ("a.csv", b"")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "empty_file"
    r = api.post("/v1/jobs", files={"file": ("a.csv", b"foo,bar\n1,2\n")})
    assert r.status_code == 422 and "no header row" in r.json()["error"]["message"]
    r = api.post("/v1/jobs", files={"file": ("a.csv", b"sku,price\n1,2\n")})
    assert r.status_code == 422 and "no text column" in r.json()["error"]["message"]
    r = api.post("/v1/jobs", files={"file": ("a.csv", b"sku,Produkt\n1,Schuhe\n")}, data={"mapping": '{"title": "Name"}'})
    assert r.status_code == 422 and r.json()["error"]["field"] == "mapping.title"
    r = api.post("/v1/jobs", files={"file": ("a.csv", b"sku,Produkt\n1,Schuhe\n")}, data={"mapping": "{oops"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "mapping"
    r = api.post("/v1/jobs", files={"file": ("big.csv", b"sku,title\n" + b"1,x" * 1_000_000)})
    assert r.status_code == 413
    r = api.post("/v1/jobs", files={"file": ("a.csv", b"\xef\xbb\xbfsku,title\n1,ok\xff\n")})
    assert r.status_code == 422 and "UTF-8" in r.json()["error"]["message"]  # a BOM, then broken UTF-8
    r = api.post("/v1/jobs", files={"file": ("a.tsv", b"\xff\xfes\x00k\x00u\x00\t\x00t\x00i\x00\n")})
    assert r.status_code == 422 and "UTF-16" in r.json()["error"]["message"]  # odd-length UTF-16
    r = api.post("/v1/jobs", data={"mapping": "{}"})
    assert r.status_code == 422  # no file at all
    assert api.get("/v1/jobs/nope").status_code == 404

    job = submit(api, "mapped.csv", b"sku,Produkt\n1,Nikey Schuhe\n", mapping='{"title": "Produkt", "id": "sku"}')
    out = results(api, wait(api, job["id"])["id"])
    assert out[0]["sku"] == "1" and out[0]["verdict"] == "block"


def test_jobs_can_require_a_key(tmp_path):
    srv = start(tmp_path, PRESCREEN_JOBS_NEED_KEY="true", PRESCREEN_API_KEYS="ops:j0bs")
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            r = c.post("/v1/jobs", files={"file": ("a.csv", b"sku,title\n1,N1ke\n")})
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
            key = {"Authorization": "Bearer j0bs"}
            r = c.post("/v1/jobs", files={"file": ("a.csv", b"sku,title\n1,N1ke\n")}, headers=key)
            assert r.status_code == 202
            assert c.get(f"/v1/jobs/{r.json()['id']}").status_code == 401
            assert c.get(f"/v1/jobs/{r.json()['id']}", headers={"Authorization": "Bearer nope"}).status_code == 403
            assert c.get(f"/v1/jobs/{r.json()['id']}", headers=key).status_code == 200
    finally:
        srv.stop()


def test_cancel_and_row_limit(api):
    job = submit(api, "many.csv", _big_catalogue(25_000))
    deadline = time.monotonic() + 120
    while api.get(f"/v1/jobs/{job['id']}").json()["rows_done"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert api.post(f"/v1/jobs/{job['id']}/cancel").status_code == 200
    done = wait(api, job["id"])
    assert done["status"] == "cancelled" and 0 < done["rows_done"] < 25_000
    assert len(results(api, job["id"])) == done["rows_done"]  # what was screened stays available
    assert api.post("/v1/jobs/nope/cancel").status_code == 404

    job = submit(api, "too-many.csv", _big_catalogue(30_001))
    done = wait(api, job["id"])
    assert done["status"] == "failed" and "at most 30000" in done["error"]


class _Receiver(BaseHTTPRequestHandler):
    calls: ClassVar[list[tuple[dict, bytes, int]]] = []
    fail_first = 1

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 500 if len(type(self).calls) < type(self).fail_first else 200
        type(self).calls.append((dict(self.headers), body, status))
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_callback_is_signed_and_retried(api):
    port = free_port()
    httpd = HTTPServer(("127.0.0.1", port), _Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        job = submit(api, "cb.csv", b"sku,title\n1,N1ke\n2,socks\n", callback_url=f"http://127.0.0.1:{port}/hook")
        wait(api, job["id"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(s == 200 for _, _, s in _Receiver.calls):
            time.sleep(0.2)
        assert [s for _, _, s in _Receiver.calls] == [500, 200]  # one failure, retried after a pause
        headers, body, _ = _Receiver.calls[-1]
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Prescreen-Signature"], expected)
        summary = json.loads(body)
        assert summary["id"] == job["id"] and summary["status"] == "done" and summary["rows_done"] == 2
        deadline = time.monotonic() + 10
        while "delivered" not in (api.get(f"/v1/jobs/{job['id']}").json()["callback_status"] or ""):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        httpd.shutdown()
    assert api.post("/v1/jobs", files={"file": ("a.csv", b"sku,title\n1,x\n")},
                    data={"callback_url": "ftp://x"}).status_code == 422


def _big_catalogue(n: int) -> bytes:
    from bench.workloads import compose_titles

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["sku", "title"])
    for i, t in enumerate(compose_titles(n, seed=5)):
        w.writerow([f"S{i}", t["title"]])
    return buf.getvalue().encode()


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.parametrize("how", ["graceful", "killed"])
def test_a_big_job_survives_a_restart_in_the_middle(tmp_path, how):
    """100,000 listings; the service is stopped (gracefully, or killed outright) while the
    job runs, started again, and the job completes with every row once."""
    n = 100_000 if how == "graceful" else 20_000
    srv = start(tmp_path, PRESCREEN_JOB_STALE_SECONDS="3")
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            job = submit(c, "big.csv", _big_catalogue(n))
            deadline = time.monotonic() + 300
            while True:
                j = c.get(f"/v1/jobs/{job['id']}").json()
                if j["rows_done"] >= 2000:
                    break
                assert time.monotonic() < deadline and j["status"] in ("queued", "running"), j
                time.sleep(0.1)
    finally:
        workers = _children(srv.proc.pid)
        if how == "killed":
            srv.proc.send_signal(signal.SIGKILL)
            srv.proc.wait()
        else:
            srv.stop()
    assert workers, "the job ran in no worker process"
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "worker processes outlived the server"
    assert j["rows_done"] < n, "finished before the restart; nothing was tested"
    srv = start(tmp_path, PRESCREEN_JOB_STALE_SECONDS="3")
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            done = wait(c, job["id"], timeout=900)
            assert done["status"] == "done" and done["total_rows"] == done["rows_done"] == n
            rows = c.get(f"/v1/jobs/{job['id']}/results").text.splitlines()
            assert len(rows) == n + 1
            skus = [line.split(",", 2)[1] for line in rows[1:]]
            assert skus == [f"S{i}" for i in range(n)]  # every row once, in order
    finally:
        srv.stop()
