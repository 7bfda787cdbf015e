"""The FastAPI application: builds the engine once, then forwards requests to it."""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError

from app import __version__
from app.api import errors
from app.api.auth import parse_keys
from app.api.errors import error_response, json_response
from app.api.jobs_api import add_job_routes
from app.api.limits import BodySizeLimit
from app.api.lists_api import WAIT_SECONDS, add_list_routes
from app.api.live import EngineHolder, LiveLists
from app.api.schemas import (
    BatchRequest,
    BatchResponse,
    LimitError,
    ListsResponse,
    ScreenRequest,
    ScreenResponse,
)
from app.catalogue.jobs import JobRunner, Jobs
from app.engine import Engine
from app.engine.normalize import unicode_text
from app.settings import Settings, get_settings
from app.store import Store, open_store

log = logging.getLogger("prescreen")


def _field_name(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def _clean(msg: Any) -> str:
    return str(msg).removeprefix("Value error, ")


# A listing of up to this many characters is screened on the event loop: a few
# milliseconds at most, less than handing it to a worker thread and back costs it in
# latency (0.2 ms a request here). Longer ones, and batches, go to the thread pool, so the
# loop goes on accepting and reading requests meanwhile.
INLINE_CHARS = 8_000


def create_app(settings: Settings | None = None, engine: Engine | None = None, store: Store | None = None) -> FastAPI:
    """The service. By default it opens the list store (seeding it from data/ on first
    start) and keeps the engine in step with it; given an `engine`, it serves that engine's
    fixed lists and has no list store."""
    settings = settings or get_settings()
    holder = EngineHolder()
    state: dict[str, Any] = {"store": None, "live": None, "jobs": None, "runner": None}

    stopping = threading.Event()

    def load() -> None:
        """Open the store and build the engine; on failure (a database not reachable yet, a
        full disk) say so on /readyz and try again, 1, 2, 4 ... up to 30 s apart."""
        delay = 1.0
        while not stopping.is_set():
            try:
                load_once()
                return
            except Exception as exc:  # noqa: BLE001 - reported by /readyz and the log, then retried
                holder.error = f"{type(exc).__name__}: {exc}"
                log.error("could not load the lists: %s (trying again in %.0f s)", holder.error, delay)
                if stopping.wait(delay):
                    return
                delay = min(delay * 2, 30.0)

    def load_once() -> None:
        # each step once: a retry after a failure picks up where the failure was
        if state["live"] is None:
            s = store or open_store(settings.database_url)
            s.seed_from(settings.data_dir)
            live = LiveLists(s, settings.data_dir, holder, settings.reload_interval, settings.engine_cache)
            live.refresh()
            state["store"], state["live"] = s, live
            live.start()
        if state["runner"] is None:
            jobs = Jobs(state["store"], settings.jobs_dir, settings.job_retention_hours)
            runner = JobRunner(jobs, source={"database_url": settings.database_url, "data_dir": str(settings.data_dir),
                                             "engine_cache": str(settings.engine_cache or "")},
                               # the cores are shared by every server process, each with its own runner
                               workers=settings.job_workers or max(1, (os.cpu_count() or 1) // settings.workers),
                               current_revision=lambda: holder.revision, callback_secret=settings.callback_secret,
                               stale_seconds=settings.job_stale_seconds)
            state["jobs"], state["runner"] = jobs, runner
            runner.start()
        holder.error = None
        log.info("lists loaded: %s", holder.engine.stats() if holder.engine else None)

    def changed(revision: int, wait: bool) -> bool:
        live = state["live"]
        if live is None:
            return False
        live.poke()
        if wait:
            return holder.wait_for(revision, WAIT_SECONDS)
        return holder.revision is not None and holder.revision >= revision

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if engine is not None:
            holder.set(engine)
        else:
            threading.Thread(target=load, name="load-lists", daemon=True).start()
        yield
        stopping.set()
        if state["live"] is not None:
            state["live"].stop()
        if state["runner"] is not None:
            state["runner"].stop()

    app = FastAPI(
        title="Listing infringement pre-screener",
        version=__version__,
        summary="Screens marketplace listings for third-party brands (also in disguise) and sensitive terms.",
        lifespan=lifespan,
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    errors.install(app)
    app.state.holder = holder
    app.state.settings = settings
    app.add_middleware(
        BodySizeLimit,
        limits={"/v1/screen/batch": settings.max_batch_body_bytes,
                "/v1/brands/import": settings.max_batch_body_bytes,
                "/v1/terms/import": settings.max_batch_body_bytes,
                "/v1/jobs": settings.max_upload_bytes + 65536},
        default=settings.max_body_bytes,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request"}
        field = _field_name(first.get("loc", ("body",)))
        message = f"{field}: {_clean(first.get('msg', 'invalid'))}"
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in errors]
        return json_response({"error": {"code": "invalid_request", "message": message, "field": field},
                              "detail": detail}, 422)

    def current() -> Engine | Response:
        if holder.engine is None:
            msg = holder.error or "the lists are still loading"
            return error_response(503, "not_ready", msg)
        return holder.engine

    def screen_one(eng: Engine, req: ScreenRequest) -> dict:
        req.check_limits(max_chars=settings.max_field_chars, max_bullets=settings.max_bullets)
        return eng.screen(req.to_listing(), explain=req.explain).to_dict(explain=req.explain)

    def screen_item(eng: Engine, n: int, item: Any) -> dict:
        ident = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
        where = f"listings.{n}"
        if not isinstance(item, dict):
            return {"id": None, "error": {"code": "invalid_listing", "message": f"{where}: a listing must be a JSON object", "field": where}}
        if not unicode_text(ident):
            ident = None  # echoed back in the error item, which must be valid UTF-8
        try:
            req = ScreenRequest.model_validate(item)
            return screen_one(eng, req)
        except ValidationError as exc:
            e = exc.errors()[0]
            field = ".".join([where, *(str(p) for p in e.get("loc", ()))])
            return {"id": ident, "error": {"code": "invalid_listing", "message": f"{field}: {_clean(e.get('msg'))}", "field": field}}
        except LimitError as exc:
            return {"id": ident, "error": {"code": "too_large", "message": f"{where}: {exc}", "field": f"{where}.{exc.field}"}}

    @app.post("/v1/screen", response_model=ScreenResponse, tags=["screening"],
              responses={413: {"description": "body larger than PRESCREEN_MAX_BODY_BYTES or a field over its limit"},
                         422: {"description": "invalid body; `error.field` names the field"},
                         503: {"description": "lists still loading"}})
    async def screen(req: ScreenRequest) -> Response:
        """Screen one listing."""
        eng = current()
        if isinstance(eng, Response):
            return eng
        try:
            if req.text_size() <= INLINE_CHARS:
                out = screen_one(eng, req)  # see INLINE_CHARS
            else:
                out = await run_in_threadpool(screen_one, eng, req)
        except LimitError as exc:
            return error_response(413, "too_large", str(exc), exc.field)
        return json_response(out)

    @app.post("/v1/screen/batch", response_model=BatchResponse, tags=["screening"],
              responses={200: {"content": {"application/x-ndjson": {}},
                               "description": "JSON, or one result per line with Accept: application/x-ndjson"},
                         413: {"description": "more listings than PRESCREEN_MAX_BATCH_ITEMS or body too large"},
                         422: {"description": "the body is not {\"listings\": [...]}"}})
    async def screen_batch(batch: BatchRequest, request: Request) -> Response:
        """Screen many listings; results come back in the same order, a bad listing as an error item."""
        eng = current()
        if isinstance(eng, Response):
            return eng
        n = len(batch.listings)
        if n > settings.max_batch_items:
            return error_response(413, "too_many_listings",
                                  f"listings has {n} items; at most {settings.max_batch_items} per batch", "listings")
        if "application/x-ndjson" in request.headers.get("accept", ""):
            def lines() -> Iterator[bytes]:
                for n, item in enumerate(batch.listings):
                    yield orjson.dumps(screen_item(eng, n, item)) + b"\n"
            return StreamingResponse(lines(), media_type="application/x-ndjson")
        results = await run_in_threadpool(lambda: [screen_item(eng, n, it) for n, it in enumerate(batch.listings)])
        return json_response({"results": results})

    @app.get("/v1/lists", response_model=ListsResponse, tags=["lists"])
    async def lists() -> Response:
        """Counts and version of the lists in use."""
        eng = current()
        if isinstance(eng, Response):
            return eng
        return json_response({**eng.stats(), "list_revision": holder.revision})

    @app.get("/healthz", tags=["health"])
    async def healthz() -> Response:
        """Liveness: the process answers."""
        return json_response({"status": "ok"})

    @app.get("/readyz", tags=["health"])
    async def readyz() -> Response:
        """Readiness: the lists are loaded and the engine is built."""
        if holder.engine is None:
            return json_response({"status": "error" if holder.error else "loading", "error": holder.error}, 503)
        live = state["live"]
        eng = holder.engine
        return json_response({"status": "ready", "list_version": eng.version, "list_revision": holder.revision,
                              "reload_error": live.reload_error if live else None,
                              # how the engine in use came to be: built from the lists, or loaded
                              # from the snapshot a previous start wrote, and in how many seconds
                              "engine": {"source": eng.source, "seconds": round(eng.build_seconds, 3)}})

    def no_store() -> Store | None:
        return state["store"]

    add_list_routes(app, store=no_store, keys=parse_keys(settings.api_keys),
                    reads_need_key=settings.reads_need_key, changed=changed)

    def poke_runner() -> None:
        if state["runner"] is not None:
            state["runner"].poke()

    add_job_routes(app, jobs=lambda: state["jobs"], poke=poke_runner,
                   max_upload_bytes=settings.max_upload_bytes, max_rows=settings.max_job_rows,
                   keys=parse_keys(settings.api_keys), need_key=settings.jobs_need_key)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory app.api.main:app_factory`."""
    return create_app()
