"""Catalogue job throughput through a real server (real upload, two job workers), and the
latency of /v1/screen before and while the job runs.

    .venv/bin/python -m bench.jobs titles 100000     # one title per row
    .venv/bin/python -m bench.jobs full 20000        # 2-4 KB listings (title, 5 bullets, description)
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.workloads import compose_listings, compose_titles
from tests.conftest import Server

PROBE = {"title": "Case for iPhone 15, N1ke style strap", "bullets": ["free shipping"]}


def catalogue(kind: str, n: int) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    if kind == "titles":
        w.writerow(["sku", "title"])
        for i, t in enumerate(compose_titles(n, seed=5)):
            w.writerow([f"S{i}", t["title"]])
    else:
        w.writerow(["sku", "title", *(f"bullet_point{k}" for k in range(1, 6)), "description"])
        for x in compose_listings(n, brand_names=["Nike", "Adidas", "Gucci", "Apple"]):
            w.writerow([x["id"], x["title"], *x["bullets"], x["description"]])
    return buf.getvalue().encode()


def probe(c: httpx.Client, k: int) -> list[float]:
    out = []
    for _ in range(k):
        t = time.perf_counter()
        r = c.post("/v1/screen", json=PROBE)
        out.append(time.perf_counter() - t)
        r.raise_for_status()
        time.sleep(0.05)
    return out


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["titles", "full"])
    ap.add_argument("rows", type=int)
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    data = catalogue(args.kind, args.rows)
    tmp = tempfile.mkdtemp(prefix="prescreen-jobbench-")
    srv = Server({"PRESCREEN_DATABASE_URL": f"sqlite:///{tmp}/lists.db", "PRESCREEN_JOBS_DIR": f"{tmp}/jobs",
                  "PRESCREEN_JOB_WORKERS": args.workers})
    srv.wait_ready()
    try:
        with httpx.Client(base_url=srv.url, timeout=300) as c:
            idle = probe(c, 100)
            t0 = time.monotonic()
            job_id = c.post("/v1/jobs", files={"file": ("catalogue.csv", data)}).json()["id"]
            busy: list[float] = []
            while True:
                job = c.get(f"/v1/jobs/{job_id}").json()
                if job["status"] in ("done", "failed", "cancelled"):
                    break
                busy += probe(c, 5)
            wall = time.monotonic() - t0
    finally:
        srv.stop()
    print(f"{args.kind} x{args.rows}: {job['status']}, {job['rows_done']} rows in {wall:.1f} s = "
          f"{args.rows / wall:,.0f} listings/s ({len(data) / 1e6:.1f} MB upload, {args.workers} job workers)")
    print(f"/v1/screen idle p50 {pct(idle, .5):.2f} ms p99 {pct(idle, .99):.2f} ms; while the job ran "
          f"p50 {pct(busy, .5):.2f} ms p99 {pct(busy, .99):.2f} ms ({len(busy)} requests)")
    return 0 if job["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
