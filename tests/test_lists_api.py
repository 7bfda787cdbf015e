"""List management over real HTTP against a real uvicorn and a real SQLite file: keys,
create/update/delete reaching /v1/screen without a restart, all-or-nothing imports,
allowlist, audit, restarts, and screening while the lists change."""
from __future__ import annotations

import threading
import time
from collections import defaultdict

import httpx
import pytest

from tests.conftest import Server

KEY = "s3cret-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


def start(db_url: str) -> Server:
    srv = Server({"PRESCREEN_DATABASE_URL": db_url, "PRESCREEN_API_KEYS": f"tester:{KEY}",
                  "PRESCREEN_RELOAD_INTERVAL": "0.3"})
    srv.wait_ready()
    return srv


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('store')}/lists.db"


@pytest.fixture(scope="module")
def api(db_url):
    srv = start(db_url)
    try:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            yield c
    finally:
        srv.stop()


def brand_ids(c: httpx.Client, title: str, **extra) -> set[str]:
    r = c.post("/v1/screen", json={"title": title, **extra})
    assert r.status_code == 200, r.text
    return {h["brand"]["id"] for h in r.json()["hits"] if h["brand"]}


ZORB = {"id": "zorblatt", "name": "Zorblatt", "aliases": ["Zorbo"], "categories": ["toys"], "tier": "standard",
        "owner": "Zorblatt Toys Ltd", "nice_classes": [28]}


def test_writes_need_a_valid_key_reads_are_open(api):
    r = api.post("/v1/brands", json=ZORB)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["field"] == "Authorization"
    assert api.post("/v1/brands", json=ZORB, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert api.post("/v1/brands", json=ZORB, headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.delete("/v1/brands/nike").status_code == 401
    assert api.get("/v1/brands/nike").status_code == 200  # reads are open by default
    assert api.get("/v1/brands/zorblatt").status_code == 404


def test_bad_records_are_refused_naming_the_field(api):
    r = api.post("/v1/brands", json={**ZORB, "categories": ["not-a-category"]}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["field"] == "body.categories"
    r = api.post("/v1/brands", json={**ZORB, "aliases": 7}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["field"] == "body.aliases"
    r = api.post("/v1/brands", json={**ZORB, "colour": "red"}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["field"] == "body.colour"
    r = api.post("/v1/brands", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "body"
    r = api.post("/v1/terms", json={"id": "t-x", "category": "medical_claim", "lang": "en", "forms": ["cures gout"],
                                    "severity": "urgent", "reason": "x"}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["field"] == "body.severity"


def test_a_brand_added_changed_and_removed_takes_effect_without_restart(api):
    version0 = api.get("/v1/lists").json()["list_version"]
    assert "zorblatt" not in brand_ids(api, "Zorblatt robot kit for kids")

    r = api.post("/v1/brands", json=ZORB, headers=AUTH, params={"wait": "true"})
    assert r.status_code == 201, r.text
    assert r.json()["live"] is True and r.json()["aliases"] == ["Zorbo"]
    assert api.post("/v1/brands", json=ZORB, headers=AUTH).status_code == 409
    assert "zorblatt" in brand_ids(api, "Zorblatt robot kit for kids")
    assert "zorblatt" in brand_ids(api, "Zorbo robot kit for kids")
    assert api.get("/v1/lists").json()["list_version"] != version0

    changed = {**ZORB, "aliases": ["Zorbotron"]}
    r = api.put("/v1/brands/zorblatt", json=changed, headers=AUTH, params={"wait": "true"})
    assert r.status_code == 200 and r.json()["aliases"] == ["Zorbotron"]
    assert "zorblatt" in brand_ids(api, "Zorbotron robot kit")
    assert "zorblatt" not in brand_ids(api, "Zorbo robot kit for kids")
    assert api.put("/v1/brands/nope-nope", json=changed, headers=AUTH).status_code in (404, 422)

    assert api.delete("/v1/brands/zorblatt", headers=AUTH, params={"wait": "true"}).status_code == 204
    assert "zorblatt" not in brand_ids(api, "Zorblatt robot kit for kids")
    assert api.get("/v1/brands/zorblatt").status_code == 404
    assert api.delete("/v1/brands/zorblatt", headers=AUTH).status_code == 404

    log = api.get("/v1/audit", params={"entity": "brands", "entity_id": "zorblatt"}).json()["items"]
    assert [e["action"] for e in log] == ["delete", "update", "create"]
    assert all(e["actor"] == "tester" for e in log)
    assert log[1]["before"]["aliases"] == "Zorbo" and log[1]["after"]["aliases"] == "Zorbotron"
    assert log[0]["after"] is None and log[2]["before"] is None


def test_search_and_pagination(api):
    r = api.get("/v1/brands", params={"q": "adidas", "limit": 5}).json()
    assert r["total"] >= 1 and any(b["id"] == "adidas" for b in r["items"])
    page1 = api.get("/v1/brands", params={"limit": 3, "offset": 0}).json()
    page2 = api.get("/v1/brands", params={"limit": 3, "offset": 3}).json()
    assert page1["total"] == page2["total"] > 4000
    assert not {b["id"] for b in page1["items"]} & {b["id"] for b in page2["items"]}
    assert api.get("/v1/brands", params={"limit": 0}).status_code == 422
    # numbers too big for the database are refused, not passed on (found by schemathesis)
    assert api.get("/v1/brands", params={"offset": 10**21}).status_code == 422
    assert api.get("/v1/audit", params={"offset": 10**21}).status_code == 422
    assert api.get("/v1/jobs", params={"offset": 10**21}).status_code == 422
    assert api.delete(f"/v1/allowlist/{10**21}", headers=AUTH).status_code == 422


def test_csv_import_is_all_or_nothing_and_round_trips(api):
    header = "id,name,aliases,zh_names,submarks,ordinary,categories,tier,owner,nice_classes\n"
    good = header + "qix-one,Qixelon,,,Qix Pro,,toys,standard,Qix Co,28\nqix-two,Vorpaldo,,,,,apparel,standard,,25\n"
    bad = good + "qix-three,Blenbury,,,,,no-such-category,standard,,25\n"
    before = api.get("/v1/lists").json()

    r = api.post("/v1/brands/import", content=bad.encode(), headers={**AUTH, "Content-Type": "text/csv"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "line 4" and "no-such-category" in r.json()["error"]["message"]
    assert api.get("/v1/brands/qix-one").status_code == 404          # nothing was written
    assert api.get("/v1/lists").json()["list_revision"] == before["list_revision"]

    r = api.post("/v1/brands/import", content=good.encode(), headers={**AUTH, "Content-Type": "text/csv"},
                 params={"wait": "true"})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2 and r.json()["updated"] == 0
    assert "qix-one" in brand_ids(api, "Qixelon building blocks")
    assert "qix-one" in brand_ids(api, "Qix Pro building blocks")

    again = good.replace("Vorpaldo,,", "Vorpaldo,Vorpal Wear,")
    r = api.post("/v1/brands/import", content=again.encode(), headers={**AUTH, "Content-Type": "text/csv"})
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 1, 1)

    exported = api.get("/v1/brands/export").text
    assert exported.startswith(header) and "qix-two,Vorpaldo,Vorpal Wear," in exported
    as_json = api.get("/v1/brands/export", params={"format": "json"}).json()
    assert as_json["total"] == exported.count("\n") - 1

    r = api.post("/v1/brands/import", json=[{"id": "qix-three", "name": "Blenbury", "categories": ["home"],
                                             "tier": "standard"}], headers=AUTH)
    assert r.status_code == 200 and r.json()["created"] == 1
    r = api.post("/v1/brands/import", json=[{"id": "qix-four", "name": "X", "categories": "home", "tier": "odd"}],
                 headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["field"] == "body.items.0"
    r = api.post("/v1/brands/import", content=b"\xff\xfe bad", headers={**AUTH, "Content-Type": "text/csv"})
    assert r.status_code == 422
    r = api.post("/v1/brands/import", content=b"<x/>", headers={**AUTH, "Content-Type": "application/xml"})
    assert r.status_code == 415


def test_allowlist_quiets_hits_inside_the_phrase_only(api):
    assert "gucci" in brand_ids(api, "Gucci Mane concert poster 24x36")
    r = api.post("/v1/allowlist", json={"phrase": "Gucci Mane", "note": "the rapper's name"}, headers=AUTH,
                 params={"wait": "true"})
    assert r.status_code == 201, r.text
    item = r.json()
    assert api.post("/v1/allowlist", json={"phrase": "Gucci Mane"}, headers=AUTH).status_code == 409

    res = api.post("/v1/screen", json={"title": "Gucci Mane concert poster 24x36", "explain": True}).json()
    assert not [h for h in res["hits"] if h["kind"] == "brand"]
    assert res["suppressed"][0]["brand"]["id"] == "gucci"
    assert res["suppressed"][0]["suppressed_by"] == {"kind": "allowlist", "phrase": "Gucci Mane"}
    assert "suppressed" not in api.post("/v1/screen", json={"title": "Gucci Mane poster"}).json()
    assert "gucci" in brand_ids(api, "Gucci belt for men")  # the name on its own still fires

    assert api.delete(f"/v1/allowlist/{item['id']}", headers=AUTH, params={"wait": "true"}).status_code == 204
    assert "gucci" in brand_ids(api, "Gucci Mane concert poster 24x36")


def test_own_brand_is_shown_as_suppressed_when_asked(api):
    res = api.post("/v1/screen", json={"title": "Nike Air running shoes", "brand": "Nike", "explain": True}).json()
    assert res["hits"] == [] or all(h["kind"] != "brand" for h in res["hits"])
    assert res["suppressed"][0]["suppressed_by"] == {"kind": "own_brand", "brand": "Nike"}


def test_screening_never_fails_or_mixes_lists_while_they_change(api):
    """Several threads screen without pause while a brand is added and removed many times:
    every request succeeds, and all answers under one list_version agree (no half-built
    index is ever used)."""
    title = "Flurbington wooden train set"
    seen: dict[str, set[bool]] = defaultdict(set)
    failures: list[str] = []
    stop = threading.Event()

    def screen() -> None:
        with httpx.Client(base_url=str(api.base_url), timeout=60) as c:
            while not stop.is_set():
                r = c.post("/v1/screen", json={"title": title})
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {r.text[:200]}")
                    continue
                body = r.json()
                seen[body["list_version"]].add(any(h["brand"] and h["brand"]["id"] == "flurb" for h in body["hits"]))

    threads = [threading.Thread(target=screen) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        brand = {"id": "flurb", "name": "Flurbington", "categories": ["toys"], "tier": "standard"}
        for i in range(6):
            assert api.post("/v1/brands", json=brand, headers=AUTH).status_code == 201
            time.sleep(0.4)
            assert api.delete("/v1/brands/flurb", headers=AUTH, params={"wait": i % 2 == 0}).status_code == 204
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[:3]
    assert sum(1 for _ in seen) >= 2, "the lists never changed under the readers"
    assert all(len(v) == 1 for v in seen.values()), {k: v for k, v in seen.items() if len(v) > 1}
    assert {True, False} <= set().union(*seen.values())


def test_changes_survive_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path}/restart.db"
    srv = start(url)
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            assert c.post("/v1/brands", json=ZORB, headers=AUTH).status_code == 201
            assert c.post("/v1/allowlist", json={"phrase": "Zorblatt Park"}, headers=AUTH).status_code == 201
    finally:
        srv.stop()
    srv = start(url)
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            assert "zorblatt" in brand_ids(c, "Zorblatt robot kit")
            assert "zorblatt" not in brand_ids(c, "Zorblatt Park souvenir mug")
            assert c.get("/v1/brands/zorblatt").json()["owner"] == "Zorblatt Toys Ltd"
            # seeded once: the shipped brands are there, not twice, and the seed is in the log
            assert c.get("/v1/brands", params={"q": "adidas"}).json()["total"] >= 1
            assert any(e["actor"] == "seed" for e in c.get("/v1/audit", params={"limit": 1000}).json()["items"])
    finally:
        srv.stop()


def test_importing_100k_brands_completes_while_the_service_keeps_answering(tmp_path):
    """The rebuild after a 100,000-brand import runs beside the engine in use: screening
    goes on answering (from the old lists) until the new engine is swapped in."""
    from bench.workloads import synthetic_brands_csv

    srv = start(f"sqlite:///{tmp_path}/big.db")
    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=srv.url, timeout=120) as c:
            while not stop.is_set():
                r = c.post("/v1/screen", json={"title": "Nike running shoes"})
                answers.append((r.status_code, r.json().get("list_version", "") if r.status_code == 200 else r.text))
                time.sleep(0.05)

    try:
        with httpx.Client(base_url=srv.url, timeout=600) as c:
            before = c.get("/v1/lists").json()
            t = threading.Thread(target=probe)
            t.start()
            try:
                r = c.post("/v1/brands/import", content=synthetic_brands_csv(100_000).encode(),
                           headers={**AUTH, "Content-Type": "text/csv"}, params={"wait": "true"})
            finally:
                stop.set()
                t.join()
            assert r.status_code == 200, r.text
            assert r.json()["created"] == 100_000 and r.json()["live"] is True
            after = c.get("/v1/lists").json()
            assert after["brands"] == before["brands"] + 100_000
    finally:
        srv.stop()
    assert answers and all(code == 200 for code, _ in answers), [a for a in answers if a[0] != 200][:3]
    assert {v for _, v in answers} >= {before["list_version"]}


def test_two_instances_on_one_database_both_pick_up_a_change(tmp_path):
    """Instances (or worker processes) sharing the store each watch its revision."""
    url = f"sqlite:///{tmp_path}/shared.db"
    a, b = start(url), start(url)
    try:
        with httpx.Client(base_url=a.url, timeout=60) as ca, httpx.Client(base_url=b.url, timeout=60) as cb:
            brand = {"id": "plimsoq", "name": "Plimsoq", "categories": ["footwear"], "tier": "standard"}
            assert ca.post("/v1/brands", json=brand, headers=AUTH).status_code == 201
            deadline = time.monotonic() + 30
            while "plimsoq" not in brand_ids(cb, "Plimsoq canvas shoes") and time.monotonic() < deadline:
                time.sleep(0.2)
            assert "plimsoq" in brand_ids(cb, "Plimsoq canvas shoes")
            # the writer rebuilds too (poked by its own write); each instance on its own clock
            while "plimsoq" not in brand_ids(ca, "Plimsoq canvas shoes") and time.monotonic() < deadline:
                time.sleep(0.2)
            assert ca.get("/v1/lists").json()["list_version"] == cb.get("/v1/lists").json()["list_version"]
    finally:
        a.stop()
        b.stop()
