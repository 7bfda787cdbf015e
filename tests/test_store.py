"""The list store on a real SQLite file: migrations, seeding once, all-or-nothing imports,
revisions and the audit log (no HTTP here; tests/test_lists_api.py covers the API)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.lists import ListError, default_data_dir
from app.lists.loader import lists_from_records
from app.store import Conflict, NotFound, open_store
from app.store.store import read_csv, write_csv

ROOT = Path(__file__).resolve().parents[1]

HEADER = "id,name,aliases,zh_names,submarks,ordinary,categories,tier,owner,nice_classes\n"


@pytest.fixture()
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path}/s.db")


def test_migrations_apply_once_and_record_their_version(tmp_path):
    url = f"sqlite:///{tmp_path}/m.db"
    s = open_store(url)
    assert s.schema_version() == 2
    assert open_store(url).migrate() == []  # nothing left to apply
    assert s.revision() == 0


def test_two_processes_starting_together_seed_once(tmp_path):
    url = f"sqlite:///{tmp_path}/seed.db"
    results: list[bool] = []
    stores = [open_store(url) for _ in range(3)]
    threads = [threading.Thread(target=lambda s=s: results.append(s.seed_from(default_data_dir()))) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, True]
    _, total = stores[0].search("brands", limit=1)
    assert total > 4000
    assert stores[0].revision() == 1


def test_import_is_all_or_nothing_and_counts_changes(store):
    good = HEADER + "aa-one,Aardvarkly,,,,,toys,standard,,28\naa-two,Bexwold,,,,,home,standard,,21\n"
    assert store.import_records("brands", read_csv("brands", good), "t") == {
        "created": 2, "updated": 0, "deleted": 0, "unchanged": 0}
    rev = store.revision()
    bad = HEADER + "aa-three,Cruxley,,,,,toys,standard,,28\naa-three,Again,,,,,toys,standard,,28\n"
    with pytest.raises(ListError, match="line 3: duplicate id 'aa-three'"):
        store.import_records("brands", read_csv("brands", bad), "t")
    with pytest.raises(ListError, match="line 2: 2 fields, the header has 3"):
        store.import_records("brands", read_csv("brands", "id,name,tier\nx,y\n"), "t")
    with pytest.raises(ListError, match="unknown columns"):
        list(read_csv("brands", "id,name,colour\nx,y,z\n"))
    assert store.revision() == rev and store.search("brands")[1] == 2
    changed = HEADER + "aa-one,Aardvarkly,Aardy,,,,toys,standard,,28\n"
    assert store.import_records("brands", read_csv("brands", changed), "t", replace=True) == {
        "created": 0, "updated": 1, "deleted": 1, "unchanged": 0}
    assert [r["id"] for r in store.export("brands")] == ["aa-one"]
    assert write_csv("brands", store.export("brands")) == changed
    entry = store.audit_log(entity="brands", limit=1)[0][0]
    assert entry["action"] == "import" and entry["before"]["deleted"][0]["id"] == "aa-two"


def test_single_changes_bump_the_revision_and_are_audited(store):
    rec = {"id": "bb-one", "name": "Bexley", "categories": "toys", "tier": "standard"}
    store.create("brands", rec, "alice")
    with pytest.raises(Conflict):
        store.create("brands", rec, "alice")
    with pytest.raises(ListError, match="body: tier"):
        store.create("brands", {**rec, "id": "bb-two", "tier": "gold"}, "alice")
    store.replace("brands", "bb-one", {**rec, "aliases": "Bex"}, "bob")
    with pytest.raises(NotFound):
        store.replace("brands", "zz-none", {**rec, "id": "zz-none"}, "bob")
    store.delete("brands", "bb-one", "carol")
    log, total = store.audit_log(entity_id="bb-one")
    assert total == 3 and [(e["actor"], e["action"]) for e in log] == [("carol", "delete"), ("bob", "update"), ("alice", "create")]
    assert store.revision() == 3


def test_snapshot_builds_lists_with_a_content_version(store):
    store.seed_from(default_data_dir())
    snap = store.snapshot()
    a = lists_from_records(snap.brands, snap.terms, snap.allow)
    store.allow_add("Applewood", "a wood", "t")
    snap2 = store.snapshot()
    b = lists_from_records(snap2.brands, snap2.terms, snap2.allow)
    assert snap2.revision == snap.revision + 1 and b.allow == ("Applewood",)
    assert a.version != b.version
    assert len(a.brands) == len(b.brands) > 4000


def test_a_claimed_job_comes_back_as_claimed(tmp_path, store):
    """The runner works from the claimed row: running, its own, the attempt counted."""
    from app.catalogue.jobs import Jobs

    jobs = Jobs(store, tmp_path / "jobs", retention_hours=1)
    upload = tmp_path / "u.csv"
    upload.write_text("sku,title\n1,N1ke socks\n", encoding="utf-8")
    jobs.create(upload, "u.csv", mapping=None, fmt=None, callback_url=None, max_rows=10)
    job = jobs.claim("runner-1")
    assert (job["status"], job["runner"], job["attempts"], job["format"]) == ("running", "runner-1", 1, "csv")
    assert jobs.claim("runner-2") is None  # a live claim is not taken over


def test_processes_opening_a_new_database_together_all_start(tmp_path):
    """uvicorn's workers open (and migrate) the same new SQLite file at the same moment."""
    url = f"sqlite:///{tmp_path}/race.db"
    start = time.time() + 1.5
    code = ("import sys,time;from app.store import open_store;"
            f"time.sleep(max(0,{start}-time.time()));s=open_store(sys.argv[1]);print(s.schema_version())")
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, [err[-500:] for _, err in outs if err]
    assert {out.strip() for out, _ in outs} == {"2"}
