"""List management over HTTP: /v1/brands, /v1/terms, /v1/allowlist, /v1/audit.

Reads may be open (default) or keyed (PRESCREEN_READS_NEED_KEY); writes always need an API
key. Every write is one transaction with its audit row and bumps the list revision; the
engine picks the change up within PRESCREEN_RELOAD_INTERVAL, or before the response
returns when the caller asks `?wait=true`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from app.api.auth import ApiKey, check
from app.api.errors import ApiError, error_response, json_response
from app.lists.loader import BRAND_COLUMNS, TERM_COLUMNS, ListError
from app.store import Conflict, NotFound, Store
from app.store.records import from_json, to_json
from app.store.store import read_csv, write_csv

_COLUMNS = {"brands": BRAND_COLUMNS, "terms": TERM_COLUMNS}
WAIT_SECONDS = 60.0




def _list_error(exc: ListError, kind: str | None = None) -> Response:
    """422 naming the field (body.categories) or the line (line 7) the problem is on."""
    msg = str(exc)
    where, _, rest = msg.partition(": ")
    field = where
    if kind and where == "body":
        # the record checks name the column they are about ("categories is empty",
        # "unknown categories [...]", "tier 'x' must be ...")
        words = rest.replace(",", " ").split()
        named = next((w for w in words if w in _COLUMNS[kind]), None)
        if named:
            field = f"body.{named}"
    return error_response(422, "invalid_list_data", msg, field)


def add_list_routes(app: FastAPI, *, store: Callable[[], Store | None], keys: tuple[ApiKey, ...],
                    reads_need_key: bool, changed: Callable[[int, bool], bool]) -> None:
    """`store()` gives the store (None while it opens); `changed(revision, wait)` tells the
    engine a write happened and, with wait, returns once the engine reflects it."""

    def access(request: Request, *, write: bool) -> tuple[str, Store]:
        """Who is calling (an API key's name, or anonymous for open reads) and the store;
        ApiError for a missing or wrong key, or while the store opens."""
        who = check(keys, request.headers.get("authorization")) if write or reads_need_key else "anonymous"
        s = store()
        if s is None:
            raise ApiError(503, "not_ready", "the list store is still opening")
        return who, s

    async def body_json(request: Request) -> Any:
        raw = await request.body()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ListError(f"body: not valid JSON ({exc})") from None

    async def finish(revision: int, wait: bool, payload: Any, status: int = 200) -> Response:
        live = await run_in_threadpool(changed, revision, wait)
        if isinstance(payload, dict):
            payload = {**payload, "list_revision": revision, "live": live}
        return json_response(payload, status) if payload is not None else Response(status_code=status)

    for kind in ("brands", "terms"):
        _add_kind_routes(app, kind, access, body_json, finish)

    @app.get("/v1/allowlist", tags=["lists"])
    async def allow_list(request: Request) -> Response:
        """Phrases inside which no hit is reported ('Applewood' keeps 'Apple' quiet inside it)."""
        _, s = access(request, write=False)
        items = await run_in_threadpool(s.allow_list)
        return json_response({"items": items, "total": len(items)})

    @app.post("/v1/allowlist", status_code=201, tags=["lists"])
    async def allow_add(request: Request, wait: bool = False) -> Response:
        """Add a phrase: `{"phrase": "Applewood", "note": "wood type, not Apple"}`."""
        who, s = access(request, write=True)
        try:
            body = await body_json(request)
            if not isinstance(body, dict) or not isinstance(body.get("phrase"), str):
                raise ListError("body.phrase: required, a string")
            note = body.get("note") or ""
            if not isinstance(note, str):
                raise ListError("body.note: must be a string")
            item = await run_in_threadpool(s.allow_add, body["phrase"], note, who)
        except ListError as exc:
            return _list_error(exc)
        except Conflict as exc:
            return error_response(409, "conflict", str(exc), "body.phrase")
        return await finish(await run_in_threadpool(s.revision), wait, item, 201)

    @app.delete("/v1/allowlist/{item_id}", tags=["lists"])
    async def allow_delete(request: Request, item_id: int = Path(ge=1, le=2**62), wait: bool = False) -> Response:
        who, s = access(request, write=True)
        try:
            await run_in_threadpool(s.allow_delete, item_id, who)
        except NotFound as exc:
            return error_response(404, "not_found", str(exc), "item_id")
        return await finish(await run_in_threadpool(s.revision), wait, None, 204)

    @app.get("/v1/audit", tags=["lists"])
    async def audit(request: Request, entity: str | None = Query(None, pattern="^(brands|terms|allowlist)$"),
                    entity_id: str | None = None, limit: int = Query(50, ge=1, le=1000),
                    offset: int = Query(0, ge=0, le=1_000_000_000)) -> Response:
        """Every change to the lists, newest first: who, when, what, before and after."""
        _, s = access(request, write=False)
        items, total = await run_in_threadpool(lambda: s.audit_log(entity=entity, entity_id=entity_id,
                                                                   limit=limit, offset=offset))
        return json_response({"items": items, "total": total, "limit": limit, "offset": offset})


def _add_kind_routes(app: FastAPI, kind: str, access, body_json, finish) -> None:
    one = kind[:-1]

    async def list_items(request: Request, q: str | None = Query(None, max_length=200),
                         limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=1_000_000_000)) -> Response:
        _, s = access(request, write=False)
        rows, total = await run_in_threadpool(lambda: s.search(kind, q=q, limit=limit, offset=offset))
        return json_response({"items": [to_json(kind, r) for r in rows], "total": total, "limit": limit, "offset": offset})

    async def export(request: Request, format: str = Query("csv", pattern="^(csv|json)$")) -> Response:
        _, s = access(request, write=False)
        rows = await run_in_threadpool(s.export, kind)
        if format == "json":
            return json_response({"items": [to_json(kind, r) for r in rows], "total": len(rows)})
        return Response(write_csv(kind, rows).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})

    async def get_item(item_id: str, request: Request) -> Response:
        _, s = access(request, write=False)
        try:
            return json_response(to_json(kind, await run_in_threadpool(s.get, kind, item_id)))
        except NotFound as exc:
            return error_response(404, "not_found", str(exc), "item_id")

    async def create(request: Request, wait: bool = False) -> Response:
        who, s = access(request, write=True)
        try:
            rec = from_json(kind, await body_json(request))
            row = await run_in_threadpool(s.create, kind, rec, who)
        except ListError as exc:
            return _list_error(exc, kind)
        except Conflict as exc:
            return error_response(409, "conflict", str(exc), "body.id")
        return await finish(await run_in_threadpool(s.revision), wait, to_json(kind, row), 201)

    async def replace(item_id: str, request: Request, wait: bool = False) -> Response:
        who, s = access(request, write=True)
        try:
            rec = from_json(kind, await body_json(request))
            row = await run_in_threadpool(s.replace, kind, item_id, rec, who)
        except ListError as exc:
            return _list_error(exc, kind)
        except NotFound as exc:
            return error_response(404, "not_found", str(exc), "item_id")
        return await finish(await run_in_threadpool(s.revision), wait, to_json(kind, row))

    async def remove(item_id: str, request: Request, wait: bool = False) -> Response:
        who, s = access(request, write=True)
        try:
            await run_in_threadpool(s.delete, kind, item_id, who)
        except NotFound as exc:
            return error_response(404, "not_found", str(exc), "item_id")
        return await finish(await run_in_threadpool(s.revision), wait, None, 204)

    async def import_items(request: Request, mode: str = Query("upsert", pattern="^(upsert|replace)$"),
                           wait: bool = False) -> Response:
        who, s = access(request, write=True)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw = await request.body()
        try:
            if ctype == "application/json":
                body = orjson.loads(raw) if raw else None
                items = body.get("items") if isinstance(body, dict) else body
                if not isinstance(items, list):
                    raise ListError("body: a JSON list of records, or {\"items\": [...]}")
                rows = [(f"body.items.{i}", from_json(kind, it, f"body.items.{i}")) for i, it in enumerate(items)]
            elif ctype in ("text/csv", "text/plain", "application/csv", ""):
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise ListError(f"body: the CSV must be UTF-8 ({exc})") from None
                rows = list(read_csv(kind, text))
            else:
                return error_response(415, "unsupported_media_type",
                              "send text/csv (a header row of the columns) or application/json", "Content-Type")
            counts = await run_in_threadpool(lambda: s.import_records(kind, rows, who, replace=mode == "replace"))
        except orjson.JSONDecodeError as exc:
            return error_response(422, "invalid_list_data", f"body: not valid JSON ({exc})", "body")
        except ListError as exc:
            return _list_error(exc, kind)
        return await finish(await run_in_threadpool(s.revision), wait, counts)

    tags = ["lists"]
    app.add_api_route(f"/v1/{kind}", list_items, methods=["GET"], tags=tags,
                      summary=f"List {kind}, with search (q) and pagination")
    app.add_api_route(f"/v1/{kind}/export", export, methods=["GET"], tags=tags,
                      summary=f"Export all {kind} as CSV (the import format) or JSON")
    app.add_api_route(f"/v1/{kind}/import", import_items, methods=["POST"], tags=tags,
                      summary=f"Import {kind} from CSV or JSON: all records or none; mode=replace deletes the rest")
    app.add_api_route(f"/v1/{kind}/{{item_id}}", get_item, methods=["GET"], tags=tags, summary=f"One {one}")
    app.add_api_route(f"/v1/{kind}", create, methods=["POST"], tags=tags, status_code=201, summary=f"Add a {one}")
    app.add_api_route(f"/v1/{kind}/{{item_id}}", replace, methods=["PUT"], tags=tags, summary=f"Change a {one}")
    app.add_api_route(f"/v1/{kind}/{{item_id}}", remove, methods=["DELETE"], tags=tags, status_code=204,
                      summary=f"Remove a {one}")
