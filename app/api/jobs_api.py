"""Catalogue jobs over HTTP: upload a file, follow its progress, fetch its results."""
from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
from fastapi import FastAPI, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from app.api.auth import ApiKey, check
from app.api.errors import ApiError, error_response, json_response
from app.catalogue.jobs import JobError, Jobs
from app.catalogue.reader import FORMATS
from app.catalogue.work import CSV_COLUMNS, compact, full


def add_job_routes(app: FastAPI, *, jobs: Callable[[], Jobs | None], poke: Callable[[], None],
                   max_upload_bytes: int, max_rows: int, keys: tuple[ApiKey, ...] = (),
                   need_key: bool = False) -> None:

    def opened(request: Request) -> Jobs:
        if need_key:
            check(keys, request.headers.get("authorization"))
        j = jobs()
        if j is None:
            raise ApiError(503, "not_ready", "the job store is still opening")
        return j

    def job_or_404(j: Jobs, job_id: str) -> dict:
        job = j.get(job_id)
        if job is None:
            raise ApiError(404, "not_found", f"no job {job_id!r}", "job_id")
        return job

    @app.post("/v1/jobs", status_code=202, tags=["jobs"],
              responses={202: {"description": "queued; poll GET /v1/jobs/{id}"},
                         413: {"description": "file larger than PRESCREEN_MAX_UPLOAD_BYTES"},
                         415: {"description": "not CSV, TSV, XLSX or JSONL"},
                         422: {"description": "empty file, no header with a text column, bad mapping"}})
    async def create_job(request: Request, file: UploadFile, mapping: str | None = Form(None), callback_url: str | None = Form(None),
                         format: str | None = Form(None)) -> Response:
        """Screen a whole catalogue file (multipart field `file`): CSV, TSV, XLSX or JSONL, in
        UTF-8 (BOM or not), UTF-16 or GB18030/GBK. `mapping` (JSON) names the columns for
        fields (`{"title": "Product Name", "bullets": ["B1", "B2"]}`) when the headers are not
        recognised; `callback_url` gets a signed summary when the job ends."""
        j = opened(request)
        explicit = None
        if mapping:
            try:
                explicit = json.loads(mapping)
            except ValueError:
                return error_response(422, "invalid_mapping", "mapping: not valid JSON", "mapping")
            if not isinstance(explicit, dict):
                return error_response(422, "invalid_mapping", "mapping: a JSON object of field -> column name(s)", "mapping")
        if format is not None and format not in FORMATS:
            return error_response(422, "invalid_format", "format: one of csv, tsv, xlsx, jsonl", "format")
        if callback_url is not None and not callback_url.startswith(("http://", "https://")):
            return error_response(422, "invalid_callback", "callback_url: an http:// or https:// address", "callback_url")
        tmp = await run_in_threadpool(_save, file.file, j.jobs_dir, max_upload_bytes)
        if tmp is None:
            return error_response(413, "file_too_large",
                          f"file: larger than {max_upload_bytes} bytes (PRESCREEN_MAX_UPLOAD_BYTES)", "file")
        try:
            if tmp.stat().st_size == 0:
                return error_response(422, "empty_file", "file: the file is empty", "file")
            try:
                job = await run_in_threadpool(j.create, tmp, file.filename or "", mapping=explicit, fmt=format,
                                              callback_url=callback_url, max_rows=max_rows)
            except JobError as exc:
                unsupported = "not supported" in str(exc) or "zip archive" in str(exc)
                return error_response(415 if unsupported else exc.status, "unsupported_file" if unsupported else "unreadable_file",
                              str(exc), exc.field)
        finally:
            tmp.unlink(missing_ok=True)
        poke()
        return json_response({**job, "links": _links(job["id"])}, 202)

    @app.get("/v1/jobs", tags=["jobs"])
    async def list_jobs(request: Request, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000_000)) -> Response:
        j = opened(request)
        items, total = await run_in_threadpool(j.list, limit, offset)
        return json_response({"items": items, "total": total, "limit": limit, "offset": offset})

    @app.get("/v1/jobs/{job_id}", tags=["jobs"])
    async def get_job(job_id: str, request: Request) -> Response:
        """Status, rows done / total, counts per verdict, errors."""
        j = opened(request)
        job = await run_in_threadpool(job_or_404, j, job_id)
        return json_response({**job, "links": _links(job_id)})

    @app.post("/v1/jobs/{job_id}/cancel", tags=["jobs"])
    async def cancel_job(job_id: str, request: Request) -> Response:
        """Stop a queued or running job; rows already screened stay available."""
        j = opened(request)
        job = await run_in_threadpool(j.cancel, job_id)
        if job is None:
            return error_response(404, "not_found", f"no job {job_id!r}", "job_id")
        return json_response(job)

    @app.get("/v1/jobs/{job_id}/results", tags=["jobs"])
    async def job_results(job_id: str, request: Request, format: str = Query("csv", pattern="^(csv|jsonl)$")) -> Response:
        """One row per input row, in input order: row number, SKU, verdict, risk score, hits
        (compact in CSV, full in JSONL), or the error that kept the row from being screened."""
        j = opened(request)
        job = await run_in_threadpool(job_or_404, j, job_id)

        def lines() -> Iterator[bytes]:
            if format == "jsonl":
                for r in j.results(job_id):
                    yield orjson.dumps(full(r)) + b"\n"
                return
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
            w.writeheader()
            for r in j.results(job_id):
                w.writerow(compact(r))
                if buf.tell() > 1 << 16:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue().encode("utf-8")

        media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
        headers = {"Content-Disposition": f'attachment; filename="job-{job_id}.{format}"',
                   "X-Job-Status": job["status"]}
        return StreamingResponse(lines(), media_type=media, headers=headers)


def _save(src, folder: Path, limit: int) -> Path | None:
    """Copy the received upload beside the jobs (off the event loop); None if over the limit."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
    tmp = Path(name)
    size = 0
    with open(fd, "wb") as out:
        while chunk := src.read(1 << 20):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        tmp.unlink(missing_ok=True)
        return None
    return tmp


def _links(job_id: str) -> dict[str, str]:
    return {"self": f"/v1/jobs/{job_id}", "results_csv": f"/v1/jobs/{job_id}/results?format=csv",
            "results_jsonl": f"/v1/jobs/{job_id}/results?format=jsonl", "cancel": f"/v1/jobs/{job_id}/cancel"}
