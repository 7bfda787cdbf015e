"""Benchmark: engine throughput and latency, HTTP latency and batch throughput, start-up
time and memory, at the shipped lists and with 10k/50k/100k brands, side by side with two
baselines (flashtext exact matching, brute-force rapidfuzz) on the same listings.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m bench.run                 # everything, 3 runs each, medians
    .venv/bin/python -m bench.run --quick         # smaller sizes, one run (smoke)

Prints a table and writes bench/results/latest.json. Measure on an idle machine; the
machine is printed with the results.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.workloads import compose_listings, compose_titles, data_dir_with_brands


def _listing(d: dict):
    from app.engine import Listing

    return Listing(id=d.get("id"), title=d.get("title", ""), bullets=tuple(d.get("bullets", ())),
                   description=d.get("description", ""))


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def engine_run(engine, listings: list) -> dict:
    lat = []
    t0 = time.perf_counter()
    for lst in listings:
        a = time.perf_counter()
        engine.screen(lst)
        lat.append(time.perf_counter() - a)
    total = time.perf_counter() - t0
    return {"per_s": len(listings) / total, "p50_ms": _pct(lat, 0.5) * 1000, "p99_ms": _pct(lat, 0.99) * 1000}


def cold(engine, listings: list) -> dict:
    engine.clear_cache()
    return engine_run(engine, listings)


def no_cache(engine, listings: list) -> dict:
    """The same run with the sentence cache switched off (every sentence matched afresh)."""
    engine.clear_cache()
    size, engine._cache_size = engine._cache_size, 0
    try:
        return engine_run(engine, listings)
    finally:
        engine._cache_size = size


def median_of(runs: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}


def startup_and_memory(data_dir: Path, cache_dir: Path | None = None) -> dict:
    """Start the engine in a fresh process: seconds to ready and peak resident memory. With
    `cache_dir` it comes from the snapshot there (written beforehand by `write_snapshot`)."""
    code = (
        "import time,sys;from pathlib import Path;t=time.perf_counter();"
        "from app.lists import build_engine;"
        "e=build_engine(sys.argv[1], Path(sys.argv[2]) if sys.argv[2] else None);"
        "e.screen(__import__('app.engine',fromlist=['Listing']).Listing(title='warm up N1ke'));"
        # peak resident memory of this process image (VmHWM): ru_maxrss would also count the
        # benchmark process this one was forked from before it became Python
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(time.perf_counter()-t, int(hwm)/1024, e.source)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(data_dir), str(cache_dir or "")], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    secs, rss, source = out.stdout.split()
    if cache_dir is not None and source != "snapshot":
        raise RuntimeError(f"expected the engine from its snapshot in {cache_dir}, got one {source}")
    return {"startup_s": float(secs), "rss_mb": float(rss)}


def write_snapshot(engine, cache_dir: Path) -> None:
    from app.engine import snapshot

    if snapshot.save(cache_dir, engine) is None:
        raise RuntimeError(f"could not write a snapshot to {cache_dir}")


def flashtext_baseline(names: list[str], listings: list[dict]) -> dict:
    from flashtext import KeywordProcessor

    kp = KeywordProcessor(case_sensitive=False)
    for n in names:
        kp.add_keyword(n)
    texts = [" ".join([d["title"], *d.get("bullets", ()), d.get("description", "")]) for d in listings]
    t0 = time.perf_counter()
    for t in texts:
        kp.extract_keywords(t, span_info=True)
    return {"per_s": len(texts) / (time.perf_counter() - t0)}


def rapidfuzz_baseline(names: list[str], listings: list[dict]) -> dict:
    """Brute force: every 1-3 word n-gram of the listing against every name."""
    from rapidfuzz import fuzz, process

    lowered = [n.lower() for n in names]
    t0 = time.perf_counter()
    for d in listings:
        words = " ".join([d["title"], *d.get("bullets", ()), d.get("description", "")]).lower().split()
        grams = {" ".join(words[i:i + k]) for k in (1, 2, 3) for i in range(len(words) - k + 1)}
        for g in grams:
            process.extractOne(g, lowered, scorer=fuzz.ratio, score_cutoff=85)
    return {"per_s": len(listings) / (time.perf_counter() - t0)}


def http_run(data_dir: Path, workers: int, listings: list[dict], titles: list[dict]) -> dict:
    import httpx

    from tests.conftest import free_port

    port = free_port()
    db = tempfile.mkdtemp(prefix="prescreen-bench-")
    # no snapshot: "ready" is a first start that builds (a restart loads, see startup_snapshot)
    env = dict(os.environ, PRESCREEN_DATA_DIR=str(data_dir), PRESCREEN_DATABASE_URL=f"sqlite:///{db}/lists.db",
               PRESCREEN_ENGINE_CACHE_DIR="")
    t0 = time.perf_counter()
    env["PRESCREEN_LOG_LEVEL"] = "warning"
    log = Path(db) / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=120) as c:
            while True:
                try:
                    if c.get("/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError(f"server on port {port} not ready (exit code {proc.poll()}):\n"
                                       + log.read_text(errors="replace")[-2000:])
                time.sleep(0.05)
            ready = time.perf_counter() - t0
            # what a round trip costs the client alone: httpx's own Python work is most of it
            healthz_httpx = _pct(_round_trips(lambda _: c.get("/healthz").status_code, range(300)), 0.5) * 1000
        # single listings are timed with the standard library's keep-alive client, which
        # adds the least of its own (see healthz_*); bodies are encoded before the clock
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        healthz_stdlib = _pct(_round_trips(lambda _: _request(conn, "/healthz"), range(300)), 0.5) * 1000
        post = lambda body: _request(conn, "/v1/screen", body)
        lat = _round_trips(post, [json.dumps(d).encode() for d in titles[:400]])
        single_full = _round_trips(post, [json.dumps(d).encode() for d in listings[:200]])
        conn.close()
        # bodies are encoded before the clock starts, so the load generator spends its share
        # of the two cores on sending, not on JSON
        bodies = [(len(listings[i:i + 250]), json.dumps({"listings": listings[i:i + 250]}).encode())
                  for i in range(0, len(listings), 250)]
        done = []

        def client(part):
            with httpx.Client(base_url=url, timeout=300, headers={"content-type": "application/json"}) as c2:
                for n, body in part:
                    r = c2.post("/v1/screen/batch", content=body)
                    assert r.status_code == 200
                    done.append(n)

        threads = [threading.Thread(target=client, args=(bodies[k::workers * 2],)) for k in range(workers * 2)]
        t1 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        batch_secs = time.perf_counter() - t1
        rss = _tree_rss_mb(proc.pid)
        return {"ready_s": ready, "single_title_p50_ms": _pct(lat, 0.5) * 1000, "single_title_p99_ms": _pct(lat, 0.99) * 1000,
                "single_full_p50_ms": _pct(single_full, 0.5) * 1000, "healthz_p50_ms_httpx": healthz_httpx, "healthz_p50_ms_http_client": healthz_stdlib,
                "batch_per_s": sum(done) / batch_secs, "rss_mb_per_worker": rss}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _round_trips(call, items) -> list[float]:
    """Seconds of `call(item)` for each item; each must answer HTTP 200."""
    out = []
    for item in items:
        a = time.perf_counter()
        status = call(item)
        out.append(time.perf_counter() - a)
        if status != 200:
            raise RuntimeError(f"the server answered {status}")
    return out


def _request(conn: http.client.HTTPConnection, path: str, body: bytes | None = None) -> int:
    """GET `path`, or POST `body` (JSON) to it, on a keep-alive connection: the status."""
    if body is None:
        conn.request("GET", path)
    else:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status


def _tree_rss_mb(pid: int) -> float:
    """Largest resident set among the server's processes (one worker's memory)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    best = 0.0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    best = max(best, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return best


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"python": platform.python_version(), "cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="repeat each measurement; medians are reported")
    ap.add_argument("--listings", type=int, default=2000, help="listings of workload (a) per run")
    ap.add_argument("--sizes", default="0,10000,50000,100000", help="extra synthetic brands per size step")
    ap.add_argument("--quick", action="store_true", help="one run, small sizes")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.listings, args.sizes = 1, 500, "0,10000"
    sizes = [int(s) for s in args.sizes.split(",")]

    from app.engine.memory import settle
    from app.lists import build_engine

    tmp = Path(tempfile.mkdtemp(prefix="prescreen-bench-"))
    results: dict = {"machine": machine(), "runs": args.runs, "sizes": {}}
    base_names = None
    for extra in sizes:
        data_dir = data_dir_with_brands(extra, tmp / f"data-{extra}")
        engine = build_engine(data_dir)
        settle()  # as the service and the job workers do once an engine is loaded (app/engine/memory.py)
        names = sorted({n for b in engine.lists.brands for n in b.all_names()})
        if base_names is None:
            base_names = [b.name for b in engine.lists.brands]
        full_raw = compose_listings(args.listings, brand_names=base_names)
        titles_raw = compose_titles(args.listings * 2)
        full = [_listing(d) for d in full_raw]
        titles = [_listing(d) for d in titles_raw]
        row = {
            "brands": len(engine.lists.brands),
            "marks": engine.index.mark_count,
            # each run starts with empty caches: only repeats within one run are reused
            "full": median_of([cold(engine, full) for _ in range(args.runs)]),
            "full_no_cache": median_of([no_cache(engine, full) for _ in range(args.runs)]),
            "titles": median_of([cold(engine, titles) for _ in range(args.runs)]),
            "startup": median_of([startup_and_memory(data_dir) for _ in range(args.runs)]),
            "flashtext": median_of([flashtext_baseline(names, full_raw) for _ in range(args.runs)]),
            # brute force costs seconds per listing at large sizes: fewer listings, one run
            "rapidfuzz": rapidfuzz_baseline(names, full_raw[: 20 if extra == 0 else 5 if extra <= 10_000 else 2]),
        }
        write_snapshot(engine, tmp / f"engines-{extra}")
        row["startup_snapshot"] = median_of([startup_and_memory(data_dir, tmp / f"engines-{extra}") for _ in range(args.runs)])
        row["ratio_vs_rapidfuzz"] = round(row["full"]["per_s"] / row["rapidfuzz"]["per_s"], 1)
        row["ratio_vs_flashtext"] = round(row["full"]["per_s"] / row["flashtext"]["per_s"], 2)
        if not args.no_http and extra == 0:
            for workers in (1, 2):
                row[f"http_{workers}w"] = median_of([http_run(data_dir, workers, full_raw, titles_raw) for _ in range(args.runs)])
        results["sizes"][str(extra)] = row
        print_row(extra, row)
        del engine
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print_table(results)
    print(f"\nwritten to {args.out}")
    return 0


def print_row(extra: int, row: dict) -> None:
    f = row["full"]
    print(f"[{row['brands']} brands] full {f['per_s']:.0f}/s p50 {f['p50_ms']:.2f} ms p99 {f['p99_ms']:.2f} ms "
          f"(no cache {row['full_no_cache']['per_s']:.0f}/s); "
          f"titles {row['titles']['per_s']:.0f}/s; start {row['startup']['startup_s']:.2f} s, {row['startup']['rss_mb']:.0f} MB "
          f"(from snapshot {row['startup_snapshot']['startup_s']:.2f} s, {row['startup_snapshot']['rss_mb']:.0f} MB); "
          f"x{row['ratio_vs_rapidfuzz']} rapidfuzz, x{row['ratio_vs_flashtext']} flashtext", flush=True)


def print_table(results: dict) -> None:
    m = results["machine"]
    print(f"\nMachine: {m['cpu']} ({m['cores']} cores), Python {m['python']}; medians of {results['runs']} runs")
    print("| brands | full listings/s | p50 ms | p99 ms | no cache/s | titles/s | build s | RSS MB | from snapshot s | RSS MB | flashtext/s | rapidfuzz/s | vs rapidfuzz |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in results["sizes"].values():
        f, s, snap = row["full"], row["startup"], row.get("startup_snapshot", {"startup_s": float("nan"), "rss_mb": float("nan")})
        print(f"| {row['brands']:,} | {f['per_s']:.0f} | {f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {row['full_no_cache']['per_s']:.0f} | {row['titles']['per_s']:.0f} | "
              f"{s['startup_s']:.2f} | {s['rss_mb']:.0f} | {snap['startup_s']:.2f} | {snap['rss_mb']:.0f} | {row['flashtext']['per_s']:.0f} | "
              f"{row['rapidfuzz']['per_s']:.2f} | x{row['ratio_vs_rapidfuzz']} |")
    for row in results["sizes"].values():
        for w in (1, 2):
            h = row.get(f"http_{w}w")
            if h:
                print(f"HTTP {w} worker(s), {row['brands']:,} brands: ready {h['ready_s']:.2f} s, single title p50 "
                      f"{h['single_title_p50_ms']:.2f} ms p99 {h['single_title_p99_ms']:.2f} ms, single full listing p50 "
                      f"{h['single_full_p50_ms']:.2f} ms, batch {h['batch_per_s']:.0f} listings/s, RSS {h['rss_mb_per_worker']:.0f} MB; "
                      f"/healthz p50 {h['healthz_p50_ms_http_client']:.2f} ms with http.client, "
                      f"{h['healthz_p50_ms_httpx']:.2f} ms with httpx")


if __name__ == "__main__":
    sys.exit(main())
