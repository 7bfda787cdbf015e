"""Engine start-up: an engine loaded from its snapshot screens exactly as the one that was
built, a snapshot is used only for its own lists and code, a damaged one is rebuilt, a
restarted service starts from the snapshot its first start wrote, and a service whose store
cannot be opened yet keeps trying."""
from __future__ import annotations

import json
import os
import time

import httpx

from app.engine import Listing, snapshot
from app.lists import build_engine
from tests.conftest import SHARED, Server


def _sample() -> list[Listing]:
    out = [Listing(title="N1ke Air Max shoes compatible with iPhone 15", bullets=("耐克同款 阿迪达斯", "100% genuine")),
           Listing(title="Apple slicer, nice bike, 三星级酒店", description="Kills 99.9% of germs. WhatsApp +852 1234 5678")]
    dev = SHARED / "eval" / "dev.jsonl"
    if dev.exists():
        for line in dev.read_text(encoding="utf-8").splitlines()[:400]:
            r = json.loads(line)
            out.append(Listing(title=r.get("title", ""), bullets=tuple(r.get("bullets") or ()),
                               description=r.get("description") or "", search_terms=r.get("search_terms") or "",
                               category=r.get("category"), brand=r.get("brand")))
    return out


def _hits(engine, listings):
    return [[h.to_dict() for h in engine.screen(lst, explain=True).hits] for lst in listings]


def test_a_loaded_engine_screens_as_the_built_one(engine, tmp_path):
    path = snapshot.save(tmp_path, engine)
    assert path is not None and path.name.startswith(f"engine-{engine.version}-")
    loaded = snapshot.load(tmp_path, engine.version)
    assert loaded is not None and loaded.source == "snapshot" and loaded.version == engine.version
    listings = _sample()
    assert _hits(loaded, listings) == _hits(engine, listings)
    # and again from its (now warm) caches
    assert _hits(loaded, listings) == _hits(engine, listings)


def test_a_snapshot_serves_only_its_own_lists_and_code(engine, tmp_path):
    snapshot.save(tmp_path, engine)
    assert snapshot.load(tmp_path, "v1-000000000000") is None
    # the file name carries the code's fingerprint: another build of the code looks elsewhere
    assert snapshot.code_fingerprint() in snapshot.snapshot_path(tmp_path, engine.version).name


def test_a_damaged_snapshot_is_rebuilt_and_rewritten(tmp_path):
    first = build_engine(None, tmp_path)
    path = snapshot.snapshot_path(tmp_path, first.version)
    assert first.source == "built" and path.is_file()
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as by a full disk
    again = build_engine(None, tmp_path)
    assert again.source == "built"
    third = build_engine(None, tmp_path)
    assert third.source == "snapshot"


def test_old_snapshots_are_pruned(engine, tmp_path):
    for k in range(snapshot.KEEP + 3):
        stale = tmp_path / f"engine-v1-{k:012d}-{snapshot.code_fingerprint()}.pickle"
        stale.write_bytes(b"old")
        old = time.time() - 1000 + k
        os.utime(stale, (old, old))
    snapshot.save(tmp_path, engine)
    left = sorted(tmp_path.glob("engine-*.pickle"))
    assert len(left) == snapshot.KEEP
    assert snapshot.snapshot_path(tmp_path, engine.version) in left


def test_a_restarted_service_starts_from_its_snapshot(tmp_path):
    env = {"PRESCREEN_DATABASE_URL": f"sqlite:///{tmp_path}/lists.db", "PRESCREEN_ENGINE_CACHE_DIR": str(tmp_path / "engines")}
    body = {"title": "N1ke running shoes 耐克同款", "bullets": ["compatible with iPhone 15"]}
    answers = []
    for expected in ("built", "snapshot"):
        srv = Server(env)
        try:
            srv.wait_ready()
            ready = httpx.get(srv.url + "/readyz").json()
            assert ready["engine"]["source"] == expected, ready
            r = httpx.post(srv.url + "/v1/screen", json=body, timeout=30)
            assert r.status_code == 200
            answers.append([{k: v for k, v in h.items()} for h in r.json()["hits"]])
        finally:
            srv.stop()
    assert answers[0] == answers[1] and answers[0]
    assert list((tmp_path / "engines").glob("engine-*.pickle"))


def test_a_service_whose_store_cannot_open_yet_says_so_and_starts_when_it_can(tmp_path):
    """A database that is not there yet (here: its directory is blocked by a file) is a 503
    naming the error, then the service starts by itself once the database can be opened."""
    blocker = tmp_path / "db"
    blocker.write_text("not a directory")
    srv = Server({"PRESCREEN_DATABASE_URL": f"sqlite:///{blocker}/lists.db"})
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline:
            try:
                r = httpx.get(srv.url + "/readyz", timeout=2)
                body = r.json()
                if r.status_code == 503 and body["status"] == "error":
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        assert body is not None and body["status"] == "error" and body["error"], body
        blocker.unlink()
        srv.wait_ready(timeout=60)
        assert httpx.get(srv.url + "/readyz").json()["status"] == "ready"
        r = httpx.post(srv.url + "/v1/screen", json={"title": "N1ke shoes"}, timeout=30)
        assert r.status_code == 200 and r.json()["hits"]
    finally:
        srv.stop()


def test_list_objects_pickle_to_equal_objects(engine):
    """quick_pickle's tuple state (one-field classes included) gives back equal objects
    that share what they shared (a mark entry and its brand)."""
    import pickle

    from app.engine.models import Exemption, PolicyRule, SubMark, Term

    entries = [e for entries in list(engine.index.latin.values())[:300] for e in entries]
    samples = [*engine.lists.brands[:300], *entries, SubMark(("Pikachu", "皮卡丘")),
               *engine.lists.terms[:50], *engine.lists.exemptions[:20], *engine.lists.policies]
    assert {type(x) for x in samples} >= {Term, Exemption, PolicyRule, SubMark}
    again = pickle.loads(pickle.dumps(samples))
    assert again == samples
    assert [hash(x) for x in again] == [hash(x) for x in samples]
    brand_at = {id(b): i for i, b in enumerate(samples[:300])}
    shared = [(300 + k, brand_at[id(e.brand)]) for k, e in enumerate(entries) if id(e.brand) in brand_at]
    assert shared
    assert all(again[j].brand is again[i] for j, i in shared)
