"""The HTTP contract (SPEC.md v1), exercised over real HTTP against a real uvicorn."""
import json

import httpx


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_screen_reports_disguised_brand_with_exact_offsets(client):
    title = "Cute ＮＩＫＥ style N1ke shoes"
    r = client.post("/v1/screen", json={"id": "SKU-1", "title": title})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "SKU-1"
    assert body["verdict"] == "block"
    assert 0 <= body["risk_score"] <= 100
    assert body["list_version"] == client.get("/v1/lists").json()["list_version"]
    brands = [h for h in body["hits"] if h["kind"] == "brand"]
    assert {h["text"] for h in brands} >= {"ＮＩＫＥ", "N1ke"}
    for h in body["hits"]:
        assert title[h["start"]:h["end"]] == h["text"]
        assert h["field"] == "title" and h["index"] is None
        assert h["severity"] in ("high", "medium", "low") and 0 <= h["score"] <= 1
        assert h["reason"]


def test_offsets_into_bullets_and_html_description(client):
    listing = {
        "title": "Phone stand",
        "bullets": ["Sturdy", "Holds a Samsung Galaxy S24 or any phone"],
        "description": "<p>Made for <b>iPhone 15</b> owners.</p>",
    }
    body = client.post("/v1/screen", json=listing).json()
    hits = body["hits"]
    assert any(h["field"] == "bullets" and h["index"] == 1 for h in hits)
    for h in hits:
        src = listing["bullets"][h["index"]] if h["field"] == "bullets" else listing[h["field"]]
        assert src[h["start"]:h["end"]] == h["text"]


def test_own_brand_never_reported_and_authorized_is_low(client):
    body = client.post("/v1/screen", json={
        "title": "Anker charger for Samsung Galaxy phones", "brand": "Anker",
    }).json()
    assert not any(h["brand"] and h["brand"]["id"] == "anker" for h in body["hits"])
    body = client.post("/v1/screen", json={
        "title": "Official Disney Mickey Mouse T-Shirt", "authorized_brands": ["Disney"],
    }).json()
    disney = [h for h in body["hits"] if h["brand"] and h["brand"]["id"] == "disney"]
    assert disney and all(h["severity"] == "low" and h["usage"] == "authorized" for h in disney)
    assert body["verdict"] == "pass"


def test_clean_listing_passes(client):
    body = client.post("/v1/screen", json={"title": "Bamboo drawer dividers, adjustable, 4 pack"}).json()
    assert body["verdict"] == "pass" and body["hits"] == [] and body["risk_score"] == 0


def test_malformed_json_is_422(client):
    r = client.post("/v1/screen", content=b'{"title": "x",', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_wrong_type_names_the_field(client):
    r = client.post("/v1/screen", json={"title": "ok", "bullets": "not a list"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "bullets"
    r = client.post("/v1/screen", json={"title": 5})
    assert r.status_code == 422 and r.json()["error"]["field"] == "title"


def test_empty_listing_is_422(client):
    r = client.post("/v1/screen", json={"id": "x", "title": "  "})
    assert r.status_code == 422
    assert "at least one of title" in r.json()["error"]["message"]


def test_five_megabyte_title_is_413(client):
    r = client.post("/v1/screen", json={"title": "a" * (5 * 1024 * 1024)})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"
    # the service is still fine afterwards
    assert client.post("/v1/screen", json={"title": "N1ke"}).status_code == 200


def test_field_over_char_limit_is_413_naming_field(client):
    r = client.post("/v1/screen", json={"title": "ok", "description": "b" * 100_001})
    assert r.status_code == 413
    assert r.json()["error"]["field"] == "description"


def test_batch_keeps_order_and_turns_bad_items_into_errors(client):
    listings = [
        {"id": "a", "title": "Nkie running shoes"},
        {"id": "b", "title": 42},
        "not an object",
        {"id": "d", "title": ""},
        {"id": "e", "title": "Plain cotton socks"},
    ]
    r = client.post("/v1/screen/batch", json={"listings": listings})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x.get("id") for x in results] == ["a", "b", None, "d", "e"]
    assert results[0]["verdict"] == "block"
    assert results[1]["error"]["field"] == "listings.1.title"
    assert results[2]["error"]["code"] == "invalid_listing"
    assert "error" in results[3]
    assert results[4]["verdict"] == "pass"


def test_lone_surrogates_are_refused_by_field_never_crash(client):
    # JSON's \ud800 escape decodes to a lone surrogate, which no UTF-8 response can carry
    r = client.post("/v1/screen", content=b'{"title": "Nike \\ud800 shoes"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "title"
    body = (b'{"listings": [{"id": "a", "title": "Ni\\ud800ke shoes"}, {"id": "b", "bullets": ["ok", "x\\udfff"]},'
            b' {"id": "c", "title": "Nike shoes"}]}')
    r = client.post("/v1/screen/batch", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200
    a, b, c = r.json()["results"]
    assert a["id"] == "a" and a["error"]["field"] == "listings.0.title"
    assert b["error"]["field"] == "listings.1.bullets"
    assert c["verdict"] == "block"


def test_batch_over_limit_is_413(client):
    r = client.post("/v1/screen/batch", json={"listings": [{"title": "x"}] * 10_001})
    assert r.status_code == 413
    err = r.json()["error"]
    assert err["field"] == "listings" and "10000" in err["message"]


def test_batch_of_ten_thousand_is_screened(client):
    r = client.post("/v1/screen/batch", json={"listings": [{"id": str(i), "title": f"Item {i} N1ke"} for i in range(10_000)]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == 10_000 and results[-1]["id"] == "9999"


def test_batch_body_must_have_listings(client):
    r = client.post("/v1/screen/batch", json={"items": []})
    assert r.status_code == 422 and r.json()["error"]["field"] == "listings"


def test_batch_ndjson_streams_one_result_per_line(server):
    listings = [{"id": str(i), "title": t} for i, t in enumerate(["Nkie shoes", "cotton socks", "耐克同款 跑鞋"])]
    with httpx.Client(base_url=server.url, timeout=30) as c, c.stream(
            "POST", "/v1/screen/batch", json={"listings": listings}, headers={"accept": "application/x-ndjson"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert [x["id"] for x in lines] == ["0", "1", "2"]
    assert lines[0]["verdict"] == "block" and lines[1]["verdict"] == "pass"


def test_lists_endpoint(client):
    body = client.get("/v1/lists").json()
    assert body["brands"] >= 300 and body["marks"] > body["brands"] and body["terms"] > 100
    assert body["list_version"].startswith("v1-")


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/screen", "/v1/screen/batch", "/v1/lists", "/healthz", "/readyz"):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_a_long_listing_is_screened_as_a_short_one(client):
    """A listing over INLINE_CHARS is screened on a worker thread, a short one on the event
    loop: the answer must be the same, offsets included."""
    from app.api.main import INLINE_CHARS

    tail = "Case for Samsung Galaxy S24, R0lex style strap."
    filler = "Soft cotton, machine washable. " * (INLINE_CHARS // 31 + 5)
    short = client.post("/v1/screen", json={"title": "Strap", "description": tail}).json()
    long = client.post("/v1/screen", json={"title": "Strap", "description": filler + tail}).json()
    assert len(filler + tail) > INLINE_CHARS
    shift = len(filler)
    assert short["hits"], "the tail names brands"
    assert [(h["text"], h["start"] + shift, h["brand"]) for h in short["hits"]] == \
        [(h["text"], h["start"], h["brand"]) for h in long["hits"]]
    assert short["verdict"] == long["verdict"]
